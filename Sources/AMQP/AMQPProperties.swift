import Foundation

/// The basic-class properties of a message (AMQP 0-9-1 §4.2.6), both when publishing and when consuming.
///
/// Absent properties are `nil`; only present ones go on the wire.
public struct AMQPProperties: Sendable, Hashable {
    /// Whether the broker writes the message to disk.
    public struct DeliveryMode: Sendable, Hashable {
        let rawValue: UInt8
        /// Kept in memory only (AMQP delivery mode 1).
        public static let transient = DeliveryMode(rawValue: 1)
        /// Written to disk by durable queues (AMQP delivery mode 2).
        public static let persistent = DeliveryMode(rawValue: 2)
    }

    public var contentType: String?
    public var contentEncoding: String?
    public var headers: AMQPTable?
    public var deliveryMode: DeliveryMode?
    /// 0…9 on queues declared with `x-max-priority`.
    public var priority: UInt8?
    public var correlationID: String?
    public var replyTo: String?
    /// Time to live of this message; the broker drops or dead-letters it when it runs out.
    public var expiration: Duration?
    public var messageID: String?
    /// Seconds resolution on the wire.
    public var timestamp: Date?
    public var type: String?
    /// RabbitMQ checks it equals the authenticated user, so a consumer can trust it.
    public var userID: String?
    public var appID: String?

    public init(
        contentType: String? = nil,
        contentEncoding: String? = nil,
        headers: AMQPTable? = nil,
        deliveryMode: DeliveryMode? = nil,
        priority: UInt8? = nil,
        correlationID: String? = nil,
        replyTo: String? = nil,
        expiration: Duration? = nil,
        messageID: String? = nil,
        timestamp: Date? = nil,
        type: String? = nil,
        userID: String? = nil,
        appID: String? = nil
    ) {
        self.contentType = contentType
        self.contentEncoding = contentEncoding
        self.headers = headers
        self.deliveryMode = deliveryMode
        self.priority = priority
        self.correlationID = correlationID
        self.replyTo = replyTo
        self.expiration = expiration
        self.messageID = messageID
        self.timestamp = timestamp
        self.type = type
        self.userID = userID
        self.appID = appID
    }
}
