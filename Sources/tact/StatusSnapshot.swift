import AMQP
import Contract
import Policy
import Store

/// What `tact status` shows at one instant: the broker's queues and consumers, and the store's backlog. Either
/// half may be missing, with the one line that says why (a broker down, a store not created yet).
struct StatusSnapshot: Encodable {
    var at: Instant
    var prefix: String
    var broker: BrokerView?
    var brokerError: String?
    var store: StoreView?
    var storeError: String?

    struct BrokerView: Encodable {
        var queues: [Queue]
        /// Consumers on the scheduler's intake queue: one while the scheduler runs.
        var schedulerConsumers: Int?
        /// Consumers on the tasks queue: the lanes of every worker process.
        var workerConsumers: Int?
        var deadLetters: Int?
    }

    struct Queue: Encodable {
        var name: String
        /// `nil` when the queue is not declared yet (a specialist's queue appears with their first call).
        var messages: Int?
        var consumers: Int?
    }

    struct StoreView: Encodable {
        var backlog: DueBacklog
        var lagSeconds: Int64
        var outbox: Int
        var pending: [PendingWindow]
        var pendingReasons: PendingReasons
        /// Workers whose decisions arrived in the last ``StatusSnapshot/workerWindow`` seconds.
        var workers: [WorkerActivity]
    }

    struct PendingWindow: Encodable {
        /// `due now`, `within 1 hour`, …, `later`.
        var label: String
        var tasks: Int
    }

    /// How far back a worker's decisions show it is alive.
    static let workerWindow: Int64 = 300

    /// Horizons of the pending-task breakdown.
    static let horizons: [(seconds: Int64, label: String)] = [
        (0, "due now"), (3600, "within 1 hour"), (86_400, "within 1 day"), (7 * 86_400, "within 7 days"),
    ]

    // MARK: Reading

    /// Reads the store's half; the specialists it names give the broker's half its call queues.
    static func readStore(_ store: any InspectableStore, at now: Instant) async throws -> (StoreView, [String]) {
        try await store.monitor { store in
            let backlog = try store.dueBacklog(at: now)
            let counts = try store.pendingTasks(at: now, within: horizons.map(\.seconds))
            let labels = horizons.map(\.label) + ["later"]
            return (
                StoreView(
                    backlog: backlog, lagSeconds: backlog.lag(at: now), outbox: try store.outboxCount(),
                    pending: zip(labels, counts).map { PendingWindow(label: $0, tasks: $1) },
                    pendingReasons: try store.pendingReasons(),
                    workers: try store.workerActivity(since: now.adding(seconds: -workerWindow))),
                try store.specialistIDs()
            )
        }
    }

    /// Reads the broker's half: every queue Tact declares, and each specialist's call queue.
    static func readBroker(
        _ connection: AMQPConnection, topology: TactTopology, specialists: [String]
    ) async throws -> BrokerView {
        let names =
            [topology.intakeQueue, topology.outcomesQueue, topology.decisionsQueue, topology.expiredQueue]
            + [topology.tasksQueue] + [Channel.sms, .email, .letter].map(topology.reminderQueue)
            + [topology.callQueue(specialist: nil)] + specialists.map { topology.callQueue(specialist: $0) }
            + [topology.deadQueue]
        var queues: [Queue] = []
        for name in names {
            do {
                let state = try await connection.queueState(name)
                queues.append(Queue(name: name, messages: Int(state.messageCount), consumers: Int(state.consumerCount)))
            } catch let error as AMQPError where error.replyCode == 404 {
                queues.append(Queue(name: name))
            }
        }
        func queue(_ name: String) -> Queue? { queues.first { $0.name == name } }
        return BrokerView(
            queues: queues, schedulerConsumers: queue(topology.intakeQueue)?.consumers,
            workerConsumers: queue(topology.tasksQueue)?.consumers, deadLetters: queue(topology.deadQueue)?.messages)
    }
}
