import CRabbitMQ
import CRabbitMQShims
import Glibc

/// Owns one librabbitmq connection: the only type that calls librabbitmq.
///
/// - Important: Not thread-safe, and deliberately not `Sendable`: librabbitmq forbids sharing a connection between
///   threads. A handle is created, used and destroyed on its ``RMQLoop``'s thread only. Calls are made only in
///   states where librabbitmq accepts them, because misuse trips `assert`s inside the library that abort the process.
final class RMQConnectionHandle {
    private let state: amqp_connection_state_t
    let arena = RMQArena()

    /// Opens the socket (TCP or TLS) and logs in. Throws `.connection` failures only.
    init(_ configuration: AMQPConfiguration) throws(RMQFailure) {
        guard let state = amqp_new_connection() else {
            throw .connection(AMQPError(.connectionFailed, "librabbitmq could not allocate a connection"))
        }
        self.state = state
        // From here on deinit destroys the state, socket included.
        let socket = try Self.makeSocket(state, configuration)
        var connectTimeout = timeval(configuration.connectTimeout)
        let opened = amqp_socket_open_noblock(
            socket, configuration.host, Int32(configuration.port), &connectTimeout)
        guard opened == AMQP_STATUS_OK.rawValue else {
            throw Self.openFailure(opened, configuration)
        }
        var handshake = timeval(configuration.connectTimeout)
        amqp_set_handshake_timeout(state, &handshake)
        try login(configuration)
        var rpc = timeval(configuration.rpcTimeout)
        amqp_set_rpc_timeout(state, &rpc)
    }

    deinit { amqp_destroy_connection(state) }

    private static func makeSocket(
        _ state: amqp_connection_state_t, _ configuration: AMQPConfiguration
    ) throws(RMQFailure) -> OpaquePointer {
        guard let tls = configuration.tls else {
            guard let socket = amqp_tcp_socket_new(state) else {
                throw .connection(AMQPError(.connectionFailed, "could not create a TCP socket"))
            }
            return socket
        }
        guard let socket = amqp_ssl_socket_new(state) else {
            throw .connection(AMQPError(.tlsFailed, "could not create a TLS socket"))
        }
        amqp_ssl_socket_set_verify_peer(socket, tls.verifyPeer ? 1 : 0)
        amqp_ssl_socket_set_verify_hostname(socket, tls.verifyPeer ? 1 : 0)
        if let caFile = tls.caFile, amqp_ssl_socket_set_cacert(socket, caFile) != AMQP_STATUS_OK.rawValue {
            throw .connection(AMQPError(.tlsFailed, "could not load the CA file"))
        }
        if let certificate = tls.certificateFile, let key = tls.keyFile,
            amqp_ssl_socket_set_key(socket, certificate, key) != AMQP_STATUS_OK.rawValue
        {
            throw .connection(AMQPError(.tlsFailed, "could not load the client certificate or key"))
        }
        return socket
    }

    private static func openFailure(_ status: Int32, _ configuration: AMQPConfiguration) -> RMQFailure {
        let endpoint = "\(configuration.host):\(configuration.port)"
        let failure = RMQFailure.status(status, "cannot connect to \(endpoint)")
        if status == AMQP_STATUS_TIMEOUT.rawValue {
            return .connection(
                AMQPError(
                    .connectionFailed, "no answer from \(endpoint) within \(configuration.connectTimeout)",
                    libraryStatus: status))
        }
        if failure.error.code == .tlsFailed { return failure }
        // librabbitmq reports refused and unreachable alike, and the system's errno is gone by now.
        let hint =
            status == AMQP_STATUS_SOCKET_ERROR.rawValue ? " (refused or unreachable: is the broker running?)" : ""
        return .connection(AMQPError(.connectionFailed, failure.error.reason + hint, libraryStatus: status))
    }

