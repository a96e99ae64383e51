import AMQP
import Contract
import Domain
import Foundation
import Policy
import Store
import TactTestKit
import Testing

/// `tact place`: CSV and JSON lines, every bad row reported by line and field, `--partial` and its reject file,
/// derived placement ids, a broker that is down.
@Suite("Tools: tact place", .serialized, .enabled(if: TestEnvironment.hasBroker), .timeLimit(.minutes(5)))
struct ToolsPlaceTests {
    static let header = "creditor_id,debtor_id,name,time_zones,phone,email,address,debt_id,amount,currency,due_date"

    /// A good row of the default mapping's columns.
    static func row(_ n: Int, zone: String = "America/Chicago", amount: String = "120.50", name: String? = nil)
        -> String
    {
        let name = name ?? "\"\(PersonalData.name)\""
        return "acme,D-\(n),\(name),\(zone),\(PersonalData.phone),\(PersonalData.email),\"\(PersonalData.address)\","
            + "C-\(n),\(amount),USD,2026-11-01"
    }

    @Test func aCSVFileIsPlacedRowByRowQuotesLineBreaksAndAll() async throws {
        try await ToolInstallation.with { tact in
            // A byte-order mark, CRLF line ends, a quoted comma, an escaped quote and a line break inside quotes (in
            // an address, the one field that may hold one).
            let csv =
                "\u{FEFF}" + Self.header + "\r\n" + Self.row(1) + "\r\n"
                + "acme,D-2,\"Quote \"\"Q\"\" Person\",Europe/Warsaw; Europe/London,+48500,,,C-2,9,PLN,2026-10-01\r\n"
                + "acme,D-3,Two Lines,UTC,+1555,,\"1 Main St\r\nSpringfield\",C-3,1.05,USD,2026-12-31\r\n\r\n"
            let path = try tact.file("debtors.csv", csv)
            let run = try await tact.tact(["place", path])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("placed 3 placements"))
            PersonalData.expectNone(in: run.output)
            #expect(try await tact.messages(in: tact.topology.intakeQueue, expected: 3) == 3)
            let placements = try await tact.drain(tact.topology.intakeQueue, quiet: .seconds(1)).map {
                try MessageCoding.decode(Placement.self, from: $0.body)
            }
            let byDebtor = Dictionary(uniqueKeysWithValues: placements.map { ($0.debtor.id, $0) })
            #expect(byDebtor["D-1"]?.debtor.name == PersonalData.name)
            #expect(byDebtor["D-1"]?.debtor.address == PersonalData.address)
            #expect(byDebtor["D-2"]?.debtor.name == "Quote \"Q\" Person")
            #expect(byDebtor["D-2"]?.debtor.timeZones == ["Europe/Warsaw", "Europe/London"])
            #expect(byDebtor["D-2"]?.debtor.email == nil)
            #expect(byDebtor["D-3"]?.debtor.address == "1 Main St\r\nSpringfield")
            #expect(byDebtor["D-1"]?.debtor.language == "en", "the mapping's default")
            // Ids derived from creditor, debtor and debt: the same on every run, different per row.
            #expect(Set(placements.map(\.placementId)).count == 3)
            #expect(placements.allSatisfy { $0.placementId.hasPrefix("P-") && $0.placementId.count == 34 })
            let again = try await tact.tact(["place", path])
            #expect(again.status == 0)
            let repeated = try await tact.drain(tact.topology.intakeQueue, quiet: .seconds(1)).map {
                try MessageCoding.decode(Placement.self, from: $0.body)
            }
            #expect(Set(repeated.map(\.placementId)) == Set(placements.map(\.placementId)))
        }
    }

    @Test func aMissingFileIsOneLineAndExitTwo() async throws {
        try await ToolInstallation.with { tact in
            let run = try await tact.tact(["place", tact.directory.appendingPathComponent("nowhere.csv").path])
            expectOneLineError(run, command: "place", status: 2)
            #expect(run.stderr.contains("no such file"))
        }
    }

    @Test func badEncodingIsReportedWithItsLineAndNothingIsPlaced() async throws {
        try await ToolInstallation.with { tact in
            // Line 3 is Latin-1 (é as the single byte 0xE9), not UTF-8.
            let bytes =
                Array((Self.header + "\n" + Self.row(1) + "\n").utf8)
                + Array("acme,D-2,Ren".utf8) + [0xE9] + Array(",UTC,+1,,,C-2,1,USD,2026-11-01\n".utf8)
            let run = try await tact.tact(["place", try tact.file("latin1.csv", bytes)])
            #expect(run.status == 2)
            #expect(run.stderr.contains("line 3: encoding: not valid UTF-8"))
            #expect(run.stderr.contains("nothing placed"))
            #expect(try await tact.messages(in: tact.topology.intakeQueue, expected: 0, timeout: .seconds(2)) == 0)
        }
    }

    @Test func mixedRowsPlaceNothingWithoutPartialAndTheGoodOnesWithIt() async throws {
        try await ToolInstallation.with { tact in
            let bad = [
                Self.row(2, zone: "Mars/Olympus_Mons"),  // line 3: unknown time zone
                Self.row(3, amount: "12.345"),  // line 4: amount
                "acme,D-4,\"never closed,UTC,+1,,,C-4,1,USD,2026-11-01",  // line 5: unterminated quote, to the end
            ]
            let csv = [Self.header, Self.row(1)] + bad.prefix(2) + [Self.row(5)] + bad.suffix(1)
            let path = try tact.file("mixed.csv", csv.joined(separator: "\n") + "\n")

            let strict = try await tact.tact(["place", path])
            #expect(strict.status == 2)
            #expect(strict.stderr.contains("line 3: invalid-field: debtor.timeZones[0]: unknown time-zone id"))
            #expect(strict.stderr.contains("line 4: invalid-field: debt.amount"))
            #expect(strict.stderr.contains("line 6: csv: a quoted field opened on line 6 is never closed"))
            #expect(!strict.output.contains("Mars/Olympus_Mons"), "reasons name the field, not the value")
            PersonalData.expectNone(in: strict.output)
            #expect(try await tact.messages(in: tact.topology.intakeQueue, expected: 0, timeout: .seconds(2)) == 0)
            #expect(
                !FileManager.default.fileExists(atPath: tact.directory.appendingPathComponent("mixed.rejects.csv").path)
            )

            let partial = try await tact.tact(["place", path, "--partial"])
            #expect(partial.status == 0, "\(partial.stderr)")
            #expect(partial.stdout.contains("placed 2 placements"))
            #expect(partial.stdout.contains("3 bad rows written to"))
            PersonalData.expectNone(in: partial.output)
            #expect(try await tact.messages(in: tact.topology.intakeQueue, expected: 2) == 2)
            let rejects = try String(
                contentsOf: tact.directory.appendingPathComponent("mixed.rejects.csv"), encoding: .utf8)
            #expect(rejects == ([Self.header] + bad).joined(separator: "\n") + "\n", "the bad rows as they were")

            let custom = tact.directory.appendingPathComponent("elsewhere.csv").path
            #expect(try await tact.tact(["place", path, "--partial", "--rejects", custom]).status == 0)
            #expect(try String(contentsOfFile: custom, encoding: .utf8) == rejects)
        }
    }

    @Test func rowsThatBreakTheCSVFormatAreNamedByLine() async throws {
        try await ToolInstallation.with { tact in
            let csv = [
                Self.header,
                "acme,D-1,\"Closed\" early,UTC,+1,,,C-1,1,USD,2026-11-01",  // line 2
                "acme,D-2,Half\"quoted,UTC,+1,,,C-2,1,USD,2026-11-01",  // line 3
                "acme,D-3,Short,UTC",  // line 4
                "acme,D-4,,UTC,+1,,,C-4,1,USD,2026-11-01",  // line 5: empty name
                "acme,D-5,Fine,UTC,+1,,,C-5,1,USD,2026-11-01",
            ]
            let run = try await tact.tact([
                "place", try tact.file("broken.csv", csv.joined(separator: "\n")), "--dry-run",
            ])
            #expect(run.status == 2)
            #expect(run.stderr.contains("line 2: csv: text after a closing quote"))
            #expect(run.stderr.contains("line 3: csv: a quote inside an unquoted field"))
            #expect(run.stderr.contains("line 4: csv: 4 fields where the header has 11"))
            #expect(run.stderr.contains("line 5: missing-field: debtor.name: required (column \"name\" is empty)"))
            #expect(run.stderr.contains("checked 5 rows: 1 good, 4 bad"))
        }
    }

    @Test func mappingsComeFromConfigFilesOrFlagsAndBadOnesAreNamed() async throws {
        try await ToolInstallation.with { tact in
            let csv = """
                Debtor,Full Name,Zone,Phone,Debt,Amount,Currency,Due
                D-1,\(PersonalData.name),UTC,\(PersonalData.phone),C-1,5,USD,2026-11-01

                """
            let path = try tact.file("bank.csv", csv)
            let missing = try await tact.tact(["place", path])
            expectOneLineError(missing, command: "place", status: 2)
            #expect(missing.stderr.contains("creditorId"))

            let flags = [
                "--column", "debtor.id=Debtor", "--column", "debtor.name=Full Name", "--column",
                "debtor.timeZones=Zone",
                "--column", "debtor.phone=Phone", "--column", "debt.id=Debt", "--column", "debt.amount=Amount",
                "--column", "debt.currency=Currency", "--column", "debt.dueDate=Due", "--creditor", "bank",
            ]
            let byFlags = try await tact.tact(["place", path] + flags)
            #expect(byFlags.status == 0, "\(byFlags.stderr)")
            let placed = try await tact.drain(tact.topology.intakeQueue, quiet: .seconds(1))
            #expect(placed.count == 1)
            #expect(try MessageCoding.decode(Placement.self, from: placed[0].body).creditorId == "bank")

            let absentColumn = try await tact.tact(["place", path, "--column", "debtor.sms=Mobile"] + flags)
            expectOneLineError(absentColumn, command: "place", status: 2)
            #expect(absentColumn.stderr.contains("no column \"Mobile\" for debtor.sms"))

            let mapping = try tact.file("bank.yaml", "columns:\n  debtor.nmae: Full Name\n")
            let badMapping = try await tact.tact(["place", path, "--mapping", mapping])
            expectOneLineError(badMapping, command: "place", status: 2)
            #expect(badMapping.stderr.contains("bank.yaml: columns.debtor.nmae: unknown field"))

            let unknownName = try await tact.tact(["place", path, "--mapping", "no-such-mapping"])
            expectOneLineError(unknownName, command: "place", status: 2)
            #expect(unknownName.stderr.contains("mappings/no-such-mapping.yaml"))
        }
    }

    @Test func jsonLinesArePlacedAsWrittenAndBadLinesNamed() async throws {
        try await ToolInstallation.with { tact in
            func line(_ n: Int, zone: String = "UTC", strategy: String = "default") -> String {
                """
                {"type":"placement","version":1,"placementId":"acme-P-\(n)","creditorId":"acme","extra":"kept",\
                "strategy":"\(strategy)",\
                "debtor":{"id":"D-\(n)","name":"\(PersonalData.name)","timeZones":["\(zone)"],"phone":"\(PersonalData.phone)",\
                "language":"en"},"debt":{"id":"C-\(n)","amount":"5.00","currency":"USD","dueDate":"2026-11-01"}}
                """
            }
            let bad = try tact.file(
                "bad.jsonl",
                [line(1), "{not json", line(3, zone: "Nowhere/Else"), line(1), line(5, strategy: "reckless")]
                    .joined(separator: "\n"))
            let refused = try await tact.tact(["place", bad])
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("line 2: malformed-json"))
            #expect(refused.stderr.contains("line 3: invalid-field: debtor.timeZones[0]"))
            #expect(refused.stderr.contains("line 4: conflict: placementId: same as line 1"))
            #expect(refused.stderr.contains("line 5: invalid-field: strategy: no strategy with this id is configured"))
            PersonalData.expectNone(in: refused.output)

            let good = try tact.file("good.ndjson", [line(1), "", line(2)].joined(separator: "\r\n") + "\r\n")
            let run = try await tact.tact(["place", good])
            #expect(run.status == 0, "\(run.stderr)")
            let bodies = try await tact.drain(tact.topology.intakeQueue, quiet: .seconds(1)).map {
                String(decoding: $0.body, as: UTF8.self)
            }
            #expect(Set(bodies) == [line(1), line(2)], "published as written")

            let unknownFormat = try await tact.tact(["place", try tact.file("debtors.txt", line(1))])
            expectOneLineError(unknownFormat, command: "place", status: 2)
            #expect(
                try await tact.tact(["place", try tact.file("debtors.txt", line(1)), "--format", "jsonl"]).status == 0)
        }
    }

    @Test func aBrokerThatIsDownIsAClearMessageAndExitOne() async throws {
        try await ToolInstallation.with { tact in
            let path = try tact.file("one.csv", Self.header + "\n" + Self.row(1) + "\n")
            let run = try await tact.tact(
                ["place", path], environment: ["TACT_AMQP_URL": "amqp://guest:guest@127.0.0.1:1/"])
            #expect(run.status == 1)
            let errors = run.stderr.split(separator: "\n").filter { $0.contains("error") }
            #expect(errors.count == 1)
            #expect(errors.first?.hasPrefix("tact place: error: AMQP") == true, "\(run.stderr)")
            #expect(!run.output.contains("Fatal error"))
            #expect(!run.output.contains("guest:guest"), "no credentials")
        }
    }

    @Test func placingTheSameFileAgainPlacesNothingTwice() async throws {
        try await ToolInstallation.with { tact in
            try tact.startScheduler()
            try tact.startWorker()
            let path = try tact.file(
                "debtors.csv", ([Self.header] + (1...5).map { Self.row($0) }).joined(separator: "\n"))
            #expect(try await tact.tact(["place", path]).status == 0)
            try await tact.waitUntilSettled(debtors: true)
            let first = try await tact.inspect { try $0.tasks(statuses: [], limit: 1000) }
            #expect(first.count == 10, "a first notice and a first call per debtor")
            #expect(try await tact.tact(["place", path]).status == 0)
            #expect(
                try await tact.tact(["place", path, "--with-user-id", "--creditor", "guest"]).status == 2,
                "creditor is not the broker user")
            try await Task.sleep(for: .seconds(2))
            try await tact.waitUntilSettled(debtors: true)
            let second = try await tact.inspect { try $0.tasks(statuses: [], limit: 1000) }
            #expect(second.map(\.id).sorted() == first.map(\.id).sorted())
            let debtors = try await tact.inspect { try $0.statistics(at: Instant(Date())).debtors }
            #expect(debtors == 5)
        }
    }
}
