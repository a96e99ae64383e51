import AMQP
import Contract
import Domain
import Policy
import Store
import TactConfig

/// What `tact status` shows at one instant: the broker's queues and consumers, and the store's backlog. Either
/// half may be missing, with the one line that says why (a broker down, a store not created yet).
package struct StatusSnapshot: Encodable {
    package init(
        at: Instant, prefix: String, broker: BrokerView? = nil, brokerError: String? = nil, store: StoreView? = nil,
        storeError: String? = nil
    ) {
        self.at = at
        self.prefix = prefix
        self.broker = broker
        self.brokerError = brokerError
        self.store = store
        self.storeError = storeError
    }

    package var at: Instant
    package var prefix: String
    package var broker: BrokerView?
    package var brokerError: String?
    package var store: StoreView?
    package var storeError: String?
    /// Which identity mode the service file puts in force (``describe(_:)``).
    package var identity: String?

    /// `verified (2 creditors, 1 operator)`, or what is accepted without an `identity` section.
    package static func describe(_ identity: Identity) -> String {
        guard identity.isVerified else {
            return "not checked: no identity section; a message without user_id is accepted (one creditor)"
        }
        let creditors = identity.creditors.count
        let operators = identity.operators.count
        return "verified: every intake message needs a user_id allowed for its creditor "
            + "(\(creditors) creditor\(creditors == 1 ? "" : "s"), \(operators) operator\(operators == 1 ? "" : "s"))"
    }

    package struct BrokerView: Encodable {
        package var queues: [Queue]
        /// Consumers on the scheduler's intake queue: one while the scheduler runs.
        package var schedulerConsumers: Int?
        /// Consumers on the tasks queue: the lanes of every worker process.
        package var workerConsumers: Int?
        package var deadLetters: Int?
    }

    package struct Queue: Encodable {
        package var name: String
        /// `nil` when the queue is not declared yet (a specialist's queue appears with their first call).
        package var messages: Int?
        package var consumers: Int?
    }

    package struct StoreView: Encodable {
        package var backlog: DueBacklog
        package var lagSeconds: Int64
        package var outbox: Int
        /// Tasks given up after `scheduler.maxAttempts` hand-outs without a decision (cancelled `no-decision`).
        package var givenUp: Int
        /// Reminders claimed by a sender and never reported on (cancelled `claim-unconfirmed`).
        package var unconfirmedClaims: Int
        /// Validation notices not delivered within their rulebook's days (12 CFR 1006.34).
        package var lateValidationNotices: Int
        package var pending: [PendingWindow]
        package var pendingReasons: PendingReasons
        /// Workers whose decisions arrived in the last ``StatusSnapshot/workerWindow`` seconds.
        package var workers: [WorkerActivity]
    }

    package struct PendingWindow: Encodable {
        /// `due now`, `within 1 hour`, …, `later`.
        package var label: String
        package var tasks: Int
    }

    /// How far back a worker's decisions show it is alive.
    package static let workerWindow: Int64 = 300

    /// Horizons of the pending-task breakdown.
    package static let horizons: [(seconds: Int64, label: String)] = [
        (0, "due now"), (3600, "within 1 hour"), (86_400, "within 1 day"), (7 * 86_400, "within 7 days"),
    ]

    // MARK: Reading

    /// Reads the store's half; the specialists it names give the broker's half its call queues.
    /// `validationDays`: the days a validation notice has (the rulebooks' longest), to count the late ones.
    package static func readStore(_ store: any InspectableStore, at now: Instant, validationDays: Int? = nil)
        async throws -> (StoreView, [String])
    {
        try await store.monitor { store in
            let backlog = try store.dueBacklog(at: now)
            let counts = try store.pendingTasks(at: now, within: horizons.map(\.seconds))
            let labels = horizons.map(\.label) + ["later"]
            return (
                StoreView(
                    backlog: backlog, lagSeconds: backlog.lag(at: now), outbox: try store.outboxCount(),
                    givenUp: try store.givenUpCount(), unconfirmedClaims: try store.unconfirmedClaimCount(),
                    lateValidationNotices: try validationDays.map {
                        try store.lateValidationNoticeCount(plannedBefore: now.adding(seconds: -Int64($0) * 86_400))
                    } ?? 0,
                    pending: zip(labels, counts).map { PendingWindow(label: $0, tasks: $1) },
                    pendingReasons: try store.pendingReasons(),
                    workers: try store.workerActivity(since: now.adding(seconds: -workerWindow))),
                try store.specialistIDs()
            )
        }
    }

    /// Reads the broker's half: every queue Tact declares, and each specialist's call queue.
    package static func readBroker(
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
