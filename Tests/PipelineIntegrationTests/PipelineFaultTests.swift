import AMQP
import Contract
import Domain
import Foundation
import Policy
import Store
import TactTestKit
import Testing

/// Processes die and connections drop while thousands of tasks flow; nothing is lost, and a duplicate is only
/// ever the same contact with the same `message_id`. Run alone by `scripts/test` (it closes every connection).
@Suite(
    "Pipeline: faults", .serialized, .timeLimit(.minutes(5)),
    .enabled(if: TestEnvironment.faultTests && TestEnvironment.controlsBroker))
struct PipelineFaultTests {
    static let count = 1500

    private func placeMany(_ pipeline: Pipeline) async throws {
        let open = Sample.zone(localHour: 13)
        try await pipeline.place(
            (1...Self.count).map { Sample.placement("P-\($0)", debtor: "D-\($0)", debt: "C-\($0)", zone: open) })
    }

    private func waitForProgress(_ pipeline: Pipeline, done: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if FileManager.default.fileExists(atPath: pipeline.storePath),
                (try await pipeline.statistics().tasksByStatus[.done] ?? 0) >= done
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw PipelineError("no progress to \(done) done tasks")
    }

    /// Every task decided and emitted, each call carrying its task id as message id.
    private func expectEverythingEmitted(_ pipeline: Pipeline) async throws {
        let stats = try await pipeline.waitUntilSettled(timeout: .seconds(180))
        #expect(stats.tasksByStatus[.done] == Self.count)
        let calls = try await pipeline.drain(pipeline.topology.callQueue(specialist: nil), quiet: .seconds(3))
        let decoded = try calls.map { ($0, try MessageCoding.decode(Call.self, from: $0.body)) }
        #expect(decoded.allSatisfy { $0.0.properties.messageID == $0.1.taskId })
        #expect(Set(decoded.map(\.1.taskId)).count == Self.count, "every task's call arrived")
    }

    @Test func killingAWorkerLosesNoTask() async throws {
        try await Pipeline(lease: 3).tearingDown { pipeline in
            try await placeMany(pipeline)
            try pipeline.startScheduler()
            try pipeline.startWorkers(3)
            try await waitForProgress(pipeline, done: Self.count / 4)
            await pipeline.killWorker(0)
            try await expectEverythingEmitted(pipeline)
            try await pipeline.expectSound()
        }
    }

    @Test func killingAndRestartingTheSchedulerLosesNothing() async throws {
        try await Pipeline(lease: 3).tearingDown { pipeline in
            try await placeMany(pipeline)
            try pipeline.startScheduler()
            try pipeline.startWorkers(2)
            try await waitForProgress(pipeline, done: Self.count / 4)
            await pipeline.killScheduler()
            try await Task.sleep(for: .milliseconds(500))
            try pipeline.startScheduler()
            try await expectEverythingEmitted(pipeline)
            try await pipeline.expectSound()
        }
    }

    @Test func closingEveryBrokerConnectionUnderLoadIsSurvived() async throws {
        try await Pipeline(lease: 3).tearingDown { pipeline in
            try await placeMany(pipeline)
            try pipeline.startScheduler()
            try pipeline.startWorkers(2)
            try await waitForProgress(pipeline, done: Self.count / 4)
            try await BrokerControl.ctl(["close_all_connections", "pipeline fault test"])
            try await expectEverythingEmitted(pipeline)
            #expect(await pipeline.stop().allSatisfy { $0 == 0 })
            try await pipeline.expectSound()
        }
    }
}