    private func login(_ configuration: AMQPConfiguration) throws(RMQFailure) {
        defer { arena.reset() }
        var properties: AMQPTable = [
            "product": "tact",
            "capabilities": .table([
                "authentication_failure_close": true,
                "consumer_cancel_notify": true, "publisher_confirms": true, "basic.nack": true,
                "connection.blocked": true,
            ]),
        ]
        if let name = configuration.connectionName { properties["connection_name"] = .string(name) }
        var table = arena.table(properties)
        let reply = crmq_login_plain_with_properties(
            state, configuration.virtualHost, 0, Int32(configuration.frameMax),
            Int32(configuration.heartbeat.seconds), &table, configuration.username, configuration.password)
        if let failure = RMQFailure.reply(reply, channel: 0, "login to virtual host '\(configuration.virtualHost)'") {
            sendConnectionCloseOKIfNeeded(failure)
            switch failure.error.code {
            case .connectionLost:
                // RabbitMQ drops the socket without a reason when the handshake fails in some ways.
                throw .connection(
                    AMQPError(
                        .connectionFailed, failure.error.reason,
                        libraryStatus: failure.error.libraryStatus))
            default: throw failure
            }
        }
    }

    /// Answers a broker's connection.close, so the broker logs a clean close rather than a dropped socket.
    func sendConnectionCloseOKIfNeeded(_ failure: RMQFailure) {
        guard case .connection(let error) = failure, error.replyCode != nil else { return }
        var ok = amqp_connection_close_ok_t()
        _ = amqp_send_method(state, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok)
    }

    var socketFD: Int32 { amqp_get_sockfd(state) }

    /// Whether librabbitmq holds frames or bytes already read, which `poll` on the socket would not show.
    var hasBufferedInput: Bool { amqp_frames_enqueued(state) != 0 || amqp_data_in_buffer(state) != 0 }

    // MARK: Synchronous methods

    private func check(_ channel: UInt16, _ what: @autoclosure () -> String) throws(RMQFailure) {
        let reply = amqp_get_rpc_reply(state)
        if let failure = RMQFailure.reply(reply, channel: channel, what()) { throw failure }
    }

    func openChannel(_ channel: UInt16) throws(RMQFailure) {
        _ = amqp_channel_open(state, channel)
        try check(channel, "open channel \(channel)")
    }

    func selectConfirms(_ channel: UInt16) throws(RMQFailure) {
        _ = amqp_confirm_select(state, channel)
        try check(channel, "confirm.select")
    }

    /// Acknowledges a broker-initiated channel.close so the channel number can be opened again.
    func acknowledgeChannelClose(_ channel: UInt16) throws(RMQFailure) {
        var ok = amqp_channel_close_ok_t()
        let status = amqp_send_method(state, channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok)
        guard status == AMQP_STATUS_OK.rawValue else { throw RMQFailure.status(status, "channel.close-ok") }
    }

    func declare(_ topology: AMQPTopology, channel: UInt16) throws(RMQFailure) {
        defer { arena.reset() }
        for exchange in topology.exchanges {
            _ = amqp_exchange_declare(
                state, channel, arena.bytes(exchange.name), arena.bytes(exchange.type.name), 0,
                exchange.durable ? 1 : 0, exchange.autoDelete ? 1 : 0, exchange.internal ? 1 : 0,
                arena.table(exchange.arguments))
            try check(channel, "declare exchange '\(exchange.name)'")
        }
        for queue in topology.queues {
            _ = amqp_queue_declare(
                state, channel, arena.bytes(queue.name), 0, queue.durable ? 1 : 0, queue.exclusive ? 1 : 0,
                queue.autoDelete ? 1 : 0, arena.table(queue.arguments))
            try check(channel, "declare queue '\(queue.name)'")
        }
        for binding in topology.bindings {
            _ = amqp_queue_bind(
                state, channel, arena.bytes(binding.queue), arena.bytes(binding.exchange),
                arena.bytes(binding.routingKey), arena.table(binding.arguments))
            try check(channel, "bind queue '\(binding.queue)' to '\(binding.exchange)'")
        }
    }

    func queueState(_ name: String, channel: UInt16) throws(RMQFailure) -> AMQPQueueState {
        defer { arena.reset() }
        let ok = amqp_queue_declare(state, channel, arena.bytes(name), 1, 0, 0, 0, amqp_empty_table)
        try check(channel, "inspect queue '\(name)'")
        guard let ok else { throw .connection(AMQPError(.protocolError, "queue.declare-ok missing")) }
        return AMQPQueueState(messageCount: ok.pointee.message_count, consumerCount: ok.pointee.consumer_count)
    }

    func deleteQueue(_ name: String, channel: UInt16) throws(RMQFailure) -> UInt32 {
        defer { arena.reset() }
        let ok = amqp_queue_delete(state, channel, arena.bytes(name), 0, 0)
        try check(channel, "delete queue '\(name)'")
        return ok?.pointee.message_count ?? 0
    }

