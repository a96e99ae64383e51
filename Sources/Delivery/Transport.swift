import Domain
import Templates

/// One rendered message on its way to one person.
public struct Outgoing: Sendable {
    /// The contact's id, `TASK:ATTEMPT`: the same for every copy of one hand-out, so that providers can drop a
    /// second copy of a retried request (SMS `Idempotency-Key`, e-mail `Message-ID`, the letter's file name).
    public var id: String
    /// The e-mail address, number or postal address. Personal data: never logged.
    public var to: String
    public var message: RenderedMessage
    /// The page where the person stops messages on this channel (e-mail: `List-Unsubscribe`).
    public var optOutLink: String?

    public init(id: String, to: String, message: RenderedMessage, optOutLink: String?) {
        self.id = id
        self.to = to
        self.message = message
        self.optOutLink = optOutLink
    }
}

/// What became of one send.
public enum SendResult: Sendable, Equatable {
    /// The relay, provider or spool took the message.
    case delivered
    /// Refused for good (a rejected address, a 4xx from the provider): reported as `failed` with the reason code.
    case rejected(reason: String)
    /// Not taken this time (connection refused, 5xx, timeout): tried again, then reported. `maybeSent` when the
    /// request went out in full and no answer came: it may have been acted on.
    case unavailable(reason: String, maybeSent: Bool)
}

/// How a sender hands a message to the world: an SMTP relay, an SMS provider, a letter spool.
public protocol Transport: Sendable {
    var channel: Channel { get }
    /// Whether a request that may have been acted on can be sent again without a second message reaching the
    /// person (the provider drops a repeated `Idempotency-Key`).
    var retriesAreSafe: Bool { get }
    /// The longest one try may take.
    var timeout: Duration { get }
    /// Sends once; the caller retries ``SendResult/unavailable(reason:maybeSent:)``.
    func send(_ outgoing: Outgoing) async -> SendResult
}
