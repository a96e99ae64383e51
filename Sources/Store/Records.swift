import Domain
import Policy

// The rows Tact keeps. Plain values: the scheduler decides, the store only remembers.
// Personal data (names, addresses, phone numbers) lives in these records and in the messages sent to the
// channels that need it, and nowhere else: never in logs, errors or audit details.

/// A person with one or more debts placed by a creditor, keyed by the creditor and the creditor's own id.
public struct DebtorRecord: Sendable, Equatable, Codable {
    /// The key every table names the debtor by: `creditor/debtor` (``DebtorKey``).
    public var id: String
    public var creditorID: String
    /// Rulebook id chosen at placement (placement field, else the creditor's, else the default).
    public var rulebook: String
    /// Cadence strategy id chosen the same way.
    public var strategy: String
    /// The specialist who keeps this case, if any (calls go to the pool otherwise).
    public var specialistID: String?
    public var contact: ContactDetails
    public var timeZones: [String]
    public var inconvenient: [InconvenientTime]
    public var optOuts: Set<Channel>
    public var representative: Representative?
    public var createdAt: Instant
    /// The placement's `debtor.personKey`: cases that share it are one person to the policy.
    public var personKey: String?

    /// The creditor's own id for the person, as messages carry it.
    public var ref: String { DebtorKey.debtorPart(of: id) }

    /// Also its table's columns (see Records+GRDB.swift).
    enum CodingKeys: String, CodingKey {
        case id
        case creditorID = "creditor_id"
        case rulebook, strategy
        case specialistID = "specialist_id"
        case contact
        case timeZones = "time_zones"
        case inconvenient
        case optOuts = "opt_outs"
        case representative
        case createdAt = "created_at"
        case personKey = "person_key"
    }

    public init(
        id: String, creditorID: String, rulebook: String, strategy: String = "default", specialistID: String? = nil,
        contact: ContactDetails,
        timeZones: [String], inconvenient: [InconvenientTime] = [], optOuts: Set<Channel> = [],
        representative: Representative? = nil, createdAt: Instant, personKey: String? = nil
    ) {
        self.id = id
        self.creditorID = creditorID
        self.rulebook = rulebook
        self.strategy = strategy
        self.specialistID = specialistID
        self.contact = contact
        self.timeZones = timeZones
        self.inconvenient = inconvenient
        self.optOuts = optOuts
        self.representative = representative
        self.createdAt = createdAt
        self.personKey = personKey
    }
}

/// How to reach a debtor. Personal data.
public struct ContactDetails: Sendable, Equatable, Codable {
    public var name: String
    public var phone: String?
    public var sms: String?
    public var email: String?
    public var postalAddress: String?
    /// BCP 47 language tag for templates, e.g. `en`, `pl`.
    public var language: String

    public init(
        name: String, phone: String? = nil, sms: String? = nil, email: String? = nil, postalAddress: String? = nil,
        language: String
    ) {
        self.name = name
        self.phone = phone
        self.sms = sms
        self.email = email
        self.postalAddress = postalAddress
        self.language = language
    }
}

/// One debt of a debtor.
public struct DebtRecord: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case open, paid, closed
        /// The creditor took it back (a `recall`).
        case recalled
    }

    public var debtorID: String
    public var id: String
    public var placementID: String
    /// Decimal amount as text, exactly as placed (no floating point for money).
    public var amount: String
    public var currency: String
    /// `YYYY-MM-DD`.
    public var dueDate: String
    public var status: Status
    /// What payments reported so far add up to, decimal text in the debt's currency.
    public var paid: String

    enum CodingKeys: String, CodingKey {
        case debtorID = "debtor_id"
        case id
        case placementID = "placement_id"
        case amount, currency
        case dueDate = "due_date"
        case status, paid
    }

    /// What is still owed: the amount less what was paid (below zero after an overpayment); `nil` if either is
    /// not a decimal amount (never for a debt the scheduler stored).
    public var balance: Money? {
        guard let amount = Money(amount, currency: currency), let paid = Money(paid, currency: currency) else {
            return nil
        }
        return amount.minus(paid)
    }

    public init(
        debtorID: String, id: String, placementID: String, amount: String, currency: String, dueDate: String,
        status: Status = .open, paid: String = "0.00"
    ) {
        self.debtorID = debtorID
        self.id = id
        self.placementID = placementID
        self.amount = amount
        self.currency = currency
        self.dueDate = dueDate
        self.status = status
        self.paid = paid
    }
}

