import Domain
import Policy

/// A contact task, from the scheduler to the workers (queue `tact.tasks`): everything a stateless worker needs to
/// decide it and propose the contact, so workers share nothing but the broker.
public struct WorkTask: ContractMessage, Equatable {
    public static let messageType = "task"
    /// Written by Tact itself; not held to ``InputBounds``.
    public static var comesFromOutside: Bool { false }

    public var type = WorkTask.messageType
    public var version = 1
    public var taskId: String
    /// 1 for the first hand-out; a lease that ran out hands the same task out again with the next number.
    public var attempt: Int
    /// The creditor whose debtor this is; ``debtor``'s id is the creditor's own. Always set by this version.
    public var creditorId: String?
    public var rulebook: String
    public var channel: Channel
    public var purpose: String
    public var template: String
    public var specialistId: String?
    public var debt: Placement.Debt
    /// The policy's view of the debtor: zones, holds, opt-outs, representative.
    public var debtor: Debtor
    /// The ledger within the rulebook's longest window, including contacts still awaiting an outcome.
    public var history: [HistoryEvent]
    /// Where to send the contact. Personal data.
    public var delivery: Delivery
    /// Queue priority for a call, 0–9 (urgent work first); from the strategy.
    public var priority: Int?
    /// What the person handling it should know: the assigned specialist, promises, plan, tone.
    public var context: TaskContext?

    public struct Delivery: Codable, Sendable, Equatable {
        public var name: String
        public var phone: String
        public var sms: String?
        public var email: String?
        public var address: String?
        public var language: String

        public init(
            name: String, phone: String, sms: String? = nil, email: String? = nil, address: String? = nil,
            language: String
        ) {
            self.name = name
            self.phone = phone
            self.sms = sms
            self.email = email
            self.address = address
            self.language = language
        }

        /// The address a reminder on `channel` goes to, if there is one.
        public func address(for channel: Channel) -> String? {
            switch channel {
            case .call: phone
            case .sms: sms
            case .email: email
            case .letter: address
            }
        }
    }

    public init(
        taskId: String, attempt: Int, creditorId: String?, rulebook: String, channel: Channel, purpose: String,
        template: String,
        specialistId: String?, debt: Placement.Debt, debtor: Debtor, history: [HistoryEvent], delivery: Delivery,
        priority: Int? = nil, context: TaskContext? = nil
    ) {
        self.taskId = taskId
        self.attempt = attempt
        self.creditorId = creditorId
        self.rulebook = rulebook
        self.channel = channel
        self.purpose = purpose
        self.template = template
        self.specialistId = specialistId
        self.debt = debt
        self.debtor = debtor
        self.history = history
        self.delivery = delivery
        self.priority = priority
        self.context = context
    }

    public func validate() throws(ContractError) {
        try Check.identifier(taskId, "taskId")
        guard attempt >= 1 else { throw ContractError(.invalidField, field: "attempt", "must be at least 1") }
    }
}

/// The case as the scheduler knows it, carried to the worker and on to the specialist or the reminder's template.
public struct TaskContext: Codable, Sendable, Equatable {
    /// The specialist who keeps the case (the call may be routed to a backup while they are away).
    public var assignedSpecialist: String?
    /// `gentle` after a bereavement, in hardship, after a missed instalment, or under a gentle strategy.
    public var tone: String
    /// The promise this contact is about, or the latest one.
    public var promise: PromiseSummary?
    /// The active payment plan.
    public var plan: PlanSummary?
    /// The last reported outcome on this debt.
    public var lastOutcome: HistoryEvent?
    /// What payments on this debt add up to so far, decimal text in its currency (absent: none).
    public var paid: String?

    public init(
        assignedSpecialist: String?, tone: String, promise: PromiseSummary? = nil, plan: PlanSummary? = nil,
        lastOutcome: HistoryEvent? = nil, paid: String? = nil
    ) {
        self.paid = paid
        self.assignedSpecialist = assignedSpecialist
        self.tone = tone
        self.promise = promise
        self.plan = plan
        self.lastOutcome = lastOutcome
    }

    public struct PromiseSummary: Codable, Sendable, Equatable {
        public var amount: String
        public var date: String
        /// `open`, `kept`, `broken`.
        public var status: String
        public init(amount: String, date: String, status: String) {
            self.amount = amount
            self.date = date
            self.status = status
        }
    }

    public struct PlanSummary: Codable, Sendable, Equatable {
        public var instalments: [LifeEvent.Instalment]
        /// How many are paid.
        public var paid: Int
        /// The instalment this contact is about (0-based), if any.
        public var current: Int?
        public init(instalments: [LifeEvent.Instalment], paid: Int, current: Int?) {
            self.instalments = instalments
            self.paid = paid
            self.current = current
        }
    }
}

/// A worker's decision about a task, back to the scheduler (queue `tact.scheduler.decisions`).
///
/// It carries the contact the decision allows in ``contact``, for the scheduler to publish if the hand-out is still
/// current. (Version 1, from before the scheduler published contacts, never shipped and is not read.)
public struct TaskDecision: ContractMessage, Equatable {
    public static let messageType = "decision"
    /// Written by Tact itself; not held to ``InputBounds``.
    public static var comesFromOutside: Bool { false }
    public static let supportedVersions = [2]

    public var type = TaskDecision.messageType
    public var version = 2
    public var taskId: String
    public var attempt: Int
    public var debtorId: String
    /// The policy's `now`.
    public var decidedAt: Instant
    public var decision: PolicyDecision
    /// The queue the contact goes to (for `allow` and `redirect`).
    public var emittedTo: String?
    /// The reminder or call to publish if the hand-out is still current.
    public var contact: ProposedContact?
    /// The worker that decided, `host/pid`, for operators.
    public var worker: String

    public init(
        taskId: String, attempt: Int, debtorId: String, decidedAt: Instant, decision: PolicyDecision,
        contact: ProposedContact?, worker: String
    ) {
        self.taskId = taskId
        self.attempt = attempt
        self.debtorId = debtorId
        self.decidedAt = decidedAt
        self.decision = decision
        self.emittedTo = contact?.queue
        self.contact = contact
        self.worker = worker
    }

    /// The id under which the scheduler deduplicates it: a redelivery of this message, not another worker's
    /// decision about the same hand-out (a task redelivered after a worker died is decided again, and both count).
    public var messageID: String { "decision:\(taskId):\(attempt):\(worker):\(decidedAt.secondsSinceEpoch)" }

    public func validate() throws(ContractError) {
        try Check.identifier(taskId, "taskId")
        try contact?.validate()
        if contact != nil, ![.allow, .redirect].contains(decision.decision) {
            throw ContractError(.invalidField, field: "contact", "only an allow or a redirect carries a contact")
        }

    }
}
