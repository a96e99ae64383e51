import Domain
import Foundation
import Policy
import Store
import TactTestKit
import Testing

/// `tact doctor` over a store written as a scheduler would have left it: a sound case, a case stopped for good by a
/// call no worker decided, and a bereavement reported twice with its two gentle calls.
@Suite("Tools: tact doctor", .enabled(if: TestEnvironment.hasBroker), .timeLimit(.minutes(3)))
struct ToolsDoctorTests {
    static let placed = Instant(Date()).adding(seconds: -3_600)

    /// Writes `D-ID` with debt `C-ID` and `tasks`, the debtor's personal data in every field that holds it.
    static func write(_ id: String, tasks: [TaskRecord], in store: SQLiteStore) async throws {
        try await store.write { tx in
            try tx.save(
                DebtorRecord(
                    id: id, creditorID: "acme", rulebook: "us-regf",
                    contact: ContactDetails(
                        name: PersonalData.name, phone: PersonalData.phone, email: PersonalData.email,
                        postalAddress: PersonalData.address, language: "en"),
                    timeZones: ["America/New_York"], createdAt: placed))
            try tx.save(
                DebtRecord(
                    debtorID: id, id: "C-\(id)", placementID: "P-\(id)", amount: "99.00", currency: "USD",
                    dueDate: "2026-11-01"))
            for task in tasks { try tx.save(task) }
        }
    }

    static func call(_ id: String, debtor: String, purpose: Purpose = .firstCall) -> TaskRecord {
        TaskRecord(
            id: id, debtorID: debtor, debtID: "C-\(debtor)", channel: .call, purpose: purpose, dueAt: placed,
            createdAt: placed)
    }

    @Test func everyViolationIsOneLineWithItsIdsAndTheExitStatusSaysWhetherThereWasOne() async throws {
        try await ToolInstallation.with { tact in
            let missing = try await tact.tact(["doctor"])
            expectOneLineError(missing, command: "doctor", status: 2)

            let store = try SQLiteStore(path: tact.storePath)
            try await Self.write("D-OK", tasks: [Self.call("acme/P-OK/first-call", debtor: "D-OK")], in: store)
            let clean = try await tact.tact(["doctor"])
            #expect(clean.status == 0, "\(clean.output)")
            #expect(clean.stdout.hasPrefix("doctor: no violation in 1 debtor, 1 open debt, at "))

            var lost = Self.call("acme/P-LOST/first-call", debtor: "D-LOST")
            try lost.apply(.closed(.noDecision))
            try await Self.write("D-LOST", tasks: [lost], in: store)
            try await Self.write(
                "D-GRIEF",
                tasks: [
                    Self.call("E-1/after-bereavement", debtor: "D-GRIEF", purpose: .afterBereavement),
                    Self.call("E-2/after-bereavement", debtor: "D-GRIEF", purpose: .afterBereavement),
                ], in: store)
            try store.close()

            let found = try await tact.tact(["doctor"])
            #expect(found.status == 1, "\(found.stderr)")
            PersonalData.expectNone(in: found.output)
            let lines = found.stdout.split(separator: "\n").map(String.init)
            #expect(lines.count == 3, "\(found.stdout)")
            #expect(
                lines.first
                    == "two-gentle-calls debtor D-GRIEF tasks E-1/after-bereavement,E-2/after-bereavement: debtor "
                    + "D-GRIEF has 2 open gentle calls: E-1/after-bereavement (after-bereavement, planned), "
                    + "E-2/after-bereavement (after-bereavement, planned)")
            #expect(
                lines.dropFirst().first
                    == "no-next-step debtor D-LOST debt C-D-LOST tasks acme/P-LOST/first-call: open debt C-D-LOST has "
                    + "nothing planned: its last call acme/P-LOST/first-call (first-call) ended no-decision: no worker "
                    + "decided it, and nothing follows it")
            #expect(
                lines.last?.hasPrefix(
                    "doctor: 2 violations (1 no-next-step, 1 two-gentle-calls) in 3 debtors, 3 open debts, at ")
                    == true)

            let json = try await tact.tact(["doctor", "--json"])
            #expect(json.status == 1)
            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect(document["violationCount"] as? Int == 2 && document["debtors"] as? Int == 3)
            let violations = try #require(document["violations"] as? [[String: Any]])
            #expect(violations.map { $0["code"] as? String } == ["two-gentle-calls", "no-next-step"])
            #expect(violations.last?["taskIds"] as? [String] == ["acme/P-LOST/first-call"])

            expectOneLineError(try await tact.tact(["doctor", "--no-such-option"]), command: "doctor", status: 2)
        }
    }
}