/// A hold on a debtor (bereavement, dispute, cease, …), as the policy engine reads it, plus when it was lifted.
public struct HoldRecord: Sendable, Equatable, Codable {
    /// The id of the event that placed it.
    public var id: String
    public var debtorID: String
    /// The debt it concerns, if only one; most holds concern the person.
    public var debtID: String?
    public var kind: HoldKind
    public var since: Instant
    public var until: Instant?
    /// Set when a later event lifted it (e.g. `dispute-resolved`); lifted holds no longer apply.
    public var liftedAt: Instant?

    enum CodingKeys: String, CodingKey {
        case id
        case debtorID = "debtor_id"
        case debtID = "debt_id"
        case kind, since, until
        case liftedAt = "lifted_at"
    }

    public init(
        id: String, debtorID: String, debtID: String? = nil, kind: HoldKind, since: Instant, until: Instant? = nil,
        liftedAt: Instant? = nil
    ) {
        self.id = id
        self.debtorID = debtorID
        self.debtID = debtID
        self.kind = kind
        self.since = since
        self.until = until
        self.liftedAt = liftedAt
    }
}

/// A contact Tact intends to make, from creation to its end.
public struct TaskRecord: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        /// Waiting for `dueAt`.
        case pending
        /// Sent to the workers; `leaseUntil` says when it is sent again if no decision arrives.
        case inFlight = "in-flight"
        /// Decided and emitted (or redirected).
        case done
        /// A call a specialist took with `tact next` (``takenBy``) and has not yet reported on; `leaseUntil` says
        /// when it returns to be planned again if no outcome arrives.
        case taken
        /// Ended without a contact: suppressed, forbidden by an event, or the debt closed.
        case cancelled
    }

    /// Stable for the task's whole life, and the AMQP `message_id` of everything it emits.
    public var id: String
    public var debtorID: String
    public var debtID: String
    /// Set at creation; a revival may move it to the channel reachable then (``apply(_:)``).
    public internal(set) var channel: Channel
    /// Why the contact is made: `first-notice`, `first-call`, `retry-call`, …
    public var purpose: Purpose
    /// The promise, plan instalment or outcome it follows up, if any; set at creation.
    public let link: Link?
    // The lifecycle: these change through ``apply(_:)`` only (TaskRecord+Lifecycle.swift).
    public internal(set) var status: Status
    public internal(set) var dueAt: Instant
    public internal(set) var leaseUntil: Instant?
    /// How many times it was sent to the workers.
    public internal(set) var attempts: Int
    /// Hand-outs up to this attempt are settled: decided, or recalled because an input made their snapshot stale.
    /// A decision about a later one applies; the others are superseded.
    public internal(set) var settledAttempts: Int
    public var createdAt: Instant
    /// For `cancelled`: what stopped it; for `done`, ``ClosedReason/reachedRepresentative`` after a redirect.
    public internal(set) var closedReason: ClosedReason?
    /// The specialist who took its call, while `taken` and once it is reported on.
    public internal(set) var takenBy: String?
    /// The call queue its published call waits in (a specialist's id, or `pool`), while `done` and not taken: a
    /// change of specialists moves it from there (``Transition/rerouted(dueAt:)``); its `leaseUntil` then says by
    /// when it must have come back or been taken. While a call is `in flight`, the queue it is routed to, where it
    /// counts against the queue's depth.
    public internal(set) var queuedFor: String?
    /// Among tasks due together, those of higher priority are handed out first (0…9: the call's queue priority
    /// under the debtor's strategy); set at creation.
    public let priority: Int

    enum CodingKeys: String, CodingKey {
        case id
        case debtorID = "debtor_id"
        case debtID = "debt_id"
        case channel, purpose, link, status
        case dueAt = "due_at"
        case leaseUntil = "lease_until"
        case attempts
        case settledAttempts = "settled_attempts"
        case createdAt = "created_at"
        case closedReason = "closed_reason"
        case takenBy = "taken_by"
        case queuedFor = "queued_for"
        case priority
    }

    public init(
        id: String, debtorID: String, debtID: String, channel: Channel, purpose: Purpose, link: Link? = nil,
        status: Status = .pending, dueAt: Instant, leaseUntil: Instant? = nil, attempts: Int = 0,
        settledAttempts: Int = 0, createdAt: Instant,
        closedReason: ClosedReason? = nil, takenBy: String? = nil, queuedFor: String? = nil, priority: Int = 0
    ) {
        self.id = id
        self.debtorID = debtorID
        self.debtID = debtID
        self.channel = channel
        self.purpose = purpose
        self.link = link
        self.status = status
        self.dueAt = dueAt
        self.leaseUntil = leaseUntil
        self.attempts = attempts
        self.settledAttempts = settledAttempts
        self.createdAt = createdAt
        self.closedReason = closedReason
        self.takenBy = takenBy
        self.queuedFor = queuedFor
        self.priority = priority
    }
}

