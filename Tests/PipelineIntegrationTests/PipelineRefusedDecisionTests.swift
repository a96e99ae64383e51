import AMQP
import Contract
import Domain
import Foundation
import Policy
import TactTestKit
import Testing

/// Tact's own failures are not the messages' fault (issue 12): a worker whose decision the broker refuses (here the
/// decisions queue is gone, so the mandatory publish comes back unroutable) holds the task unacknowledged and tries
/// again, instead of sending it towards `tact.dead`; the decision gets through once the queue is back.
@Suite(
    "Pipeline: a refused decision is held", .enabled(if: TestEnvironment.hasBroker), .timeLimit(.minutes(2)))
struct PipelineRefusedDecisionTests {
    @Test func aWorkerHoldsATaskWhoseDecisionTheBrokerRefusesUntilItGetsThrough() async throws {
        try await Pipeline().tearingDown { pipeline in
            try pipeline.startWorkers(1)
            let tasks = pipeline.topology.tasksQueue
            try await eventually("the worker consumes", timeout: .seconds(30)) {
                (try? await pipeline.connection.queueState(tasks).consumerCount) ?? 0 >= 1
            }
            _ = try await pipeline.connection.deleteQueue(pipeline.topology.decisionsQueue)
            let task = WorkTask(
                taskId: "acme/P-1/first-notice", attempt: 1, creditorId: "acme", rulebook: "us-regf",
                channel: .email, purpose: "first-notice", template: "first-notice", specialistId: nil,
                debt: .init(id: "C-1", amount: "10.00", currency: "USD", dueDate: "2026-11-01"),
                debtor: try Debtor(id: "D-1", timeZones: [Sample.zone(localHour: 13)]), history: [],
                delivery: .init(name: "Personal Name D-1", phone: "+15550100", email: "d@example.com", language: "en"))
            try await pipeline.publish(
                AMQPMessage(
                    routingKey: tasks, body: MessageCoding.encode(task),
                    properties: AMQPProperties(messageID: task.taskId, type: WorkTask.messageType)))
            try await eventually("the refusal noticed", timeout: .seconds(30)) {
                try pipeline.logs().contains("Decision not confirmed; holding the task and trying again")
            }
            // Held: neither acknowledged nor given up, and nothing in tact.dead.
            try await Task.sleep(for: .seconds(3))
            #expect(try await pipeline.drain(pipeline.topology.deadQueue, quiet: .seconds(1)).isEmpty)
            #expect(try await pipeline.connection.queueState(tasks).messageCount == 0, "the worker still holds it")

            // The queue is back (drain declares it as Tact does): the next try gets through, once.
            let decisions = try await pipeline.drain(pipeline.topology.decisionsQueue, quiet: .seconds(8))
                .map { try MessageCoding.decode(TaskDecision.self, from: $0.body) }
            #expect(decisions.map(\.taskId) == [task.taskId])
            #expect(decisions.first?.decision.decision == .allow)
            // Acknowledged: a stopped worker gives nothing back to the queue.
            #expect(await pipeline.stop().allSatisfy { $0 == 0 })
            #expect(try await pipeline.connection.queueState(tasks).messageCount == 0)
        }
    }
}
