/// A message received by an ``AMQPConsumer``.
///
/// Settle every delivery exactly once with ``ack(multiple:)``, ``nack(multiple:requeue:)`` or ``reject(requeue:)``;
/// until then it counts against the consumer's prefetch.
public struct AMQPDelivery: Sendable {
    public let body: [UInt8]
    public let properties: AMQPProperties
    public let exchange: String
    public let routingKey: String
    /// The broker delivered this message before and it was not acknowledged.
    public let redelivered: Bool
    public let deliveryTag: UInt64
    let generation: UInt64
    private let buffer: DeliveryBuffer

    init(incoming: DeliveryBuffer.Incoming, generation: UInt64, buffer: DeliveryBuffer) {
        body = incoming.body
        properties = incoming.properties
        exchange = incoming.exchange
        routingKey = incoming.routingKey
        redelivered = incoming.redelivered
        deliveryTag = incoming.deliveryTag
        self.generation = generation
        self.buffer = buffer
    }

    /// Acknowledges this delivery, or with `multiple` every unsettled one up to it.
    ///
    /// Returns once the acknowledgement is queued for the connection's thread; it does not wait for the network.
    /// - Throws: An ``AMQPError`` with ``AMQPError/Code/alreadySettled`` or ``AMQPError/Code/staleDelivery``
    ///   (the channel closed in between; the broker redelivers the message).
    public func ack(multiple: Bool = false) throws(AMQPError) {
        try buffer.settle(self, .ack, multiple: multiple)
    }

    /// Rejects this delivery (or every unsettled one up to it); with `requeue: false` it is dead-lettered or dropped.
    public func nack(multiple: Bool = false, requeue: Bool) throws(AMQPError) {
        try buffer.settle(self, .nack(requeue: requeue), multiple: multiple)
    }

    /// Rejects this one delivery (`basic.reject`).
    public func reject(requeue: Bool) throws(AMQPError) {
        try buffer.settle(self, .reject(requeue: requeue), multiple: false)
    }
}
