import AMQP
import Contract
import Domain
import Foundation
import Logging
import Messaging
import Observability
import ServiceLifecycle
import TactConfig
import Templates

/// `tact deliver --channel C`: takes reminders from `tact.reminders.C`, and for each one renders the message in the
/// person's language, checks it against the rulebook's disclosures, asks the scheduler at this moment whether it
/// may still be sent (which claims it), sends it, and reports the outcome to `tact.outcomes`; only then is the
/// reminder acknowledged. Run as many as you like; they compete on the queue like workers.
///
/// - A reminder that cannot be rendered, or whose message fails the disclosure check, is given back unsent
///   (rejected: the scheduler plans it again after a pause) and logged by id: templates are fixed, not bypassed.
/// - A refusal at the moment of sending (a cease, a death, an opt-out, a claim by another copy) drops it.
/// - No answer from the scheduler: given back unsent.
/// - A send the relay refuses for good is reported `failed` with the reason. One it cannot take now (no relay, a
///   5xx from the SMS provider, a timeout where a retry is safe) is tried again with backoff while the claim lasts,
///   then reported `failed`: an outage delays messages, it does not drop them quietly. An e-mail that may have gone
///   out (the connection died after the whole message was sent) is not reported: the claim stays, and the
///   scheduler reports it to operators as unconfirmed, never sending it again by itself.
public struct SenderService: Service {
    let channel: Channel
    let amqp: AMQPConfiguration
    let topology: TactTopology
    let catalog: TemplateCatalog
    let configuration: ServiceConfiguration
    let transport: any Transport
    let senderID: String
    let logger: Logger
    let metrics: DeliveryMetrics
    /// Only benchmarks turn it off, to measure what the check costs; `tact deliver` always checks.
    let checksContacts: Bool

    /// How long the scheduler has to answer a check.
    static let checkTimeout: Duration = .seconds(10)
    /// The longest wait between tries of a send.
    static let longestPause: Duration = .seconds(30)
    /// Without a check (benchmarks), how long a send is tried.
    static let uncheckedPatience: Int64 = 30

    public init(
        channel: Channel, amqp: AMQPConfiguration, topology: TactTopology, catalog: TemplateCatalog,
        configuration: ServiceConfiguration, transport: any Transport, senderID: String, logger: Logger,
        metrics: DeliveryMetrics = DeliveryMetrics(), checksContacts: Bool = true
    ) throws(DeliveryError) {
        guard configuration.delivery.firm != nil else {
            throw DeliveryError(.notConfigured, "the service file has no firm section: messages must name who writes")
        }
        self.channel = channel
        self.amqp = amqp
        self.topology = topology
        self.catalog = catalog
        self.configuration = configuration
        self.transport = transport
        self.senderID = senderID
        self.logger = logger
        self.metrics = metrics
        self.checksContacts = checksContacts
    }

    public func run() async throws {
        let connection = try await AMQPConnection.connect(amqp, logger: logger)
        try await connection.declare(topology.shared)
        let lanes = configuration.delivery.concurrency
        let consumers = try await (0..<lanes).asyncMap { _ in
            // One at a time: a reminder held while its relay is down keeps no other waiting behind it.
            try await connection.consume(queue: topology.reminderQueue(channel), prefetch: 1)
        }
        logger.notice(
            "Sender started",
            metadata: ["tact.channel": "\(channel.rawValue)", "tact.sender": "\(senderID)", "tact.lanes": "\(lanes)"])
        metrics.service.lanes.add("reminders", count: lanes)
        let refresher =
            metrics.service.registry.isEnabled
            ? PeriodicTask.start(every: .seconds(5)) {
                metrics.service.broker(connected: connection.isConnected, reconnects: connection.reconnectCount)
                metrics.service.lanes.refresh()
            } : nil
        defer { refresher?.cancel() }
        let stopping = StopFlag()
        try await runLanes(
            consumers, stopping: stopping, shuttingDown: { metrics.service.shuttingDown() },
            lane: { consumer in
                var checker: CallChecker?
                while true {
                    let batch = try await consumer.next(upTo: 1)
                    guard let delivery = batch.first else { return }
                    let started = ContinuousClock.now
                    if checksContacts, checker?.isCurrent != true {
                        checker = try? await CallChecker(
                            connection: connection, topology: topology, timeout: Self.checkTimeout)
                    }
                    await handle(delivery, checker: checksContacts ? checker : nil, on: connection, stopping: stopping)
                    metrics.service.lanes.worked("reminders", since: started)
                }
            })
        await connection.close()
        logger.notice("Sender stopped", metadata: ["tact.sender": "\(senderID)"])
    }

