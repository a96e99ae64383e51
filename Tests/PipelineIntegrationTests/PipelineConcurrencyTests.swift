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
    @Test func fourWorkersNeverExceedACapOrAWait() async throws {
        try await Pipeline().tearingDown { pipeline in
            let open = Sample.zone(localHour: 13)
            // 200 call tasks for one debt (200 placements of it, no e-mail or text), and 50 other debtors.
            let crowded = (1...200).map {
                Sample.placement("P-C-\($0)", debtor: "D-CROWD", debt: "C-CROWD", zone: open)
            }
            let others = (1...50).map {
                Sample.placement("P-O-\($0)", debtor: "D-\($0)", debt: "C-\($0)", zone: open, sms: "+15550100")
            }
            try await pipeline.place(crowded + others)
            try pipeline.startScheduler()
            try pipeline.startWorkers(4)
            _ = try await pipeline.waitUntilSettled(timeout: .seconds(180))

            let calls = try await pipeline.drain(pipeline.topology.callQueue(specialist: nil)).map {
                try MessageCoding.decode(Call.self, from: $0.body)
            }
            let texts = try await pipeline.drain(pipeline.topology.reminderQueue(.sms))
            let byDebt = Dictionary(grouping: calls, by: \.debtId).mapValues(\.count)
            // us-regf: at most 7 calls per debt in 7 days. All were due now, so exactly 7 went out.
            #expect(byDebt["C-CROWD"] == 7)
            #expect((1...50).allSatisfy { byDebt["C-\($0)"] == 1 })
            #expect(texts.count == 50)
            #expect(Set(calls.map(\.taskId)).count == calls.count, "no task emitted twice")

            let store = try SQLiteStore(path: pipeline.storePath)
            let crowd = try await store.read { try $0.tasks(ofDebtor: "D-CROWD", statuses: []) }
            #expect(crowd.filter { $0.status == .done }.count == 7)
            // The rest wait for the oldest call to slide out of the 7-day window.
            let waiting = crowd.filter { $0.status == .pending }
            #expect(waiting.count == 193)
            #expect(waiting.allSatisfy { $0.dueAt > Instant(Date()).adding(seconds: 6 * 86_400) })
            // The load itself is one case tact doctor reports: a debt placed again under a new placement id gets its
            // first call again. Every other case is sound.
            let doctor = try await pipeline.tool(["doctor"])
            #expect(doctor.status == 1, "\(doctor.errors)")
            let lines = doctor.output.split(separator: "\n")
            #expect(lines.count == 2, "\(doctor.output)")
            #expect(lines.first?.hasPrefix("duplicate-open-purpose debtor D-CROWD debt C-CROWD tasks ") == true)
            #expect(lines.first?.contains(": debt C-CROWD has 200 open first-call tasks: ") == true)
            #expect(lines.last?.hasPrefix("doctor: 1 violation (1 duplicate-open-purpose) in 51 debtors") == true)
        }
    }
}
