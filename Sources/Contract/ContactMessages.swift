import Domain
import Policy

/// A reminder for a channel gateway (queues `tact.reminders.sms`, `.email`, `.letter`). Its AMQP `message_id` is
/// the task id, so a gateway that receives it twice can drop the second.
public struct Reminder: ContractMessage, Equatable {
    public static let messageType = "reminder"
    /// Written by Tact itself; not held to ``InputBounds``.
    public static var comesFromOutside: Bool { false }

    public var type = Reminder.messageType
    public var version = 1
    public var taskId: String
    /// The creditor whose debtor this is: debtor ids are the creditor's own. Always set by this version of Tact.
    public var creditorId: String?
    public var debtorId: String
    public var debtId: String
    public var channel: Channel
    /// Phone number, e-mail address or postal address. Personal data.
    public var to: String
    /// Template id, e.g. `first-notice`.
    public var template: String
    public var language: String
    /// End of the permitted window; the message expires then (letters have none).
    public var validUntil: Instant?
    /// How many times the task was handed to a worker; with the task id it identifies this emission.
    public var attempt: Int
    /// Values the template needs, e.g. `amount`, `currency`, `date` for a promise reminder.
    public var parameters: [String: String]?
    /// The rulebook the case is under, whose disclosures the message must carry. Always set by this version of Tact.
    public var rulebook: String?
    /// The person's name, for the greeting. Personal data. Always set by this version of Tact.
    public var name: String?
    /// The specialist who keeps the case, when it has one.
    public var specialistId: String?

    public init(
        taskId: String, creditorId: String?, debtorId: String, debtId: String, channel: Channel, to: String,
        template: String,
        language: String, validUntil: Instant?, attempt: Int, parameters: [String: String]? = nil,
        rulebook: String? = nil, name: String? = nil, specialistId: String? = nil
    ) {
        self.rulebook = rulebook
        self.name = name
        self.specialistId = specialistId
        self.taskId = taskId
        self.creditorId = creditorId
        self.debtorId = debtorId
        self.debtId = debtId
        self.channel = channel
        self.to = to
        self.template = template
        self.language = language
        self.validUntil = validUntil
        self.attempt = attempt
        self.parameters = parameters
    }

    public func validate() throws(ContractError) {
        try Check.identifier(taskId, "taskId")
    }
}

/// A call for a specialist (queue `tact.calls.<specialistId>`, or `tact.calls.pool`).
public struct Call: ContractMessage, Equatable {
    public static let messageType = "call"
    /// Written by Tact itself; not held to ``InputBounds``.
    public static var comesFromOutside: Bool { false }

    public var type = Call.messageType
    public var version = 1
    public var taskId: String
    /// The creditor whose debtor this is: debtor ids are the creditor's own. Always set by this version of Tact.
    public var creditorId: String?
    public var debtorId: String
    public var debtId: String
    /// Personal data.
    public var phone: String
    /// `first-call`, `retry-call`, …
    public var purpose: String
    /// End of the permitted window; the message expires then and goes back to the scheduler.
    public var validUntil: Instant?
    public var context: CallContext
    public var attempt: Int

    public init(
        taskId: String, creditorId: String?, debtorId: String, debtId: String, phone: String, purpose: String,
        validUntil: Instant?,
        context: CallContext, attempt: Int
    ) {
        self.taskId = taskId
        self.creditorId = creditorId
        self.debtorId = debtorId
        self.debtId = debtId
        self.phone = phone
        self.purpose = purpose
        self.validUntil = validUntil
        self.context = context
        self.attempt = attempt
    }

    public func validate() throws(ContractError) {
        try Check.identifier(taskId, "taskId")
    }
}

/// What a specialist should know before calling, so the call can be kind and useful.
public struct CallContext: Codable, Sendable, Equatable {
    /// How to address the person. Personal data.
    public var name: String
    public var language: String
    public var debt: Placement.Debt
    /// Contacts about this debtor in the rulebook's window, newest last.
    public var recentContacts: [HistoryEvent]
    /// Holds on file (ended ones included while the window covers them).
    public var holds: [Hold]
    /// `gentle` after a bereavement, in hardship, after a missed instalment, or under a gentle strategy;
    /// otherwise `standard`.
    public var tone: String
    /// The specialist who keeps the case, when the call went to a backup while they are away.
    public var assignedSpecialist: String?
    public var promise: TaskContext.PromiseSummary?
    public var plan: TaskContext.PlanSummary?
    public var lastOutcome: HistoryEvent?
    /// What the policy decided on, so that the specialist's tool can check again at the moment of calling.
    public var policy: PolicySnapshot?

    /// The policy's inputs for this contact, minus `now`.
    public struct PolicySnapshot: Codable, Sendable, Equatable {
        public var rulebook: String
        public var debtor: Debtor
        public var history: [HistoryEvent]
        public init(rulebook: String, debtor: Debtor, history: [HistoryEvent]) {
            self.rulebook = rulebook
            self.debtor = debtor
            self.history = history
        }
    }

    public init(
        name: String, language: String, debt: Placement.Debt, recentContacts: [HistoryEvent], holds: [Hold],
        tone: String, assignedSpecialist: String? = nil, promise: TaskContext.PromiseSummary? = nil,
        plan: TaskContext.PlanSummary? = nil, lastOutcome: HistoryEvent? = nil, policy: PolicySnapshot? = nil
    ) {
        self.name = name
        self.language = language
        self.debt = debt
        self.recentContacts = recentContacts
        self.holds = holds
        self.tone = tone
        self.assignedSpecialist = assignedSpecialist
        self.promise = promise
        self.plan = plan
        self.lastOutcome = lastOutcome
        self.policy = policy
    }
}
