import Contract
import Foundation
import Simulation
import SimulationTestSupport
import Testing

/// The simulator reads debtor files through `tact place`'s reader and the default column mapping.
@Suite struct DebtorFileTests {
    static let header: String = SimulationSamples.debtorHeader
    /// The same columns and the debtor's postal address.
    static let addressHeader = header.replacingOccurrences(of: "\n", with: ",address\n")

    func parse(_ text: String, name: String = "debtors.csv") throws -> [Placement] {
        try DebtorFile.parse(Array(text.utf8), name: name, mapping: SimulationFixtures.mapping)
    }

    @Test func theSampleHasFictitiousDebtorsAcrossZones() throws {
        let placements = try DebtorFile.read(SimulationFixtures.sampleDebtors, mapping: SimulationFixtures.mapping)
        #expect((20...50).contains(placements.count))
        let zones = Set(placements.flatMap(\.debtor.timeZones))
        #expect(zones.isSuperset(of: ["Europe/Warsaw", "America/New_York", "Pacific/Honolulu", "Europe/London"]))
        #expect(
            placements.contains { $0.debtor.timeZones.count > 1 } && placements.contains { $0.debtor.timeZones.isEmpty }
        )
        #expect(
            placements.allSatisfy {
                $0.debtor.email.map { $0.hasSuffix("@example.com") || $0.hasSuffix("@example.org") } ?? true
            })
    }

    @Test func csvWithQuotesCRLFAByteOrderMarkAndZoneSeparators() throws {
        let text =
            "\u{FEFF}" + Self.header.replacingOccurrences(of: "\n", with: "\r\n")
            + "sim,D-1,\"Doe, Jane \"\"JD\"\"\",Europe/Warsaw;America/New_York,+48000000001,,,pl,10.50,PLN,2026-11-01,anna,C-1\r\n"
            + "sim,D-2,Łucja Przykład,America/Chicago America/Denver,+13125550100,l@example.com,+13125550100,en,99,USD,2026-10-01,,C-2\r\n"
            + "\r\n"
        let placements = try parse(text)
        #expect(placements.count == 2)
        #expect(placements[0].debtor.name == "Doe, Jane \"JD\"")
        #expect(placements[0].debtor.timeZones == ["Europe/Warsaw", "America/New_York"])
        #expect(placements[0].debtor.email == nil && placements[0].specialistId == "anna")
        #expect(placements[0].debt.id == "C-1" && placements[0].creditorId == "sim")
        #expect(placements[1].debtor.timeZones == ["America/Chicago", "America/Denver"])
        #expect(placements[1].debtor.name == "Łucja Przykład" && placements[1].specialistId == nil)
    }

    @Test func jsonLinesArePlacements() throws {
        let url = SimulationFixtures.configURL.appendingPathComponent("samples/placements.jsonl")
        let placements = try DebtorFile.read(url, mapping: SimulationFixtures.mapping)
        #expect(placements.count > 3 && placements[0].placementId == "P-1001")
    }

    static let good = SimulationSamples.goodDebtorRow

    /// Bad rows name the line and the field, never the value.
    static let badFiles: [(text: String, message: String)] = [
        (
            Self.header + "sim,D-1,Jan,Europe/Gotham,+48000000001,,,pl,10.00,PLN,2026-11-01,,C-1\n",
            "debtors.csv: line 2: invalid-field: debtor.timeZones[0]: unknown time-zone id"
        ),
        (
            Self.header + "sim,D-1,Jan,Europe/Warsaw,+48000000001,,,pl,ten,PLN,2026-11-01,,C-1\n",
            "debtors.csv: line 2: invalid-field: debt.amount: must be a positive decimal"
        ),
        (
            Self.header + "sim,D-1,Jan,Europe/Warsaw,+48000000001,not-an-address,,pl,10.00,PLN,2026-11-01,,C-1\n",
            "line 2: invalid-field: debtor.email: not an address"
        ),
        (
            Self.header + "sim,D-1,Jan,Europe/Warsaw,+48000000001,,,pl,10.00,PLN,2026-13-01,,C-1\n",
            "line 2: invalid-field: debt.dueDate: must be a date"
        ),
        ("debtor_id,name\nD-1,Jan\n", "debtors.csv: no column \"creditor_id\" for creditorId in the header"),
        (
            Self.header + "sim,D-1,\"Jan,Europe/Warsaw\n",
            "debtors.csv: line 2: csv: a quoted field opened on line 2 is never closed"
        ),
        (header, "debtors.csv: no debtors in the file"),
        (
            Self.header
                + "sim,D-1,Jan,Europe/Gotham,+1,,,pl,10.00,PLN,2026-11-01,,C-1\nsim,D-2,Ann,Mars/Base,+1,,,pl,1,PLN,2026-11-01,,C-2\n",
            "line 2: invalid-field: debtor.timeZones[0]: unknown time-zone id (expected an IANA id such as Europe/Warsaw) (and 1 more bad row)"
        ),
        // The duplicate is the second row, on line 3.
        (Self.header + Self.good + Self.good, "line 3: conflict: placementId: same as line 2"),
        // A quoted line break, in an address (the field that may hold one): the rows after it are a line further down.
        (
            Self.addressHeader
                + "sim,D-1,Jan,UTC,+1,,,pl,1,PLN,2026-11-01,,C-1,\"1 Main St\nSpringfield\"\n"
                + "sim,D-2,Ann,UTC,+1,,,pl,1,PLN,2026-11-01,,C-2,\n"
                + "sim,D-1,Jan,UTC,+1,,,pl,1,PLN,2026-11-01,,C-1,\"1 Main St\r\nSpringfield\"\n",
            "line 5: conflict: placementId: same as line 2"
        ),
        (
            Self.addressHeader + "sim,D-1,Jan,Europe/Gotham,+1,,,pl,1,PLN,2026-11-01,,C-1,\"1 Main St\nSpringfield\"\n",
            "line 2: invalid-field: debtor.timeZones[0]: unknown time-zone id"
        ),
        // In a name, a line break is a control character the scheduler would refuse.
        (
            Self.header + "sim,D-1,\"Jan\nKowalski\",UTC,+1,,,pl,1,PLN,2026-11-01,,C-1\n",
            "debtors.csv: line 2: invalid-field: debtor.name: a control character is not allowed"
        ),
        (
            Self.header + "sim,\"D-2\"x,Jan,UTC,+1,,,pl,1,PLN,2026-11-01,,C-2\n",
            "debtors.csv: line 2: csv: text after a closing quote"
        ),
        (
            Self.header + Self.good + "sim,\"D-2\" \"x\",Jan,UTC,+1,,,pl,1,PLN,2026-11-01,,C-2\n",
            "line 3: csv: text after a closing quote"
        ),
        (
            Self.header + "sim,D-\"2\",Jan,UTC,+1,,,pl,1,PLN,2026-11-01,,C-2\n",
            "debtors.csv: line 2: csv: a quote inside an unquoted field"
        ),
        (Self.header + "sim,D-1,Jan,UTC,+1\n", "debtors.csv: line 2: csv: 5 fields where the header has 13"),
        (
            Self.header + "sim,D-1,Jan,UTC,+1,,,pl,1,PLN,2026-11-01,,C-1,extra\nD-2\n",
            "line 2: csv: 14 fields where the header has 13 (and 1 more bad row)"
        ),
        // The same debt twice under two placement ids.
        (
            "placement_id," + Self.header + "P-1," + Self.good + "P-2," + Self.good,
            "line 3: conflict: debt.id: the same debtor and debt as line 2"
        ),
        // JSON lines: blank lines count, and CRLF ends a line.
        (Self.jsonLines[0] + "\r\n\r\n" + Self.jsonLines[0] + "\r\n", "line 3: conflict: placementId: same as line 1"),
    ]

    /// The first lines of the sample placements.
    static let jsonLines: [String] = {
        let url = SimulationFixtures.configURL.appendingPathComponent("samples/placements.jsonl")
        return try! String(contentsOf: url, encoding: .utf8).split(separator: "\n").prefix(2).map(String.init)
    }()

    @Test func csvFieldsKeepBlanksAfterAClosingQuoteOut() throws {
        let text = Self.header + "sim,\"D-1\" ,\" Jan \"\t,UTC,+1,,,pl,1,PLN,2026-11-01,\"\",C-1\n"
        let placements = try parse(text)
        #expect(placements.map(\.debtor.id) == ["D-1"] && placements[0].specialistId == nil)
    }

    @Test func jsonLinesWithCRLF() throws {
        let placements = try parse(Self.jsonLines.joined(separator: "\r\n") + "\r\n", name: "placements.jsonl")
        #expect(placements.count == 2)
    }

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
        var bytes = Array((Self.header + Self.good).utf8)
        bytes += Array("sim,D-2,".utf8) + [0xE9] + Array(",UTC,+1,,,pl,1,PLN,2026-11-01,,C-2\n".utf8)  // é in Latin-1
        #expect {
            _ = try DebtorFile.parse(bytes, name: "latin1.csv", mapping: SimulationFixtures.mapping)
        } throws: { "\($0)".hasPrefix("latin1.csv: line 3: ") && "\($0)".contains("UTF-8") }
    }
}
