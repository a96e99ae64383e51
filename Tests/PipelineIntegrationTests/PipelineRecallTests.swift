import AMQP
import Contract
import Domain
import Foundation
import Policy
import Store
import TactTestKit
import Testing

/// A task waits in `tact.tasks` while the scheduler records something that forbids it: the worker still decides
/// it on the old snapshot, and the scheduler must not publish that contact. Real processes, real broker.
@Suite(
    "Pipeline: an event recorded while a task waits for a worker wins", .enabled(if: TestEnvironment.hasBroker),
    .timeLimit(.minutes(3)))
struct PipelineRecallTests {
    @Test func aCeaseRecordedWhileTheTaskWaitsForAWorkerStopsTheContact() async throws {
        try await Pipeline().tearingDown { pipeline in
            // No worker yet: the first notice is handed out and waits in tact.tasks, allowed by its snapshot.
            try pipeline.startScheduler()
            try await pipeline.place([
                Sample.placement(
                    "P-1", debtor: "D-1", debt: "C-1", zone: Sample.zone(localHour: 13), email: "d1@example.com")
            ])
            let store = try SQLiteStore(path: pipeline.storePath)
            try await eventually("the first task in flight", timeout: .seconds(30), every: .milliseconds(200)) {
                try await store.read { try $0.tasks(ofDebtor: "acme/D-1", statuses: [.inFlight]) }.count == 1
            }
            let waiting = try #require(
                try await store.read { try $0.tasks(ofDebtor: "acme/D-1", statuses: [.inFlight]) }.first)

            try await pipeline.send(
                LifeEvent(eventId: "E-1", debtorId: "D-1", kind: .cease, at: Instant(Date())))
            try await eventually("the cease applied", timeout: .seconds(30), every: .milliseconds(200)) {
                try await store.read { try $0.task(waiting.id) }?.status == .cancelled
            }
            // Now a worker takes the stale task and allows it.
            try pipeline.startWorkers(1)
            try await eventually("the stale decision recorded", timeout: .seconds(30), every: .milliseconds(200)) {
                try await store.read { try $0.decisions(ofDebtor: "acme/D-1") }.contains { $0.taskID == waiting.id }
            }
            _ = try await pipeline.waitUntilSettled()

            let decision = try #require(
                try await store.read { try $0.decisions(ofDebtor: "acme/D-1") }.first { $0.taskID == waiting.id })
            #expect(decision.decision == .allow, "the worker's snapshot predates the cease")
            #expect(decision.reasons.map(\.rule.rawValue) == ["superseded"])
            for channel in [Channel.email, .sms, .letter] {
                #expect(try await pipeline.drain(pipeline.topology.reminderQueue(channel), quiet: .seconds(1)).isEmpty)
            }
            #expect(try await pipeline.drain(pipeline.topology.callQueue(specialist: nil), quiet: .seconds(1)).isEmpty)
            #expect(
                try await store.read { try $0.ledger(ofDebtor: "acme/D-1", since: Instant(secondsSinceEpoch: 0)) }
                    .isEmpty)
            #expect(await pipeline.stop().allSatisfy { $0 == 0 })
            try await pipeline.expectSound()
        }
    }
}
