import Domain
import Policy

/// A reminder or call a worker's policy decision allows, carried back to the scheduler inside the ``TaskDecision``.
///
/// Workers never publish contacts themselves: the scheduler, the only one that sees events and outcomes as they
/// arrive, publishes a proposed contact only if the hand-out it answers is still current, so a hold, opt-out or
/// conversation recorded while the task waited for a worker stops it.
public struct ProposedContact: Codable, Sendable, Equatable {
    /// The queue it goes to, through the default exchange.
    public var queue: String
    /// Exactly one of `reminder` and `call`.
    public var reminder: Reminder?
    public var call: Call?
    /// The end of the permitted window: the message expires then (`nil` for letters and windows without an end).
    public var expiresAt: Instant?
    /// AMQP priority 0–9, for calls: urgent work first in a specialist's queue.
    public var priority: UInt8?

    public init(queue: String, reminder: Reminder, expiresAt: Instant?) {
        self.queue = queue
        self.reminder = reminder
        self.expiresAt = expiresAt
    }

    public init(queue: String, call: Call, expiresAt: Instant?, priority: UInt8?) {
        self.queue = queue
        self.call = call
        self.expiresAt = expiresAt
        self.priority = priority
    }

    /// `reminder` or `call`: the AMQP `type` of the published message.
    public var type: String { call == nil ? Reminder.messageType : Call.messageType }

    /// The channel it reaches the person on.
    public var channel: Channel { call == nil ? reminder?.channel ?? .email : .call }

    /// The hand-out the reminder or call names.
    public var attempt: Int {
        get { call?.attempt ?? reminder?.attempt ?? 0 }
        set {
            call?.attempt = newValue
            reminder?.attempt = newValue
        }
    }

    /// The message body as published.
    public var body: [UInt8] {
        if let call { return MessageCoding.encode(call) }
        return reminder.map { MessageCoding.encode($0) } ?? []
    }

    func validate() throws(ContractError) {
        try Check.nonEmpty(queue, "contact.queue")
        if reminder == nil && call == nil {
            throw ContractError(.missingField, field: "contact", "carries one of reminder and call")
        }
        if reminder != nil && call != nil {
            throw ContractError(.invalidField, field: "contact", "carries one of reminder and call, not both")
        }
        try reminder?.validate()
        try call?.validate()
    }
}
