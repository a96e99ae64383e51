import AMQP
import Contract
import Domain
import Foundation
import Policy
import Store
import TactTestKit
import Testing

/// Many workers never race past a cap: the scheduler keeps one task per debtor in flight and each task's snapshot
/// holds every contact emitted before it.
@Suite("Pipeline: concurrency", .enabled(if: TestEnvironment.hasBroker), .timeLimit(.minutes(5)))
struct PipelineConcurrencyTests {
    /// Reg F's hours and its 7-calls-in-7-days cap, counted per debtor instead of per debt: one debtor with many
    /// debts has many calls due at once (one debt never has: a placement sent again amends it).
    static let capPerDebtor: String = {
        let regF = try! String(
            contentsOf: Repository.config.appendingPathComponent("rulebooks/us-regf.yaml"), encoding: .utf8)
        return
            regF
            .replacingOccurrences(of: "id: us-regf", with: "id: test-cap-per-debtor")
            .replacingOccurrences(
                of: "id: calls-per-debt\n    channels: [call]\n    limit: 7\n    days: 7\n    scope: debt",
                with: "id: calls-per-debtor\n    channels: [call]\n    limit: 7\n    days: 7\n    scope: debtor")
    }()

    @Test func fourWorkersNeverExceedACapOrAWait() async throws {
        var settings = TactInstallation.Settings()
        settings.dispatchBatch = 500
        settings.extraRulebooks = ["test-cap-per-debtor": Self.capPerDebtor]
        settings.creditorRulebooks = ["crowd": "test-cap-per-debtor"]
        #expect(Self.capPerDebtor.contains("scope: debtor"), "the test's rulebook caps per debtor")
        try await TactInstallation(label: "t", settings: settings).tearingDown { pipeline in
            let open = Sample.zone(localHour: 13)
            // 200 call tasks for one debtor (200 debts, no e-mail or text), and 50 other debtors.
            let crowded = (1...200).map {
                Sample.placement("P-C-\($0)", debtor: "D-CROWD", debt: "C-CROWD-\($0)", zone: open, creditor: "crowd")
            }
            let others = (1...50).map {
                Sample.placement("P-O-\($0)", debtor: "D-\($0)", debt: "C-\($0)", zone: open, sms: "+15550100")
            }
            try await pipeline.place(crowded + others)
            try pipeline.startScheduler()
            try pipeline.startWorkers(4)
            _ = try await pipeline.waitUntilSettled(timeout: .seconds(180), debtors: true)

            let calls = try await pipeline.drain(pipeline.topology.callQueue(specialist: nil)).map {
                try MessageCoding.decode(Call.self, from: $0.body)
            }
            let texts = try await pipeline.drain(pipeline.topology.reminderQueue(.sms))
            let byDebtor = Dictionary(grouping: calls, by: \.debtorId).mapValues(\.count)
            // At most 7 calls per debtor in 7 days. All were due now, so exactly 7 went out.
            #expect(byDebtor["D-CROWD"] == 7)
            #expect((1...50).allSatisfy { byDebtor["D-\($0)"] == 1 })
            #expect(texts.count == 50)
            #expect(Set(calls.map(\.taskId)).count == calls.count, "no task emitted twice")

            let store = try SQLiteStore(path: pipeline.storePath)
            // Settled, the last deferral may still be on its way back from a worker: read until it is in.
            var crowd = try await store.read { try $0.tasks(ofDebtor: "crowd/D-CROWD", statuses: []) }
            let deadline = ContinuousClock.now + .seconds(30)
            while crowd.contains(where: { $0.status == .inFlight }), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                crowd = try await store.read { try $0.tasks(ofDebtor: "crowd/D-CROWD", statuses: []) }
            }
            #expect(crowd.filter { $0.status == .done }.count == 7)
            // The rest wait for the oldest call to slide out of the 7-day window.
            let waiting = crowd.filter { $0.status == .pending }
            let other = crowd.filter { $0.status != .pending && $0.status != .done }
            #expect(
                waiting.count == 193,
                "\(other.map { "\($0.id) \($0.status) \($0.closedReason.map(String.init(describing:)) ?? "-")" })")
            let early = waiting.filter { $0.dueAt <= Instant(Date()).adding(seconds: 6 * 86_400) }
            #expect(early.isEmpty, "\(early.map { "\($0.id) \($0.dueAt) attempts \($0.attempts)" })")
            try await pipeline.expectSound()
        }
    }
}
