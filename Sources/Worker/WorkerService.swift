import AMQP
import Contract
import Foundation
import Logging
import Observability
import Policy
import ServiceLifecycle
import Synchronization
import TactConfig

/// `tact worker`: consumes due tasks, decides each with the policy on the snapshot it carries, publishes the
/// contact (if allowed) and the decision with confirms, and only then acknowledges the task. Stateless: run as
/// many as you like, on as many hosts; they compete on one queue and share nothing but the broker.
///
/// If a worker dies mid-batch, its unacknowledged tasks go back to the queue, and the scheduler hands out again
/// any task whose decision never arrived. A contact may then be emitted twice, always with the same AMQP
/// `message_id` (the task id), so a gateway can drop the second.
public struct WorkerService: Service {
    let configuration: ServiceConfiguration
    let amqp: AMQPConfiguration
    let core: WorkerCore
    let clock: any TactClock
    let logger: Logger
    let metrics: WorkerMetrics

    /// How often the connection gauges and lane utilisation are refreshed.
    static let metricsRefresh: Duration = .seconds(5)

    public init(
        configuration: ServiceConfiguration, amqp: AMQPConfiguration, core: WorkerCore,
        clock: any TactClock = SystemClock(), logger: Logger, metrics: WorkerMetrics = WorkerMetrics()
    ) {
        self.configuration = configuration
        self.amqp = amqp
        self.core = core
        self.clock = clock
        self.logger = logger
        self.metrics = metrics
    }

