import Contract
import Foundation
import Simulation
import Testing

@Suite struct DebtorFileTests {
    static let header: String = "id,name,timeZones,phone,email,sms,language,amount,currency,dueDate,specialistId\n"

    func parse(_ text: String, name: String = "debtors.csv") throws -> [Placement] {
        try DebtorFile.parse(Data(text.utf8), name: name)
    }

    @Test func theSampleHasFictitiousDebtorsAcrossZones() throws {
        let placements = try DebtorFile.read(SimulationFixtures.sampleDebtors)
        #expect((20...50).contains(placements.count))
        let zones = Set(placements.flatMap(\.debtor.timeZones))
        #expect(zones.isSuperset(of: ["Europe/Warsaw", "America/New_York", "Pacific/Honolulu", "Europe/London"]))
        #expect(placements.contains { $0.debtor.timeZones.count > 1 } && placements.contains { $0.debtor.timeZones.isEmpty })
        #expect(placements.allSatisfy { $0.debtor.email.map { $0.hasSuffix("@example.com") || $0.hasSuffix("@example.org") } ?? true })
    }

    @Test func csvWithQuotesCRLFAByteOrderMarkAndBothZoneSeparators() throws {
        let text =
            "\u{FEFF}" + Self.header.replacingOccurrences(of: "\n", with: "\r\n")
            + "D-1,\"Doe, Jane \"\"JD\"\"\",Europe/Warsaw|America/New_York,+48000000001,,,pl,10.50,PLN,2026-11-01,anna\r\n"
            + "D-2,Łucja Przykład,America/Chicago America/Denver,+13125550100,l@example.com,+13125550100,en,99,USD,2026-10-01,\r\n"
            + "\r\n"
        let placements = try parse(text)
        #expect(placements.count == 2)
        #expect(placements[0].debtor.name == "Doe, Jane \"JD\"")
        #expect(placements[0].debtor.timeZones == ["Europe/Warsaw", "America/New_York"])
        #expect(placements[0].debtor.email == nil && placements[0].specialistId == "anna")
        #expect(placements[0].debt.id == "D-1/debt" && placements[0].placementId == "D-1/debt")
        #expect(placements[1].debtor.timeZones == ["America/Chicago", "America/Denver"])
        #expect(placements[1].debtor.name == "Łucja Przykład" && placements[1].specialistId == nil)
    }

    @Test func jsonLinesArePlacements() throws {
        let url = SimulationFixtures.configURL.appendingPathComponent("samples/placements.jsonl")
        let placements = try DebtorFile.read(url)
        #expect(placements.count > 3 && placements[0].placementId == "P-1001")
    }

    /// Bad rows name the line and the column, never the value.
    static let badFiles: [(text: String, message: String)] = [
        (Self.header + "D-1,Jan,Europe/Gotham,+48000000001,,,pl,10.00,PLN,2026-11-01,\n", "debtors.csv: line 2: timeZones: unknown time-zone id"),
        (Self.header + "D-1,Jan,Europe/Warsaw,+48000000001,,,pl,ten,PLN,2026-11-01,\n", "debtors.csv: line 2: amount: must be a positive decimal"),
        (Self.header + "D-1,Jan,Europe/Warsaw,+48000000001,not-an-address,,pl,10.00,PLN,2026-11-01,\n", "line 2: email: not an address"),
        (Self.header + "D-1,Jan,Europe/Warsaw,+48000000001,,,pl,10.00,PLN,2026-13-01,\n", "line 2: dueDate: must be a date"),
        ("id,name\nD-1,Jan\n", "debtors.csv: header row lacks the column(s) timeZones, phone"),
        (Self.header + "D-1,\"Jan,Europe/Warsaw\n", "debtors.csv: line 2: a quoted field is never closed"),
        (header, "debtors.csv: no debtors in the file"),
        (
            Self.header + "D-1,Jan,Europe/Gotham,+1,,,pl,10.00,PLN,2026-11-01,\nD-2,Ann,Mars/Base,+1,,,pl,1,PLN,2026-11-01,\n",
            "line 2: timeZones: unknown time-zone id (expected an IANA id such as Europe/Warsaw) (and 1 more bad row)"
        ),
        (Self.header + "D-1,Jan,UTC,+1,,,pl,1,PLN,2026-11-01,\nD-1,Jan,UTC,+1,,,pl,1,PLN,2026-11-01,\n", "line 2: id: the same debtor and debt appear twice"),
    ]

    @Test(arguments: badFiles)
    func badRowsAreNamed(text: String, message: String) {
        #expect {
            _ = try parse(text)
        } throws: { error in
            let description = "\(error)"
            return description.contains(message) && !description.contains("Gotham") && !description.contains("ten")
        }
    }

    @Test func notUTF8NamesTheLine() {
        var bytes = Array((Self.header + "D-1,Jan,UTC,+1,,,pl,1,PLN,2026-11-01,\n").utf8)
        bytes += [0x44, 0x2D, 0x32, 0x2C, 0xE9, 0x0A]  // "D-2,é" in Latin-1
        #expect {
            _ = try DebtorFile.parse(Data(bytes), name: "latin1.csv")
        } throws: { "\($0)" == "latin1.csv: not UTF-8 text (first bad byte on line 3)" }
    }
}
