import Contract
import Domain
import Policy

/// Plays the world outside Tact in a simulation: the gateways, the specialists and the debtors. It decides what
/// becomes of each contact Tact emits, and which life events happen on their own.
///
/// Implementations must be deterministic (derive any randomness from a seed and the ids they are given, as
/// ``OutcomeModel`` does), so that a simulation can be repeated exactly.
public protocol ContactResponder: Sendable {
    /// What happens to a reminder or call that reached its gateway or specialist queue.
    func respond(to contact: EmittedContact) -> ContactResponse
    /// Events that happen on their own during `day` to a debtor with an open debt (a bereavement, a payment, …).
    /// Called once per simulated day for each such debtor, at the start of the day.
    func events(of debtor: SimulatedDebtor, on day: SimulationDay) -> [PlannedEvent]
}

extension ContactResponder {
    /// No life events by default: only what contacts lead to happens.
    public func events(of debtor: SimulatedDebtor, on day: SimulationDay) -> [PlannedEvent] { [] }
}

/// A responder given as a closure, for tests that script what happens to each contact.
public struct ScriptedResponder: ContactResponder {
    let response: @Sendable (EmittedContact) -> ContactResponse

    public init(_ response: @escaping @Sendable (EmittedContact) -> ContactResponse) { self.response = response }

    /// Calls the closure.
    public func respond(to contact: EmittedContact) -> ContactResponse { response(contact) }
}

/// A reminder or call as it reached its queue, with what a responder needs to know about the debtor.
public struct EmittedContact: Sendable, Equatable {
    /// When the scheduler published it.
    public var at: Instant
    /// The queue it went to (`tact.calls.anna`, `tact.reminders.sms`, …).
    public var queue: String
    /// `reminder` or `call`.
    public var type: String
    public var taskId: String
    public var attempt: Int
    public var debtorId: String
    public var debt: Placement.Debt
    /// The channel it uses (a contact redirected to a representative may use another than its task's).
    public var channel: Channel
    /// The call's purpose or the reminder's template.
    public var purpose: String
    /// Acting on it at or after this instant is not permitted; the broker would expire it then.
    public var validUntil: Instant?
    /// Sent to a representative instead of the debtor.
    public var redirected: Bool
    /// The debtor's zones (the first counts local days); empty when unknown.
    public var timeZones: [String]
    public var language: String
    public var specialistId: String?
    /// The message body exactly as the gateway or specialist would receive it.
    public var body: [UInt8]

    public init(
        at: Instant, queue: String, type: String, taskId: String, attempt: Int, debtorId: String,
        debt: Placement.Debt, channel: Channel, purpose: String, validUntil: Instant?, redirected: Bool,
        timeZones: [String], language: String, specialistId: String?, body: [UInt8]
    ) {
        self.at = at
        self.queue = queue
        self.type = type
        self.taskId = taskId
        self.attempt = attempt
        self.debtorId = debtorId
        self.debt = debt
        self.channel = channel
        self.purpose = purpose
        self.validUntil = validUntil
        self.redirected = redirected
        self.timeZones = timeZones
        self.language = language
        self.specialistId = specialistId
        self.body = body
    }
}

/// What becomes of an emitted contact.
public struct ContactResponse: Sendable, Equatable {
    /// What the gateway or specialist does with the contact.
    public enum Action: Sendable, Equatable {
        /// The gateway or specialist acts on it and reports this outcome.
        case outcome(Outcome.Result, promise: Outcome.Promise? = nil)
        /// The consumer rejects it without acting (it comes back to the scheduler as expired).
        case giveBack
        /// Nobody acts on it: it expires at its `validUntil`, or stays pending if it has none.
        case ignore
    }

    /// What is done with the contact.
    public var action: Action
    /// Seconds after the emission at which the action happens. An outcome or give-back due at or after the
    /// contact's `validUntil` does not happen: the contact expires first, as the broker's TTL would have it.
    public var after: Int64
    /// What the contact leads to (a payment on the promised date, a dispute, an opt-out); dropped if the contact
    /// expires before the action.
    public var events: [PlannedEvent]

    public init(_ action: Action, after: Int64 = 0, events: [PlannedEvent] = []) {
        self.action = action
        self.after = after
        self.events = events
    }
}

/// A life or account event a responder plans; the simulation gives it an id and sends it as a creditor would.
public struct PlannedEvent: Sendable, Equatable {
    /// When it happens (not before the clock; for a response, not before the action).
    public var at: Instant
    public var debtorId: String
    public var kind: LifeEvent.Kind
    /// Required for `payment` and `closed`.
    public var debtId: String?
    /// Required for `opt-out` and `opt-in`.
    public var channel: Channel?
    /// A hold's end; `nil` leaves it to the rulebook's default duration (or none).
    public var until: Instant?
    /// For `attorney` and `deceased`.
    public var representative: Representative?
    /// Why it happens, for the timeline: `promise-kept`, `daily`, `conversation`, …
    public var cause: String

    public init(
        at: Instant, debtorId: String, kind: LifeEvent.Kind, debtId: String? = nil, channel: Channel? = nil,
        until: Instant? = nil,
        representative: Representative? = nil, cause: String
    ) {
        self.at = at
        self.debtorId = debtorId
        self.kind = kind
        self.debtId = debtId
        self.channel = channel
        self.until = until
        self.representative = representative
        self.cause = cause
    }
}

/// A placed debtor as responders see it: ids, zones and open debts, no personal data.
public struct SimulatedDebtor: Sendable, Equatable {
    public var id: String
    public var timeZones: [String]
    public var specialistId: String?
    /// Debts not yet paid or closed.
    public var openDebts: [Placement.Debt]

    public init(id: String, timeZones: [String], specialistId: String?, openDebts: [Placement.Debt]) {
        self.id = id
        self.timeZones = timeZones
        self.specialistId = specialistId
        self.openDebts = openDebts
    }
}

/// One simulated day: `index` 0 starts at the simulation's start.
public struct SimulationDay: Sendable, Equatable {
    public var index: Int
    public var start: Instant
    /// Exclusive.
    public var end: Instant

    public init(index: Int, start: Instant, end: Instant) {
        self.index = index
        self.start = start
        self.end = end
    }
}
