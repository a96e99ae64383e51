/// Work handed from Swift callers to a connection's loop thread.
enum RMQCommand: Sendable {
    case publish([AMQPMessage], CheckedContinuation<[Result<Void, AMQPError>], Never>)
    case operation(RMQOperation, CheckedContinuation<RMQOperationResult, any Error>)
    case consume(RMQConsumeRequest, CheckedContinuation<String, any Error>)
    /// `nil` continuation: nobody waits for the cancel to be done.
    case cancel(consumerID: Int, CheckedContinuation<Void, any Error>?)
    case settle(RMQSettlement)
    /// `nil` when the connection object was released without being closed.
    case close(CheckedContinuation<Void, Never>?)
}

/// A synchronous AMQP method run on the loop's control channel.
enum RMQOperation: Sendable {
    case declare(AMQPTopology)
    case queueState(String)
    case deleteQueue(String)
    case purgeQueue(String)
    case deleteExchange(String)

    /// Whether running it again after a reconnect is harmless.
    var isIdempotent: Bool { true }
}

enum RMQOperationResult: Sendable {
    case done
    case queueState(AMQPQueueState)
    case messageCount(UInt32)
}

struct RMQConsumeRequest: Sendable {
    let consumerID: Int
    let queue: String
    let prefetch: UInt16
    let exclusive: Bool
    let arguments: AMQPTable
    let buffer: DeliveryBuffer
}

/// An acknowledgement, negative acknowledgement or rejection of a delivery.
struct RMQSettlement: Sendable {
    enum Kind: Sendable, Equatable {
        case ack
        case nack(requeue: Bool)
        case reject(requeue: Bool)
    }
    let consumerID: Int
    let generation: UInt64
    let deliveryTag: UInt64
    let kind: Kind
    let multiple: Bool
}
