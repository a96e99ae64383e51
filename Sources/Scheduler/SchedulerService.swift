import AMQP
import Contract
import Domain
import Foundation
import Logging
import Messaging
import Observability
import Policy
import SchedulerCore
import ServiceLifecycle
import Store
import Synchronization
import TactConfig

/// `tact scheduler`: the single writer of Tact's state.
///
/// Three kinds of loop share one connection and one store:
/// - **inputs**: placements, events, outcomes, worker decisions and expired contacts are read in batches,
///   applied by ``SchedulerCore`` in one transaction per batch (deduplicated by message id; refused ones queued
///   for `tact.dead`), and acknowledged only after the commit;
/// - **dispatch**: due tasks are handed to the workers with a snapshot, at most one per debtor in flight, under a
///   lease that hands them out again if no decision arrives;
/// - **outbox**: what the transactions queued is published with confirms and forgotten only once confirmed.
/// Beside them, senders' contact checks and `tact next`'s call checks are answered from the store, and the contacts
/// they allow recorded as claimed.
/// A crash at any point loses nothing: unacknowledged input is redelivered and deduplicated, and unpublished
/// outbox rows are published after the restart (a duplicate carries the same `message_id`).
///
/// With metrics, a task beside them refreshes what is read rather than counted (the broker connection, the
/// due-task backlog from the store, lane utilisation) every few seconds; the loops above only count.
public struct SchedulerService: Service {
    let core: SchedulerCore
    let store: any TactStore
    let amqp: AMQPConfiguration
    let clock: any TactClock
    let logger: Logger
    let metrics: SchedulerMetrics

    /// Deliveries applied per transaction.
    static let inputBatch = 200
    /// Outbox rows published per round.
    static let outboxBatch = 1000
    /// How often gauges read from elsewhere are refreshed.
    static let metricsRefresh: Duration = .seconds(5)

    public init(
        core: SchedulerCore, store: any TactStore, amqp: AMQPConfiguration, clock: any TactClock = SystemClock(),
        logger: Logger, metrics: SchedulerMetrics = SchedulerMetrics()
    ) {
        self.core = core
        self.store = store
        self.amqp = amqp
        self.clock = clock
        self.logger = logger
        self.metrics = metrics
    }

