import Logging
import Synchronization

/// A connection to a RabbitMQ broker: declare topology, publish with confirms, consume.
///
/// Every method may be called from any task. The librabbitmq connection underneath lives on a thread of its own
/// (see ``RMQLoop``), so blocking socket calls never occupy Swift's cooperative thread pool.
///
/// After the connection is lost the client reconnects by itself, with the backoff of
/// ``AMQPConfiguration/reconnect``: it declares again every topology it was given, resumes every consumer and sends
/// again every publish the broker had not confirmed. Publishes made meanwhile wait for the new connection.
///
/// - Important: Call ``close()`` when done. Releasing the last reference also closes the connection, but without
///   waiting for outstanding confirms.
public final class AMQPConnection: Sendable {
    /// The configuration the connection was opened with.
    public let configuration: AMQPConfiguration
    private let inbox: RMQInbox
    private let status: RMQStatus
    private let consumerIDs = Atomic<Int>(0)

    private init(configuration: AMQPConfiguration, inbox: RMQInbox, status: RMQStatus) {
        self.configuration = configuration
        self.inbox = inbox
        self.status = status
    }

    deinit { _ = inbox.submit(.close(nil)) }

    /// Connects and logs in, trying once within ``AMQPConfiguration/connectTimeout``.
    ///
    /// - Throws: An ``AMQPError``: ``AMQPError/Code/connectionFailed`` (nothing answered, unknown host),
    ///   ``AMQPError/Code/authenticationFailed``, ``AMQPError/Code/connectionClosedByServer`` (e.g. unknown virtual
    ///   host), ``AMQPError/Code/tlsFailed`` or ``AMQPError/Code/invalidConfiguration``.
    public static func connect(
        _ configuration: AMQPConfiguration, logger: Logger = Logger(label: "amqp")
    ) async throws -> AMQPConnection {
        try configuration.validate()
        let inbox = RMQInbox()
        let status = RMQStatus()
        try await RMQLoop.start(configuration: configuration, inbox: inbox, status: status, logger: logger)
        return AMQPConnection(configuration: configuration, inbox: inbox, status: status)
    }

    /// Whether the connection is up at this moment (it may be reconnecting).
    public var isConnected: Bool { status.isConnected }

    /// How many times the connection was re-established after being lost.
    public var reconnectCount: Int { status.reconnectCount }

    // MARK: Topology

    /// Declares exchanges, queues and bindings, and remembers them to declare again after a reconnect.
    ///
    /// - Throws: An ``AMQPError``; ``AMQPError/Code/channelClosedByServer`` with reply code 406 when an existing
    ///   queue or exchange has different settings.
    public func declare(_ topology: AMQPTopology) async throws {
        try topology.validate()
        _ = try await perform(.declare(topology))
    }

    /// Counts of a queue, by passive declaration. Throws with reply code 404 when the queue does not exist.
    public func queueState(_ queue: String) async throws -> AMQPQueueState {
        guard case .queueState(let state) = try await perform(.queueState(queue)) else {
            throw AMQPError(.protocolError, "queue.declare-ok missing")
        }
        return state
    }

    /// Deletes a queue; returns how many messages it held.
    @discardableResult
    public func deleteQueue(_ queue: String) async throws -> UInt32 {
        guard case .messageCount(let count) = try await perform(.deleteQueue(queue)) else { return 0 }
        return count
    }

    /// Removes every ready message from a queue; returns how many.
    @discardableResult
    public func purgeQueue(_ queue: String) async throws -> UInt32 {
        guard case .messageCount(let count) = try await perform(.purgeQueue(queue)) else { return 0 }
        return count
    }

    /// Deletes an exchange.
    public func deleteExchange(_ exchange: String) async throws {
        _ = try await perform(.deleteExchange(exchange))
    }

    private func perform(_ operation: RMQOperation) async throws -> RMQOperationResult {
        try await withCheckedThrowingContinuation { continuation in
            if let error = inbox.submit(.operation(operation, continuation)) { continuation.resume(throwing: error) }
        }
    }

    // MARK: Publishing

    /// Publishes one message and returns when the broker has confirmed it.
    ///
    /// - Throws: An ``AMQPError``: ``AMQPError/Code/publishNacked``, ``AMQPError/Code/unroutable`` (mandatory
    ///   message without a queue), ``AMQPError/Code/channelClosedByServer`` (e.g. 404 for a missing exchange), or
    ///   ``AMQPError/Code/connectionClosed`` / ``AMQPError/Code/connectionLost``.
    public func publish(_ message: AMQPMessage) async throws {
        try await publish([message])[0].get()
    }

    /// Publishes messages back to back, without waiting for each confirm, and returns every outcome in order.
    ///
    /// This is the fast path: up to ``AMQPConfiguration/maxUnconfirmedPublishes`` messages are on the wire at once.
    public func publish(_ messages: [AMQPMessage]) async -> [Result<Void, AMQPError>] {
        await withCheckedContinuation { continuation in
            if let error = inbox.submit(.publish(messages, continuation)) {
                continuation.resume(returning: messages.map { _ in .failure(error) })
            }
        }
    }

    // MARK: Consuming

    /// Starts consuming from a queue with manual acknowledgement.
    ///
    /// - Parameters:
    ///   - queue: The queue to read.
    ///   - prefetch: Most unacknowledged deliveries the broker sends at once (`basic.qos`); 0 means no limit.
    ///   - exclusive: Ask to be the queue's only consumer.
    ///   - arguments: `basic.consume` arguments, e.g. `x-priority`.
    /// - Throws: An ``AMQPError``, with reply code 404 when the queue does not exist.
    public func consume(
        queue: String, prefetch: UInt16 = 100, exclusive: Bool = false, arguments: AMQPTable = [:]
    ) async throws -> AMQPConsumer {
        let id = consumerIDs.wrappingAdd(1, ordering: .relaxed).newValue
        let buffer = DeliveryBuffer(consumerID: id, prefetch: prefetch, inbox: inbox)
        let request = RMQConsumeRequest(
            consumerID: id, queue: queue, prefetch: prefetch, exclusive: exclusive, arguments: arguments,
            buffer: buffer)
        let tag = try await withCheckedThrowingContinuation { continuation in
            if let error = inbox.submit(.consume(request, continuation)) { continuation.resume(throwing: error) }
        }
        return AMQPConsumer(queue: queue, consumerTag: tag, buffer: buffer, inbox: inbox)
    }

    // MARK: Closing

    /// Waits for the confirms of messages already sent (at most ``AMQPConfiguration/rpcTimeout``), cancels the
    /// consumers and closes the connection. Publishes still unconfirmed then fail with
    /// ``AMQPError/Code/connectionClosed``; consumer sequences end. Calling it again does nothing.
    public func close() async {
        await withCheckedContinuation { continuation in
            if inbox.submit(.close(continuation)) != nil { continuation.resume() }
        }
    }
}