    /// Renders, checks, claims, sends and reports one reminder, then settles its delivery.
    func handle(
        _ delivery: AMQPDelivery, checker: CallChecker?, on connection: AMQPConnection, stopping: StopFlag = StopFlag()
    ) async {
        let id = delivery.properties.messageID ?? "-"
        let reminder: Reminder
        do {
            reminder = try MessageCoding.decode(Reminder.self, from: delivery.body)
        } catch {
            logger.error(
                "Unreadable reminder given back", metadata: ["amqp.message_id": "\(id)", "tact.reason": "\(error)"])
            giveBack(delivery, result: "unrenderable", reason: "unreadable")
            return
        }
        let metadata: Logger.Metadata = ["tact.task": "\(reminder.taskId)", "tact.attempt": "\(reminder.attempt)"]
        // 1. The message, checked against its rulebook before anyone is asked to claim it.
        let outgoing: Outgoing
        do {
            outgoing = try render(reminder)
        } catch {
            logger.error(
                "Reminder cannot be written; given back unsent",
                metadata: metadata.merging(["tact.reason": "\(error)"]) { $1 })
            giveBack(delivery, result: "unrenderable", reason: "template")
            return
        }
        // 2. The check at the moment of sending, which claims the contact until `reportBy`.
        var reportBy = Instant(Date()).adding(seconds: Self.uncheckedPatience)
        if checksContacts {
            let reply: ContactCheckReply?
            if let checker {
                reply = try? await checker.checkContact(
                    taskID: reminder.taskId, attempt: reminder.attempt, validUntil: reminder.validUntil, by: senderID)
            } else {
                reply = nil
            }
            guard let reply else {
                logger.warning("The scheduler did not answer the check; given back unsent", metadata: metadata)
                giveBack(delivery, result: "unchecked", reason: "no-answer")
                return
            }
            guard reply.verdict == .send else {
                logger.info(
                    "Refused at the moment of sending",
                    metadata: metadata.merging(["tact.verdict": "\(reply.verdict.rawValue)"]) { $1 })
                metrics.deliveries.labels(channel.rawValue, "refused", reply.verdict.rawValue).increment()
                try? delivery.ack()
                return
            }
            if let end = reply.reportBy { reportBy = end }
        }
        // 3. Send. What the relay cannot take now is tried again with backoff while the claim lasts and the
        //    contact's window is open (a try that would end after either is not made), so that an outage delays
        //    messages rather than failing them.
        let lastEnd = min(reportBy, reminder.validUntil ?? reportBy)
        var result = SendResult.unavailable(reason: "not-tried", maybeSent: false)
        var pause = Duration.milliseconds(500)
        var tries = 0
        while true {
            let started = ContinuousClock.now
            result = await transport.send(outgoing)
            metrics.sendSeconds.labels(channel.rawValue).observe(since: started)
            tries += 1
            let nextEnd = Instant(Date()).adding(seconds: (pause + transport.timeout).components.seconds + 1)
            guard case .unavailable(let why, let maybeSent) = result, !maybeSent || transport.retriesAreSafe,
                !stopping.isSet, !Task.isCancelled, nextEnd < lastEnd
            else { break }
            if tries == 1 || tries.isMultiple(of: 10) {
                logger.warning(
                    "Could not send; trying again", metadata: metadata.merging(["tact.reason": "\(why)"]) { $1 })
            }
            try? await Task.sleep(for: pause)
            pause = min(pause * 2, Self.longestPause)
        }
        // 4. Report, then settle.
        let outcome: Outcome.Result
        let reason: String?
        switch result {
        case .delivered:
            (outcome, reason) = (.delivered, nil)
        case .rejected(let why):
            (outcome, reason) = (.failed, why)
        // It may have gone out (a retry that is safe could not settle it in time either).
        case .unavailable(let why, maybeSent: true):
            logger.warning(
                "The send may or may not have gone through; left claimed, for operators",
                metadata: metadata.merging(["tact.reason": "\(why)"]) { $1 })
            metrics.deliveries.labels(channel.rawValue, "unsure", why).increment()
            try? delivery.ack()
            return
        case .unavailable(let why, maybeSent: _):
            (outcome, reason) = (.failed, why)
        }
        if await report(reminder, result: outcome, reason: reason, on: connection) {
            metrics.deliveries.labels(channel.rawValue, outcome == .delivered ? "sent" : "failed", reason ?? "none")
                .increment()
            if let reason {
                logger.warning("Not sent", metadata: metadata.merging(["tact.reason": "\(reason)"]) { $1 })
            } else {
                logger.debug("Sent", metadata: metadata)
            }
        }
        try? delivery.ack()
    }