    public func run() async throws {
        let connection = try await AMQPConnection.connect(amqp, logger: logger)
        let topology = core.topology
        try await connection.declare(topology.shared)
        let sources: [(String, SchedulerInput.Source)] = [
            (topology.intakeQueue, .intake), (topology.outcomesQueue, .outcomes),
            (topology.decisionsQueue, .decisions), (topology.expiredQueue, .expired),
        ]
        var started: [(AMQPConsumer, SchedulerInput.Source)] = []
        for (queue, source) in sources {
            started.append((try await connection.consume(queue: queue, prefetch: UInt16(Self.inputBatch)), source))
        }
        let consumers = started
        let checks = try await connection.consume(queue: topology.checksQueue, prefetch: 50)
        let outboxReady = Wakeup()
        let dispatchReady = Wakeup()
        let stopping = StopFlag()
        metrics.started(inputs: sources.map { "\($0.1)" }, channels: Channel.allCases.map(\.rawValue))
        // The store was opened for writing (its migrations ran) before the service started; later writes keep this
        // up to date.
        metrics.storeWritable.set(true)
        let refresher =
            metrics.service.registry.isEnabled
            ? PeriodicTask.start(every: Self.metricsRefresh) {
                await refreshMetrics(connection)
            } : nil
        defer { refresher?.cancel() }
        logger.notice("Scheduler started")

        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (consumer, source) in consumers {
                    group.addTask {
                        try await consumeInputs(
                            consumer, source: source, wake: [outboxReady, dispatchReady], stopping: stopping)
                    }
                }
                group.addTask { try await answerChecks(checks, on: connection, dispatch: dispatchReady) }
                group.addTask { try await dispatchLoop(ready: dispatchReady, outbox: outboxReady, stopping: stopping) }
                group.addTask { try await publishLoop(connection, ready: outboxReady, stopping: stopping) }
                try await group.waitForAll()
            }
        } onGracefulShutdown: {
            metrics.service.shuttingDown()
            for (consumer, _) in consumers { consumer.requestCancel() }
            checks.requestCancel()
            stopping.set()
            dispatchReady.signal()
            outboxReady.signal()
        }
        await connection.close()
        logger.notice("Scheduler stopped")
    }

    // MARK: Inputs

    private func consumeInputs(
        _ consumer: AMQPConsumer, source: SchedulerInput.Source, wake: [Wakeup], stopping: StopFlag
    ) async throws {
        while true {
            let batch = try await consumer.next(upTo: Self.inputBatch)
            guard let last = batch.last else { return }
            let started = ContinuousClock.now
            defer { metrics.service.lanes.worked("\(source)", since: started) }
            let inputs = batch.map { delivery in
                Received(
                    body: delivery.body, messageID: delivery.properties.messageID, type: delivery.properties.type,
                    routingKey: delivery.routingKey, userID: delivery.properties.userID,
                    input: Result { () throws(ContractError) in
                        try SchedulerInput.decode(
                            body: delivery.body, routingKey: delivery.routingKey, userID: delivery.properties.userID,
                            from: source)
                    })
            }
            let rejected: [(String?, String)]
            do {
                guard let applied = try await applyHolding(inputs, source: source, stopping: stopping) else {
                    // Stopping while the store still fails: the batch goes back to the queue with the channel.
                    return
                }
                rejected = applied
            } catch is CancellationError {
                return
            } catch {
                // Not the store: nothing was applied; the broker redelivers the batch.
                logger.error("Applying input failed; will retry", metadata: ["tact.error": "\(error)"])
                try? last.nack(multiple: true, requeue: true)
                try await Task.sleep(for: .seconds(1))
                continue
            }
            for (messageID, reason) in rejected {
                logger.warning(
                    "Input refused and sent to the dead-letter queue",
                    metadata: ["amqp.message_id": "\(messageID ?? "-")", "tact.reason": "\(reason)"])
            }
            do {
                try last.ack(multiple: true)
            } catch {
                // `ack` throws only AMQPErrors.
                guard error.code == .staleDelivery else { throw error }
                // Held so long that the broker closed the channel (its consumer timeout) and will redeliver the
                // batch: applied already, the copies are duplicates and change nothing.
                logger.warning("Input applied after its channel closed; the broker will deliver it again")
                continue
            }
            count(batch, rejected: rejected.map(\.1), source: source)
            for wakeup in wake { wakeup.signal() }
        }
    }

    /// Applies a batch, retrying for as long as the store cannot commit (a full disk, a read-only or locked file).
    /// That is Tact's failure, not the messages': the batch stays unacknowledged meanwhile, and with the consumer's
    /// prefetch window full no more input arrives. A nack would count a delivery, and the quorum queue's delivery
    /// limit would move good placements to `tact.dead` within seconds (issue 12). `/health` says not ready until a
    /// write commits again.
    ///
    /// Only failures of the store as a whole are held (no space, a read-only or locked file: `io`, `busy`); any
    /// other store error may be the batch's and is handled as before. `nil` when asked to stop meanwhile.
    private func applyHolding(
        _ inputs: [Received], source: SchedulerInput.Source, stopping: StopFlag
    ) async throws -> [(String?, String)]? {
        var pause = Duration.milliseconds(250)
        var attempts = 0
        while !stopping.isSet {
            do {
                let rejected = try await wrote { try await apply(inputs, source: source) }
                if attempts > 0 {
                    logger.notice(
                        "The store commits again; the held input is applied",
                        metadata: ["tact.input": "\(source)", "tact.attempts": "\(attempts + 1)"])
                }
                return rejected
            } catch let error as StoreError {
                guard error.code == .io || error.code == .busy else { throw error }
                attempts += 1
                metrics.inputsHeld.labels("\(source)").increment()
                if attempts == 1 || attempts.isMultiple(of: 20) {
                    logger.error(
                        "The store cannot commit; holding the input unacknowledged and retrying",
                        metadata: [
                            "tact.input": "\(source)", "tact.messages": "\(inputs.count)", "tact.error": "\(error)",
                        ])
                }
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(5))
            }
        }
        return nil
    }

    private struct Received: Sendable {
        let body: [UInt8]
        let messageID: String?
        let type: String?
        let routingKey: String
        /// The broker user that published it, as RabbitMQ vouched for it.
        let userID: String?
        let input: Result<SchedulerInput, ContractError>
    }

    /// Applies a batch in one transaction; returns the refused inputs (message id, reason) for the log.
    private func apply(_ inputs: [Received], source: SchedulerInput.Source) async throws -> [(String?, String)] {
        let core = core
        let now = clock.now()
        return try await store.write { transaction in
            var rejected: [(String?, String)] = []
            for received in inputs {
                let reason: String
                switch received.input {
                case .success(let input):
                    guard case .rejected(let error) = try core.apply(input, at: now, in: transaction) else { continue }
                    reason = error.reason
                case .failure(let error):
                    reason = error.reason
                }
                try core.deadLetter(
                    body: received.body, messageID: received.messageID, type: received.type,
                    source: "\(source):\(received.routingKey)", userID: received.userID, reason: reason, at: now,
                    in: transaction)
                rejected.append((received.messageID, reason))
            }
            return rejected
        }
    }

    // MARK: Dispatch

    private func dispatchLoop(ready: Wakeup, outbox: Wakeup, stopping: StopFlag) async throws {
        let core = core
        var pace = ReminderPace(rates: core.configuration.scheduler.remindersPerSecond)
        var refilled = ContinuousClock.now
        while !stopping.isSet {
            let now = clock.now()
            let started = ContinuousClock.now
            let allowance = pace.allowance(after: started - refilled)
            refilled = started
            do {
                let (unreported, dispatched, next) = try await wrote(
                    {
                        try await store.write { transaction in
                            (
                                try core.returnUnreported(at: now, in: transaction),
                                try core.dispatch(at: now, in: transaction, reminderAllowance: allowance),
                                try transaction.nextWakeUp()
                            )
                        }
                    }, changed: { $0.0.returned + $0.0.unconfirmed + $0.0.lost > 0 || $0.1.taken > 0 })
                pace.spend(dispatched.reminders)
                metrics.service.lanes.worked("dispatch", since: started)
                metrics.tasksHandedOut.increment(by: Double(dispatched.handedOut))
                metrics.tasksHeldBack.increment(by: Double(dispatched.heldBack))
                if dispatched.givenUp > 0 {
                    metrics.tasksGivenUp.increment(by: Double(dispatched.givenUp))
                    logger.warning(
                        "Tasks given up: no worker decided them", metadata: ["tact.count": "\(dispatched.givenUp)"])
                }
                if unreported.lost > 0 {
                    logger.warning(
                        "Queued calls that never came back from their queue were planned again",
                        metadata: ["tact.count": "\(unreported.lost)"])
                }
                metrics.callsUnreported.increment(by: Double(unreported.returned))
                if unreported.returned > 0 {
                    logger.notice(
                        "Taken calls returned without an outcome", metadata: ["tact.count": "\(unreported.returned)"])
                }
                metrics.claimsUnconfirmed.increment(by: Double(unreported.unconfirmed))
                if unreported.unconfirmed > 0 {
                    logger.warning(
                        "Claimed reminders without an outcome: they may or may not have been sent, and are not sent again",
                        metadata: ["tact.count": "\(unreported.unconfirmed)"])
                }
                if dispatched.handedOut > 0 { outbox.signal() }
                // A full batch means more are due: go again at once.
                if dispatched.taken == core.configuration.scheduler.dispatchBatch { continue }
                // Tasks already due wait for their debtor's task in flight; its decision signals this loop.
                let seconds = next.map { max(1, $0.secondsSinceEpoch - clock.now().secondsSinceEpoch) } ?? 60
                await ready.wait(timeout: .seconds(min(seconds, 60)))
            } catch {
                logger.error("Dispatching failed; will retry", metadata: ["tact.error": "\(error)"])
                await ready.wait(timeout: .seconds(1))
            }
        }
    }

    // MARK: Contact checks

    /// Answers senders' contact checks and `tact next`'s call checks from the store, recording each contact it
    /// allows as claimed. Replies are not persistent and not mandatory: a sender that gave up has deleted its reply
    /// queue, and the answer is then of no use to anyone (asked again, the same sender is told the same).
    private func answerChecks(_ consumer: AMQPConsumer, on connection: AMQPConnection, dispatch: Wakeup) async throws {
        while true {
            let batch = try await consumer.next(upTo: 50)
            guard !batch.isEmpty else { return }
            var replies: [AMQPMessage] = []
            for delivery in batch {
                guard let replyTo = delivery.properties.replyTo, core.topology.isCheckReplyQueue(replyTo) else {
                    logger.warning(
                        "Check without a reply queue of a sender, dropped",
                        metadata: ["amqp.message_id": "\(delivery.properties.messageID ?? "-")"])
                    continue
                }
                do {
                    guard let (body, type) = try await answer(delivery.body) else {
                        logger.warning(
                            "Unreadable check, dropped",
                            metadata: ["amqp.message_id": "\(delivery.properties.messageID ?? "-")"])
                        continue
                    }
                    replies.append(
                        AMQPMessage(
                            routingKey: replyTo, body: body,
                            properties: AMQPProperties(
                                contentType: "application/json", correlationID: delivery.properties.correlationID,
                                type: type, appID: "tact-scheduler"),
                            mandatory: false))
                } catch {
                    // Unanswered, the sender keeps the contact back rather than risk it.
                    logger.error("Answering a check failed", metadata: ["tact.error": "\(error)"])
                }
            }
            _ = await connection.publish(replies)
            do {
                try batch.last?.ack(multiple: true)
            } catch {
                // `ack` throws only AMQPErrors.
                guard error.code == .staleDelivery else { throw error }
                // The connection was made anew meanwhile: the broker delivers these checks again, and each sender
                // is told the same again (a claim is its own sender's).
                logger.notice("Checks answered after their channel closed; the broker will deliver them again")
            }
            // A contact claimed has a time to be reported by, which the dispatch loop must wake for.
            if !replies.isEmpty { dispatch.signal() }
        }
    }

    /// The reply to a contact check or a call check, and its type; `nil` for a body that is neither.
    private func answer(_ body: [UInt8]) async throws -> (body: [UInt8], type: String)? {
        let now = clock.now()
        if let request = try? MessageCoding.decode(ContactCheck.self, from: body) {
            let reply = try await wrote { try await store.write { [core] in try core.check(request, at: now, in: $0) } }
            metrics.contactChecks.labels(reply.verdict.rawValue).increment()
            return (MessageCoding.encode(reply), ContactCheckReply.messageType)
        }
        guard let request = try? MessageCoding.decode(CallCheck.self, from: body) else { return nil }
        let reply = try await wrote { try await store.write { [core] in try core.check(request, at: now, in: $0) } }
        return (MessageCoding.encode(reply), CallCheckReply.messageType)
    }

    // MARK: Outbox

    private func publishLoop(_ connection: AMQPConnection, ready: Wakeup, stopping: StopFlag) async throws {
        var declaredCallQueues = Set<String>()
        while true {
            let rows: [OutboxMessage]
            do {
                rows = try await store.read { try $0.outbox(limit: Self.outboxBatch) }
            } catch {
                logger.error("Reading the outbox failed; will retry", metadata: ["tact.error": "\(error)"])
                await ready.wait(timeout: .seconds(1))
                continue
            }
            if rows.isEmpty {
                // Inputs and dispatch have stopped before the flag is read as set, so an empty outbox is final.
                if stopping.isSet { return }
                await ready.wait(timeout: .seconds(1))
                continue
            }
            let started = ContinuousClock.now
            await declareCallQueues(for: rows, on: connection, declared: &declaredCallQueues)
            let publishedAt = clock.now()
            let results = await connection.publish(rows.map { Self.message($0, publishedAt: publishedAt) })
            metrics.service.publishConfirm.labels("outbox").observe(since: started)
            var confirmed: [Int64] = []
            // A row that could not be published (a call queue on a node that is down, say) goes to the back, so it
            // does not hold up the rest: tasks and dead letters go out meanwhile.
            var failed: [OutboxMessage] = []
            for (row, result) in zip(rows, results) {
                switch result {
                case .success:
                    confirmed.append(row.sequence)
                    if let channel = contactChannel(of: row) { metrics.contacts.labels(channel).increment() }
                case .failure(let error):
                    failed.append(row)
                    logger.error(
                        "Publishing failed; will retry",
                        metadata: ["amqp.message_id": "\(row.messageID)", "tact.error": "\(error)"])
                }
            }
            let (published, again) = (confirmed, failed)
            do {
                try await wrote {
                    try await store.write { store in
                        try store.removeFromOutbox(published + again.map(\.sequence))
                        for row in again { try store.enqueue(row) }
                    }
                }
            } catch {
                // Published but not forgotten: published again later, with the same message id.
                logger.error("Clearing the outbox failed; will retry", metadata: ["tact.error": "\(error)"])
            }
            metrics.service.lanes.worked("outbox", since: started)
            if confirmed.count < rows.count { await ready.wait(timeout: .seconds(1)) }
        }
    }

    /// Specialists' call queues appear with their first call; a publish to a queue that does not exist would
    /// come back unroutable.
    private func declareCallQueues(
        for rows: [OutboxMessage], on connection: AMQPConnection, declared declaredCallQueues: inout Set<String>
    ) async {
        for queue in Set(rows.map(\.routingKey)) where !declaredCallQueues.contains(queue) {
            guard let specialist = core.topology.specialist(ofCallQueue: queue) else { continue }
            do {
                try await connection.declare(
                    AMQPTopology(queues: [core.topology.callQueueDeclaration(specialist: specialist)]))
                declaredCallQueues.insert(queue)
            } catch {
                logger.error(
                    "Cannot declare a call queue", metadata: ["amqp.queue": "\(queue)", "tact.error": "\(error)"])
            }
        }
    }

    /// The channel of a reminder or call row, for `tact_contacts_emitted_total`; `nil` for other messages.
    private func contactChannel(of row: OutboxMessage) -> String? {
        switch row.type {
        case Call.messageType: return Channel.call.rawValue
        case Reminder.messageType:
            return Channel.allCases.first { core.topology.reminderQueue($0) == row.routingKey }?.rawValue
        default: return nil
        }
    }

    // MARK: Metrics

    /// Runs a store write, and keeps `tact_store_writable` (readiness) to whether it committed. Only the store's
    /// own failures count against it: an input refused or a policy error says nothing about the disk. A commit that
    /// `changed` nothing does not count for it either (SQLite commits an empty transaction even on a full disk).
    private func wrote<T>(_ write: () async throws -> T, changed: (T) -> Bool = { _ in true }) async throws -> T {
        do {
            let result = try await write()
            if changed(result) { metrics.storeWritable.set(true) }
            return result
        } catch let error as StoreError {
            metrics.storeWritable.set(false)
            throw error
        }
    }

    private func count(_ batch: [AMQPDelivery], rejected reasons: [String], source: SchedulerInput.Source) {
        let input = "\(source)"
        metrics.inputBatches.labels(input).increment()
        metrics.inputMessages.labels(input).increment(by: Double(batch.count))
        metrics.service.redeliveries.labels(input).increment(by: Double(batch.filter(\.redelivered).count))
        for reason in reasons {
            // The code only (`invalid-field`), not the field or problem: a small, fixed set of label values.
            metrics.service.deadLetters.labels(input, String(reason.prefix { $0 != ":" })).increment()
        }
    }

    /// Reads what is not counted as it happens: the connection, the backlog of due tasks, lane utilisation.
    private func refreshMetrics(_ connection: AMQPConnection) async {
        metrics.service.broker(connected: connection.isConnected, reconnects: connection.reconnectCount)
        metrics.service.lanes.refresh()
        guard let monitored = store as? any InspectableStore else { return }
        let now = clock.now()
        do {
            let backlog = try await monitored.monitor { try $0.dueBacklog(at: now) }
            metrics.dueTasks.set(Double(backlog.due))
            metrics.dueTaskLag.set(Double(backlog.lag(at: now)))
            metrics.tasksInFlight.set(Double(backlog.inFlight))
            metrics.callsTaken.set(Double(backlog.taken))
        } catch {
            logger.warning("Reading the due-task backlog failed", metadata: ["tact.error": "\(error)"])
        }
    }

    /// The outbox row as AMQP. The timestamp is the publication's: a dead letter is published right after the commit
    /// that refused its input, so `tact dead list` shows when it was refused. A contact expires at the end of its
    /// window however late it is published (at once if that has passed: it comes back as expired and is planned
    /// again).
    static func message(_ row: OutboxMessage, publishedAt: Instant) -> AMQPMessage {
        var headers: AMQPTable = [:]
        for (key, value) in row.headers { headers[key] = .string(value) }
        return AMQPMessage(
            exchange: row.exchange, routingKey: row.routingKey, body: row.body,
            properties: AMQPProperties(
                contentType: "application/json", headers: headers.isEmpty ? nil : headers, deliveryMode: .persistent,
                priority: row.priority,
                expiration: row.expiresAt.map {
                    .milliseconds(max(1, ($0.secondsSinceEpoch - publishedAt.secondsSinceEpoch) * 1000))
                },
                messageID: row.messageID, timestamp: publishedAt.date, type: row.type, appID: "tact-scheduler"),
            mandatory: true)
    }
}