    public func run() async throws {
        let connection = try await AMQPConnection.connect(amqp, logger: logger)
        try await connection.declare(core.topology.shared)
        let consumers = try await (0..<configuration.worker.concurrency).asyncMap { _ in
            try await connection.consume(
                queue: core.topology.tasksQueue, prefetch: UInt16(clamping: configuration.worker.prefetch))
        }
        logger.notice("Worker started", metadata: ["tact.worker": "\(core.workerID)", "tact.lanes": "\(consumers.count)"])
        let declaredQueues = DeclaredQueues()
        metrics.started(lanes: consumers.count, channels: Channel.allCases.map(\.rawValue))
        let refresher = metrics.service.registry.isEnabled ? PeriodicTask.start(every: Self.metricsRefresh) {
            metrics.service.broker(connected: connection.isConnected, reconnects: connection.reconnectCount)
            metrics.service.lanes.refresh()
        } : nil
        defer { refresher?.cancel() }
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for consumer in consumers {
                    group.addTask {
                        // Ends when the consumer is cancelled: the batch in hand is finished first.
                        while true {
                            let batch = try await consumer.next(upTo: configuration.worker.prefetch)
                            if batch.isEmpty { return }
                            let started = ContinuousClock.now
                            await process(batch, on: connection, declared: declaredQueues)
                            metrics.service.lanes.worked("tasks", since: started)
                        }
                    }
                }
                try await group.waitForAll()
            }
        } onGracefulShutdown: {
            metrics.service.shuttingDown()
            for consumer in consumers { consumer.requestCancel() }
        }
        await connection.close()
        logger.notice("Worker stopped", metadata: ["tact.worker": "\(core.workerID)"])
    }

    /// Decides a batch, publishes contacts then decisions, then settles each task by what was confirmed.
    func process(_ batch: [AMQPDelivery], on connection: AMQPConnection, declared: DeclaredQueues) async {
        var decided: [(delivery: AMQPDelivery, output: WorkerCore.Output)] = []
        metrics.service.redeliveries.labels("tasks").increment(by: Double(batch.filter(\.redelivered).count))
        for delivery in batch {
            do {
                let task = try MessageCoding.decode(WorkTask.self, from: delivery.body)
                decided.append((delivery, core.handle(task, at: clock.now())))
            } catch {
                // Only the scheduler writes tasks; one this worker cannot read is kept for operators in tact.dead.
                logger.error(
                    "Unreadable task sent to the dead-letter queue",
                    metadata: ["amqp.message_id": "\(delivery.properties.messageID ?? "-")", "tact.reason": "\(error)"])
                try? delivery.nack(requeue: false)
                metrics.service.deadLetters.labels("tasks", "unreadable-task").increment()
            }
        }
        await ensureCallQueues(for: decided.compactMap(\.output.contact?.queue), on: connection, declared: declared)

        let withContact = decided.filter { $0.output.contact != nil }
        let contactsSent = ContinuousClock.now
        let contactResults = await connection.publish(withContact.map { contactMessage($0.output) })
        if !withContact.isEmpty { metrics.service.publishConfirm.labels("contacts").observe(since: contactsSent) }
        var emitted = Set<UInt64>()
        for ((delivery, output), result) in zip(withContact, contactResults) {
            switch result {
            case .success:
                emitted.insert(delivery.deliveryTag)
                metrics.contacts.labels(channel(of: output.contact!)).increment()
            case .failure(let error):
                logger.warning(
                    "Contact not confirmed; the task will be decided again",
                    metadata: ["tact.task": "\(output.decision.taskId)", "tact.error": "\(error)"])
            }
        }
        let ready = decided.filter { $0.output.contact == nil || emitted.contains($0.delivery.deliveryTag) }
        let decisionsSent = ContinuousClock.now
        let decisionResults = await connection.publish(ready.map { decisionMessage($0.output.decision) })
        if !ready.isEmpty { metrics.service.publishConfirm.labels("decisions").observe(since: decisionsSent) }
        var confirmed = Set<UInt64>()
        for ((delivery, output), result) in zip(ready, decisionResults) {
            if case .success = result {
                confirmed.insert(delivery.deliveryTag)
                let decision = output.decision.decision
                metrics.decisions.labels(decision.decision.rawValue, decision.reasons.first?.rule.rawValue ?? "none")
                    .increment()
                logger.debug(
                    "Decided",
                    metadata: [
                        "tact.task": "\(output.decision.taskId)", "tact.decision": "\(output.decision.decision.decision)",
                    ])
            }
        }
        for (delivery, _) in decided {
            // A task whose contact or decision was not confirmed goes back to the queue to be decided again.
            if confirmed.contains(delivery.deliveryTag) { try? delivery.ack() } else { try? delivery.nack(requeue: true) }
        }
    }

    /// The channel a contact went out on, for metrics: the reminder queue's, else a call.
    private func channel(of contact: WorkerCore.Contact) -> String {
        Channel.allCases.first { core.topology.reminderQueue($0) == contact.queue }?.rawValue ?? Channel.call.rawValue
    }

    private func contactMessage(_ output: WorkerCore.Output) -> AMQPMessage {
        let contact = output.contact!
        return AMQPMessage(
            routingKey: contact.queue, body: contact.body,
            properties: AMQPProperties(
                contentType: "application/json", deliveryMode: .persistent, priority: contact.priority,
                expiration: contact.expirationMilliseconds.map { .milliseconds(max(1, $0)) },
                messageID: output.decision.taskId, timestamp: output.decision.decidedAt.date, type: contact.type,
                appID: "tact-worker"),
            mandatory: true)
    }

    private func decisionMessage(_ decision: TaskDecision) -> AMQPMessage {
        AMQPMessage(
            routingKey: core.topology.decisionsQueue, body: MessageCoding.encode(decision),
            properties: AMQPProperties(
                contentType: "application/json", deliveryMode: .persistent, messageID: decision.messageID,
                timestamp: decision.decidedAt.date, type: TaskDecision.messageType, appID: "tact-worker"),
            mandatory: true)
    }

    /// Specialists' call queues appear with their first call.
    private func ensureCallQueues(for queues: [String], on connection: AMQPConnection, declared: DeclaredQueues) async {
        let prefix = core.topology.callQueue(specialist: "")
        for queue in Set(queues) where queue.hasPrefix(prefix) && declared.insert(queue) {
            let specialist = String(queue.dropFirst(prefix.count))
            do {
                try await connection.declare(
                    AMQPTopology(queues: [core.topology.callQueueDeclaration(specialist: specialist)]))
            } catch {
                declared.remove(queue)
                logger.error("Cannot declare a call queue", metadata: ["amqp.queue": "\(queue)", "tact.error": "\(error)"])
            }
        }
    }
}

/// Queue names a worker has declared, shared by its lanes.
final class DeclaredQueues: Sendable {
    private let names = Mutex<Set<String>>([])
    /// Returns `true` if the name was new.
    func insert(_ name: String) -> Bool { names.withLock { $0.insert(name).inserted } }
    func remove(_ name: String) { _ = names.withLock { $0.remove(name) } }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