    /// The message a reminder asks for, in its language, checked against its rulebook.
    func render(_ reminder: Reminder) throws -> Outgoing {
        guard reminder.channel == channel else {
            throw TemplateError(.noTemplate, "reminder \(reminder.taskId)", "is for \(reminder.channel.rawValue)")
        }
        let delivery = configuration.delivery
        let creditor = reminder.creditorId ?? ""
        let values = try MessageValues(
            reminder: reminder, firm: delivery.firm!, creditorName: delivery.creditorName(creditor),
            defaultRulebook: configuration.rulebook(placement: nil, creditor: creditor),
            // A letter is posted by the print house within a day: the person's time runs from then.
            today: LocalDate(dayNumber: Int(Instant(Date()).secondsSinceEpoch / 86_400) + (channel == .letter ? 1 : 0)))
        let message = try catalog.render(
            reminder.contactPurpose!, channel: channel, language: reminder.language, values: values)
        let problems = catalog.rules.problems(in: message, values: values, language: catalogLanguage(reminder.language))
        guard problems.isEmpty else {
            throw TemplateError(.invalidRule, "reminder \(reminder.taskId)", problems.joined(separator: "; "))
        }
        return Outgoing(
            id: "\(reminder.taskId):\(reminder.attempt)", to: reminder.to, message: message,
            optOutLink: values.optOutLink)
    }

    /// The language the catalog writes in for `language`.
    private func catalogLanguage(_ language: String) -> String {
        catalog.languages.contains(language) ? language : TemplateCatalog.fallbackLanguage
    }

    /// Publishes the outcome, trying again while the broker is reachable; whether it was confirmed.
    private func report(_ reminder: Reminder, result: Outcome.Result, reason: String?, on connection: AMQPConnection)
        async -> Bool
    {
        var outcome = Outcome(
            outcomeId: "delivery:\(reminder.taskId):\(reminder.attempt)", taskId: reminder.taskId,
            creditorId: reminder.creditorId, debtorId: reminder.debtorId, debtId: reminder.debtId,
            channel: reminder.channel, at: Instant(Date()), result: result)
        outcome.reason = reason
        let message = AMQPMessage(
            exchange: topology.outcomesExchange, routingKey: "outcome", body: MessageCoding.encode(outcome),
            properties: AMQPProperties(
                contentType: "application/json", deliveryMode: .persistent, messageID: outcome.outcomeId,
                type: Outcome.messageType, appID: "tact-deliver"),
            mandatory: true)
        var pause = Duration.milliseconds(250)
        for _ in 0..<8 {
            do {
                try await connection.publish(message)
                return true
            } catch {
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(5))
            }
        }
        logger.error(
            "Outcome not confirmed by the broker; the claim is left for operators",
            metadata: ["tact.task": "\(reminder.taskId)", "tact.attempt": "\(reminder.attempt)"])
        return false
    }

    /// Rejected without requeue: the reminder queue dead-letters it to the scheduler, which plans it again.
    private func giveBack(_ delivery: AMQPDelivery, result: String, reason: String) {
        metrics.deliveries.labels(channel.rawValue, result, reason).increment()
        try? delivery.reject(requeue: false)
    }
}
