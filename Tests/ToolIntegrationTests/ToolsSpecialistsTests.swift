import AMQP
import Contract
import Domain
import Foundation
import Store
import TactTestKit
import Testing

/// `tact specialists` and `tact next` against the roster: a typo is refused in one line before the broker is
/// touched, and the roster changes at runtime (`add`, `retire`, `list`).
@Suite("Tools: tact specialists", .serialized, .enabled(if: TestEnvironment.hasBroker), .timeLimit(.minutes(3)))
struct ToolsSpecialistsTests {
    @Test func aTypoIsRefusedInOneLineAndCreatesNoQueue() async throws {
        try await ToolInstallation.with { tact in
            let handover = try await tact.tact(["specialists", "handover", "D-1", "--to", "crol"])
            expectOneLineError(handover, command: "specialists", status: 2)
            #expect(handover.stderr.contains("crol is not on the roster of specialists"), "\(handover.stderr)")
            for arguments in [
                ["specialists", "away", "anna", "--until", "2026-12-24", "--backup", "crol"],
                ["specialists", "retire", "crol"], ["specialists", "back", "crol"],
            ] {
                expectOneLineError(try await tact.tact(arguments), command: "specialists", status: 2)
            }
            let next = try await tact.tact(["next", "--specialist", "crol"])
            expectOneLineError(next, command: "next", status: 2)
            #expect(next.stderr.contains("crol is not on the roster of specialists"))

            #expect(try await tact.drain(tact.topology.intakeQueue, quiet: .seconds(1)).isEmpty, "nothing published")
            await #expect(throws: (any Error).self, "no queue tact.calls.crol") {
                try await tact.connection.queueState(tact.topology.callQueue(specialist: "crol"))
            }
        }
    }

    @Test func theRosterChangesAtRuntimeAndARetirementLeavesNoCaseBehind() async throws {
        try await ToolInstallation.with { tact in
            try tact.startScheduler()
            try await tact.place([
                Sample.placement("P-1", debtor: "D-1", debt: "C-1", zone: Sample.zone(localHour: 3), specialist: "anna")
            ])
            let add = try await tact.tact(["specialists", "add", "dave"])
            #expect(add.status == 0, "\(add.stderr)")
            let store = try SQLiteStore(path: tact.storePath)
            try await Self.waitFor(store) { try $0.specialist("dave")?.joinedAt != nil }
            let retire = try await tact.tact(["specialists", "retire", "anna", "--to", "dave"])
            #expect(retire.status == 0, "\(retire.stderr)")
            #expect(retire.stdout.hasSuffix(": 1 case goes to dave\n"), "\(retire.stdout)")
            try await Self.waitFor(store) { try $0.debtor("acme/D-1")?.specialistID == "dave" }

            let list = try await tact.tact(["specialists", "list"])
            #expect(list.status == 0, "\(list.stderr)")
            let lines = list.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first { $0.hasPrefix("anna ") }?.contains("retired ") == true, "\(list.stdout)")
            #expect(lines.first { $0.hasPrefix("dave ") }?.contains("on the roster (joined ") == true)
            #expect(lines.first { $0.hasPrefix("dave ") }?.hasSuffix(", 1 case") == true)
            #expect(
                lines.first { $0.hasPrefix("bob ") }?.contains("on the roster (specialists.roster), 0 cases") == true)

            let next = try await tact.tact(["next", "--specialist", "anna"])
            expectOneLineError(next, command: "next", status: 2)
            #expect(next.stderr.contains("anna retired from the roster at "), "\(next.stderr)")
        }
    }

    /// Waits up to 30 s for `done` to hold in the store, and records an issue if it never does.
    static func waitFor(
        _ store: SQLiteStore, sourceLocation: SourceLocation = #_sourceLocation,
        _ done: @escaping @Sendable (any StoreReading) throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if try await store.read(done) { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("not so within 30 s", sourceLocation: sourceLocation)
    }
}
