/// A message to publish: where it goes, its body and its properties.
public struct AMQPMessage: Sendable, Hashable {
    /// Exchange name; `""` is the default exchange, which routes by queue name.
    public var exchange: String
    public var routingKey: String
    public var body: [UInt8]
    public var properties: AMQPProperties
    /// When `true`, a message no queue receives is returned and its publish fails with
    /// ``AMQPError/Code/unroutable`` instead of being dropped by the broker.
    public var mandatory: Bool

    public init(
        exchange: String = "",
        routingKey: String,
        body: [UInt8],
        properties: AMQPProperties = AMQPProperties(),
        mandatory: Bool = false
    ) {
        self.exchange = exchange
        self.routingKey = routingKey
        self.body = body
        self.properties = properties
        self.mandatory = mandatory
    }
}