/// One contact made (or emitted and awaiting its outcome): what frequency caps and waits count.
public struct LedgerEntry: Sendable, Equatable, Codable {
    /// The task that emitted it, so that an outcome (which names the task) updates this entry.
    public var taskID: String
    public var debtorID: String
    public var debtID: String
    public var channel: Channel
    public var at: Instant
    /// `pending` until an outcome arrives.
    public var result: ContactResult

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id"
        case debtorID = "debtor_id"
        case debtID = "debt_id"
        case channel, at, result
    }

    public init(taskID: String, debtorID: String, debtID: String, channel: Channel, at: Instant, result: ContactResult)
    {
        self.taskID = taskID
        self.debtorID = debtorID
        self.debtID = debtID
        self.channel = channel
        self.at = at
        self.result = result
    }
}

/// A message committed together with the state change that caused it, published afterwards with confirms.
public struct OutboxMessage: Sendable, Equatable, Codable {
    /// Assigned by the store on insert; publishing order.
    public var sequence: Int64
    public var exchange: String
    public var routingKey: String
    /// AMQP `message_id`: the task id for contacts, so a gateway can drop a duplicate.
    public var messageID: String
    /// AMQP `type`: `task`, `reminder`, `call`, `dead`, …
    public var type: String
    public var body: [UInt8]
    /// When the message must expire (the end of a contact's window); published with the AMQP `expiration` left
    /// until then.
    public var expiresAt: Instant?
    /// Extra AMQP headers (e.g. `x-tact-error` on dead letters).
    public var headers: [String: String]
    /// AMQP priority 0–9, for call queues.
    public var priority: UInt8?

    enum CodingKeys: String, CodingKey {
        case sequence, exchange
        case routingKey = "routing_key"
        case messageID = "message_id"
        case type, body
        case expiresAt = "expires_at"
        case headers, priority
    }

    public init(
        sequence: Int64 = 0, exchange: String, routingKey: String, messageID: String, type: String, body: [UInt8],
        expiresAt: Instant? = nil, headers: [String: String] = [:], priority: UInt8? = nil
    ) {
        self.sequence = sequence
        self.exchange = exchange
        self.routingKey = routingKey
        self.messageID = messageID
        self.type = type
        self.body = body
        self.expiresAt = expiresAt
        self.headers = headers
        self.priority = priority
    }
}

/// A policy decision as the audit trail keeps it. Append-only.
public struct DecisionRecord: Sendable, Equatable, Codable {
    public var taskID: String
    public var debtorID: String
    /// When the worker decided (the policy's `now`).
    public var decidedAt: Instant
    public var decision: PolicyDecision.Kind
    public var earliest: Instant?
    public var reasons: [PolicyDecision.Reason]
    /// Which worker decided, for operators.
    public var worker: String

    enum CodingKeys: String, CodingKey {
        case taskID = "task_id"
        case debtorID = "debtor_id"
        case decidedAt = "decided_at"
        case decision, earliest, reasons, worker
    }

    public init(
        taskID: String, debtorID: String, decidedAt: Instant, decision: PolicyDecision.Kind, earliest: Instant?,
        reasons: [PolicyDecision.Reason], worker: String
    ) {
        self.taskID = taskID
        self.debtorID = debtorID
        self.decidedAt = decidedAt
        self.decision = decision
        self.earliest = earliest
        self.reasons = reasons
        self.worker = worker
    }
}

/// Counts for `tact status` and metrics.
public struct StoreStatistics: Sendable, Equatable, Codable {
    public var tasksByStatus: [TaskRecord.Status: Int]
    /// Pending tasks already due at the time asked (scheduler lag).
    public var dueNotPublished: Int
    public var outboxDepth: Int
    public var debtors: Int

    public init(tasksByStatus: [TaskRecord.Status: Int], dueNotPublished: Int, outboxDepth: Int, debtors: Int) {
        self.tasksByStatus = tasksByStatus
        self.dueNotPublished = dueNotPublished
        self.outboxDepth = outboxDepth
        self.debtors = debtors
    }
}
