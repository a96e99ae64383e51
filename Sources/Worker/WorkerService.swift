import AMQP
import Contract
import Domain
import Foundation
import Logging
import Messaging
import Observability
import Policy
import ServiceLifecycle
import Synchronization
import TactConfig
import WorkerCore

/// `tact worker`: consumes due tasks, decides each with the policy on the snapshot it carries, publishes the
/// decision (with the contact it allows) with confirms, and only then acknowledges the task. Stateless: run as
/// many as you like, on as many hosts; they compete on one queue and share nothing but the broker.
///
/// The scheduler publishes the contact, and only if the hand-out is still current: a hold or opt-out that
/// arrived while the task waited for a worker wins. If a worker dies mid-batch, its unacknowledged tasks go back
/// to the queue and are decided again; the scheduler uses one decision per hand-out.
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
        logger.notice(
            "Worker started", metadata: ["tact.worker": "\(core.workerID)", "tact.lanes": "\(consumers.count)"])
        metrics.started(lanes: consumers.count)
        let refresher =
            metrics.service.registry.isEnabled
            ? PeriodicTask.start(every: Self.metricsRefresh) {
                metrics.service.broker(connected: connection.isConnected, reconnects: connection.reconnectCount)
                metrics.service.lanes.refresh()
            } : nil
        defer { refresher?.cancel() }
        let stopping = StopFlag()
        try await runLanes(
            consumers, stopping: stopping, shuttingDown: { metrics.service.shuttingDown() },
            lane: { consumer in
                // Ends when the consumer is cancelled: the batch in hand is finished first.
                while true {
                    let batch = try await consumer.next(upTo: configuration.worker.prefetch)
                    if batch.isEmpty { return }
                    let started = ContinuousClock.now
                    await process(batch, on: connection, stopping: stopping)
                    metrics.service.lanes.worked("tasks", since: started)
                }
            })
        await connection.close()
        logger.notice("Worker stopped", metadata: ["tact.worker": "\(core.workerID)"])
    }

    /// Decides a batch, publishes the decisions (each with the contact it allows, for the scheduler to publish),
    /// then settles each task by what was confirmed.
    func process(_ batch: [AMQPDelivery], on connection: AMQPConnection, stopping: StopFlag = StopFlag()) async {
        // Deliveries belong to the connection they came on: after a reconnect the broker hands them out again.
        let connectedAs = connection.reconnectCount
        var decided: [(delivery: AMQPDelivery, task: WorkTask, decision: TaskDecision)] = []
        metrics.service.redeliveries.labels("tasks").increment(by: Double(batch.filter(\.redelivered).count))
        for delivery in batch {
            do {
                let task = try MessageCoding.decode(WorkTask.self, from: delivery.body)
                decided.append((delivery, task, core.handle(task, at: clock.now())))
            } catch {
                // Only the scheduler writes tasks; one this worker cannot read is kept for operators in tact.dead.
                logger.error(
                    "Unreadable task sent to the dead-letter queue",
                    metadata: ["amqp.message_id": "\(delivery.properties.messageID ?? "-")", "tact.reason": "\(error)"])
                try? delivery.nack(requeue: false)
                metrics.service.deadLetters.labels("tasks", "unreadable-task").increment()
            }
        }
        var pause = Duration.milliseconds(250)
        var tries = 0
        while !decided.isEmpty {
            let sent = ContinuousClock.now
            let results = await connection.publish(decided.map { decisionMessage($0.decision) })
            metrics.service.publishConfirm.labels("decisions").observe(since: sent)
            var refused: [(delivery: AMQPDelivery, task: WorkTask)] = []
            for ((delivery, task, decision), result) in zip(decided, results) {
                switch result {
                case .success:
                    try? delivery.ack()
                    metrics.decisions.labels(
                        decision.decision.decision.rawValue, decision.decision.reasons.first?.rule.rawValue ?? "none"
                    )
                    .increment()
                    logger.debug(
                        "Decided",
                        metadata: [
                            "tact.task": "\(decision.taskId)", "tact.decision": "\(decision.decision.decision)",
                        ])
                case .failure(let error):
                    tries += 1
                    if tries == 1 || tries.isMultiple(of: 50) {
                        logger.warning(
                            "Decision not confirmed; holding the task and trying again",
                            metadata: ["tact.task": "\(decision.taskId)", "tact.error": "\(error)"])
                    }
                    refused.append((delivery, task))
                }
            }
            // A refused publish is the broker's doing, not the task's: the task stays unacknowledged and is decided
            // again at the next try (a nack would count a delivery towards the queue's limit, issue 12). Once the
            // connection is gone or was made anew, its deliveries are gone too (the broker hands the tasks out
            // again), and a worker asked to stop leaves them to the broker likewise.
            guard !refused.isEmpty, connection.isConnected, connection.reconnectCount == connectedAs,
                !stopping.isSet, !Task.isCancelled
            else { return }
            metrics.decisionsHeld.increment(by: Double(refused.count))
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, .seconds(5))
            decided = refused.map { ($0.delivery, $0.task, core.handle($0.task, at: clock.now())) }
        }
    }

    private func decisionMessage(_ decision: TaskDecision) -> AMQPMessage {
        AMQPMessage(
            routingKey: core.topology.decisionsQueue, body: MessageCoding.encode(decision),
            properties: AMQPProperties(
                contentType: "application/json", deliveryMode: .persistent, messageID: decision.messageID,
                timestamp: decision.decidedAt.date, type: TaskDecision.messageType, appID: "tact-worker"),
            mandatory: true)
    }
}
