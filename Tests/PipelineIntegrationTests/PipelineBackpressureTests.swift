import AMQP
import Contract
import Domain
import Foundation
import Store
import TactTestKit
import Testing

/// Issue 14: when many calls fall due at once, Tact publishes no more than specialists can take; the rest wait in
/// the store and follow as calls are taken.
@Suite("Pipeline: backpressure", .enabled(if: TestEnvironment.hasBroker), .timeLimit(.minutes(4)))
struct PipelineBackpressureTests {
    @Test func aFullCallQueueHoldsTheRestInTheStoreUntilACallIsTaken() async throws {
        var settings = TactInstallation.Settings()
        settings.callQueueDepth = 2
        settings.dispatchBatch = 500
        try await TactInstallation(label: "t", settings: settings).tearingDown { pipeline in
            try pipeline.startScheduler()
            try pipeline.startWorkers(1)
            let open = Sample.zone(localHour: 13)
            try await pipeline.place(
                (1...6).map { Sample.placement("P-\($0)", debtor: "D-\($0)", debt: "C-\($0)", zone: open) })
            let pool = pipeline.topology.callQueue(specialist: nil)
            let store = try SQLiteStore(path: pipeline.storePath)
            func inFlight() async throws -> Int {
                try await store.read { try $0.tasks(statuses: [.inFlight], limit: 100) }.count
            }
            try await eventually("two calls in the pool", timeout: .seconds(60)) {
                let waiting = try await pipeline.connection.queueState(pool).messageCount
                let deciding = try await inFlight()
                return waiting == 2 && deciding == 0
            }
            // Held: four first calls stay due in the store, none being decided, however long we wait.
            try await Task.sleep(for: .seconds(3))
            #expect(try await pipeline.connection.queueState(pool).messageCount == 2)
            let held = try await store.read { try $0.tasks(statuses: [.pending], limit: 100) }
            #expect(held.filter { $0.purpose == .firstCall }.count == 4)

            let next = try await pipeline.tool(["next", "--specialist", "pool"])
            #expect(next.status == 0, "\(next.errors)")
            try await eventually("the next call in the pool", timeout: .seconds(30)) {
                let waiting = try await pipeline.connection.queueState(pool).messageCount
                let deciding = try await inFlight()
                return waiting == 2 && deciding == 0
            }
            let firstCalls = try await store.read { try $0.tasks(statuses: [], limit: 100) }.filter {
                $0.purpose == .firstCall
            }
            #expect(firstCalls.filter { $0.status == .pending }.count == 3)
            #expect(firstCalls.filter { $0.status == .taken }.count == 1)
            try await pipeline.expectSound()
        }
    }
}