    func purgeQueue(_ name: String, channel: UInt16) throws(RMQFailure) -> UInt32 {
        defer { arena.reset() }
        let ok = amqp_queue_purge(state, channel, arena.bytes(name))
        try check(channel, "purge queue '\(name)'")
        return ok?.pointee.message_count ?? 0
    }

    func deleteExchange(_ name: String, channel: UInt16) throws(RMQFailure) {
        defer { arena.reset() }
        _ = amqp_exchange_delete(state, channel, arena.bytes(name), 0)
        try check(channel, "delete exchange '\(name)'")
    }

    func consume(
        _ queue: String, tag: String, prefetch: UInt16, exclusive: Bool, arguments: AMQPTable, channel: UInt16
    ) throws(RMQFailure) {
        defer { arena.reset() }
        _ = amqp_basic_qos(state, channel, 0, prefetch, 0)
        try check(channel, "basic.qos")
        _ = amqp_basic_consume(
            state, channel, arena.bytes(queue), arena.bytes(tag), 0, 0, exclusive ? 1 : 0, arena.table(arguments))
        try check(channel, "consume from queue '\(queue)'")
    }

    func cancel(tag: String, channel: UInt16) throws(RMQFailure) {
        defer { arena.reset() }
        _ = amqp_basic_cancel(state, channel, arena.bytes(tag))
        try check(channel, "basic.cancel")
    }

    /// Sends connection.close and waits for close-ok (bounded by the RPC timeout).
    func close() {
        _ = amqp_connection_close(state, AMQP_REPLY_SUCCESS)
    }

    // MARK: Asynchronous methods

    func publish(_ message: AMQPMessage, channel: UInt16) throws(RMQFailure) {
        defer { arena.reset() }
        var properties = arena.properties(message.properties)
        let exchange = arena.bytes(message.exchange)
        let routingKey = arena.bytes(message.routingKey)
        let status = message.body.withUnsafeBytes { body in
            amqp_basic_publish(
                state, channel, exchange, routingKey, message.mandatory ? 1 : 0, 0, &properties,
                amqp_bytes_t(len: body.count, bytes: UnsafeMutableRawPointer(mutating: body.baseAddress)))
        }
        guard status == AMQP_STATUS_OK.rawValue else { throw RMQFailure.status(status, "basic.publish") }
    }

    func settle(_ frame: SettlementTracker.Frame, channel: UInt16) throws(RMQFailure) {
        let status: Int32
        switch frame.kind {
        case .ack:
            status = amqp_basic_ack(state, channel, frame.deliveryTag, frame.multiple ? 1 : 0)
        case .nack(let requeue):
            status = amqp_basic_nack(state, channel, frame.deliveryTag, frame.multiple ? 1 : 0, requeue ? 1 : 0)
        case .reject(let requeue):
            status = amqp_basic_reject(state, channel, frame.deliveryTag, requeue ? 1 : 0)
        }
        guard status == AMQP_STATUS_OK.rawValue else { throw RMQFailure.status(status, "settle a delivery") }
    }

    // MARK: Frames

    /// Reads one frame without blocking; `nil` when none is ready. Also sends a heartbeat when one is due.
    func nextFrame() throws(RMQFailure) -> amqp_frame_t? {
        var frame = amqp_frame_t()
        var immediately = timeval(tv_sec: 0, tv_usec: 0)
        let status = amqp_simple_wait_frame_noblock(state, &frame, &immediately)
        if status == AMQP_STATUS_TIMEOUT.rawValue { return nil }
        guard status == AMQP_STATUS_OK.rawValue else { throw RMQFailure.status(status, "read from the broker") }
        return frame
    }

    /// Reads the header and body frames that follow a basic.deliver or basic.return on `channel`.
    func readContent(channel: UInt16) throws(RMQFailure) -> (AMQPProperties, [UInt8]) {
        var message = amqp_message_t()
        let reply = amqp_read_message(state, channel, &message, 0)
        if let failure = RMQFailure.reply(reply, channel: channel, "read message content") { throw failure }
        defer { amqp_destroy_message(&message) }
        return (AMQPProperties(message.properties), [UInt8](amqp: message.body))
    }

    /// Frees frame memory of `channel` once nothing refers to it any more.
    func releaseBuffers(channel: UInt16) {
        amqp_maybe_release_buffers_on_channel(state, channel)
    }
}

extension timeval {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.init(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
    }
}
