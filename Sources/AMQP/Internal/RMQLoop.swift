import CRabbitMQ
import CRabbitMQShims
import Foundation
import Glibc
import Logging

/// The event loop of one AMQP connection, running on a thread of its own.
///
/// Every librabbitmq call of the connection happens on this thread, which satisfies librabbitmq's rule that a
/// connection is never used by two threads and keeps blocking socket calls off Swift's cooperative pool. Callers
/// talk to the loop through ``RMQInbox`` commands and continuations. Each turn the loop runs the queued commands,
/// sends publishes up to the confirm window, reads every frame that has arrived, and then sleeps in `poll` on the
/// socket and the inbox's pipe.
///
/// Channels: 1 carries synchronous methods (declarations), 2 publishes in confirm mode, and each consumer has its own
/// channel from 3 up, so that a broker error on one (a missing exchange, an unknown queue) does not stop the others.
final class RMQLoop {
    static let controlChannel: UInt16 = 1
    static let publishChannel: UInt16 = 2
    static let firstConsumerChannel: UInt16 = 3

    /// A synchronous method waiting for its turn or for a connection.
    struct PendingOperation {
        let operation: RMQOperation
        let continuation: CheckedContinuation<RMQOperationResult, any Error>
        var attempts = 0
    }

    /// One `basic.consume`, kept so that it can be renewed after a reconnect.
    final class Consumer {
        let request: RMQConsumeRequest
        let channel: UInt16
        var tag: String { "amqp-consumer-\(request.consumerID)" }
        var active = false
        var cancelled = false
        var generation: UInt64 = 0
        /// What the broker delivered and was not yet settled on this channel.
        var tracker = SettlementTracker()
        /// Deliveries read this turn, handed to the consumer together at the end of the turn.
        var arrived: [DeliveryBuffer.Incoming] = []
        /// Resumed with the consumer tag once the first `basic.consume-ok` arrives.
        var pendingStart: CheckedContinuation<String, any Error>?

        init(_ request: RMQConsumeRequest, channel: UInt16, start: CheckedContinuation<String, any Error>) {
            self.request = request
            self.channel = channel
            self.pendingStart = start
        }
    }

    let configuration: AMQPConfiguration
    let inbox: RMQInbox
    let status: RMQStatus
    var logger: Logger

    var handle: RMQConnectionHandle?
    var publishes = PublishPipeline()
    var operations = FIFO<PendingOperation>()
    var consumers: [Int: Consumer] = [:]
    var consumerChannels: [UInt16: Int] = [:]
    var topologies: [AMQPTopology] = []
    private var lastGeneration: UInt64 = 0
    var closeWaiters: [CheckedContinuation<Void, Never>] = []
    var closeDeadline: ContinuousClock.Instant?
    var stopped = false
    private var failedAttempts = 0
    /// Which of the configuration's endpoints to try first (modulo their count).
    private var endpointIndex = 0
    /// Set when a read stopped early with frames possibly left in a TLS buffer that `poll` cannot see.
    var inputMayBePending = false

    init(configuration: AMQPConfiguration, inbox: RMQInbox, status: RMQStatus, logger: Logger) {
        self.configuration = configuration
        self.inbox = inbox
        self.status = status
        self.logger = logger
        self.logger[metadataKey: "amqp.endpoint"] = "\(configuration.host):\(configuration.port)"
        if let name = configuration.connectionName { self.logger[metadataKey: "amqp.connection"] = "\(name)" }
    }

    /// Starts a loop on a new thread; returns once the first connection attempt succeeded, or throws its error.
    static func start(
        configuration: AMQPConfiguration, inbox: RMQInbox, status: RMQStatus, logger: Logger
    ) async throws {
        try await withCheckedThrowingContinuation { (started: CheckedContinuation<Void, any Error>) in
            let thread = Thread {
                RMQLoop(configuration: configuration, inbox: inbox, status: status, logger: logger).run(started)
            }
            thread.name = "amqp-\(configuration.connectionName ?? configuration.host)"
            thread.start()
        }
    }

    private func run(_ started: CheckedContinuation<Void, any Error>) {
        do throws(RMQFailure) {
            try connect()
        } catch {
            for command in inbox.close(with: error.error) { fail(command, error.error) }
            started.resume(throwing: error.error)
            return
        }
        started.resume()
        while !stopped {
            if handle != nil { turn() } else { reconnect() }
        }
    }

    /// One pass of the connected loop.
    private func turn() {
        execute(inbox.drain())
        sendPublishes()
        readFrames()
        if closeDeadline != nil, publishes.isIdle || ContinuousClock.now >= closeDeadline! {
            finishClose()
            return
        }
        waitForActivity()
    }

    func nextGeneration() -> UInt64 {
        lastGeneration += 1
        return lastGeneration
    }

    // MARK: Connecting

    /// Connects to the first node that answers, from the one after the node last lost.
    private func connect() throws(RMQFailure) {
        let endpoints = configuration.endpoints
        var failure: RMQFailure?
        for offset in 0..<endpoints.count {
            let index = (endpointIndex + offset) % endpoints.count
            var target = configuration
            target.host = endpoints[index].host
            target.port = endpoints[index].port
            do throws(RMQFailure) {
                try connect(to: target)
                endpointIndex = index
                logger[metadataKey: "amqp.endpoint"] = "\(target.host):\(target.port)"
                return
            } catch {
                if endpoints.count > 1 {
                    logger.info(
                        "Node not reachable",
                        metadata: ["amqp.node": "\(target.host):\(target.port)", "amqp.error": "\(error.error)"])
                }
                failure = error
            }
        }
        throw failure!
    }

    private func connect(to configuration: AMQPConfiguration) throws(RMQFailure) {
        let handle = try RMQConnectionHandle(configuration)
        try handle.openChannel(Self.controlChannel)
        try handle.openChannel(Self.publishChannel)
        try handle.selectConfirms(Self.publishChannel)
        for topology in topologies {
            do throws(RMQFailure) {
                try handle.declare(topology, channel: Self.controlChannel)
            } catch .channel(let channel, let error) {
                logger.info("Re-declaring topology failed", metadata: ["amqp.error": "\(error)"])
                try handle.acknowledgeChannelClose(channel)
                try handle.openChannel(channel)
            }
        }
        self.handle = handle
        for consumer in consumers.values where !consumer.cancelled {
            startConsumer(consumer)
            guard self.handle != nil else { throw .connection(AMQPError(.connectionLost, "lost while consuming")) }
        }
        status.setConnected(true)
        for operation in operations.removeAll() { run(operation) }
    }

    private func reconnect() {
        guard configuration.reconnect.allowsAttempt(after: failedAttempts) else {
            let error = AMQPError(.connectionLost, "gave up reconnecting after \(failedAttempts) attempts")
            shutDown(error, consumerFailure: error)
            return
        }
        let delay = configuration.reconnect.delay(forAttempt: failedAttempts, unitRandom: .random(in: 0..<1))
        let deadline = ContinuousClock.now + delay
        while !stopped && ContinuousClock.now < deadline {
            if inbox.prepareToSleep() { sleep(until: deadline, socket: nil) }
            execute(inbox.drain())
            if closeDeadline != nil { finishClose() }
        }
        guard !stopped else { return }
        do throws(RMQFailure) {
            try connect()
            logger.info("Reconnected", metadata: ["amqp.attempts": "\(failedAttempts + 1)"])
            failedAttempts = 0
            status.recordReconnect()
        } catch {
            failedAttempts += 1
            handle = nil
            logger.info("Reconnect attempt failed", metadata: ["amqp.error": "\(error.error)"])
        }
    }

    /// Drops the connection after a failure; what was in flight is kept for the next connection.
    func connectionLost(_ error: AMQPError) {
        guard handle != nil else { return }
        handle = nil
        // The node may be gone: the next attempt starts with the one after it.
        endpointIndex += 1
        status.setConnected(false)
        logger.info("Connection lost", metadata: ["amqp.error": "\(error)"])
        publishes.connectionLost()
        for consumer in consumers.values {
            consumer.active = false
            consumer.generation = nextGeneration()
            consumer.request.buffer.beginGeneration(consumer.generation)
            consumer.tracker.reset()
            consumer.arrived.removeAll()
        }
        if closeDeadline != nil { finishClose() }
    }

    // MARK: Closing

    /// Graceful close: sent publishes get their confirms (bounded by the RPC timeout), then the connection closes.
    func finishClose() {
        if handle != nil {
            for consumer in consumers.values where consumer.active && !consumer.cancelled {
                _ = attempt { handle throws(RMQFailure) in
                    try handle.cancel(tag: consumer.tag, channel: consumer.channel)
                }
            }
            self.handle?.close()
            self.handle = nil
        }
        // Consumers end normally: closing was asked for.
        shutDown(AMQPError(.connectionClosed, "the connection was closed"), consumerFailure: nil)
        logger.debug("Connection closed")
    }

    /// Stops the loop for good and fails everything that is still waiting with `error`.
    private func shutDown(_ error: AMQPError, consumerFailure: AMQPError?) {
        handle = nil
        stopped = true
        status.setConnected(false)
        publishes.failAll(error)
        for operation in operations.removeAll() { operation.continuation.resume(throwing: error) }
        for consumer in consumers.values {
            consumer.pendingStart?.resume(throwing: error)
            consumer.request.buffer.finish(failure: consumerFailure)
        }
        consumers.removeAll()
        for command in inbox.close(with: error) { fail(command, error) }
        for waiter in closeWaiters { waiter.resume() }
        closeWaiters.removeAll()
    }

    func fail(_ command: RMQCommand, _ error: AMQPError) {
        switch command {
        case .publish(let messages, let continuation):
            continuation.resume(returning: messages.map { _ in .failure(error) })
        case .operation(_, let continuation): continuation.resume(throwing: error)
        case .consume(let request, let continuation):
            request.buffer.finish(failure: error)
            continuation.resume(throwing: error)
        case .cancel(_, let continuation): continuation?.resume()
        case .settle: break
        case .close(let continuation): continuation?.resume()
        }
    }

    // MARK: Waiting

    /// Longest sleep: short enough to send heartbeats in time and, with consumers, to bound how long an
    /// acknowledgement queued without waking the loop can wait.
    private var pollInterval: Duration {
        let heartbeat = configuration.heartbeat
        let limit: Duration = consumers.isEmpty ? .seconds(1) : .milliseconds(20)
        guard heartbeat > .zero else { return limit }
        return min(limit, max(.milliseconds(20), heartbeat / 4))
    }

    private func waitForActivity() {
        guard let handle else { return }
        if handle.hasBufferedInput || inputMayBePending { return }
        if publishes.hasOutgoing && publishes.unconfirmedCount < configuration.maxUnconfirmedPublishes { return }
        guard inbox.prepareToSleep() else { return }
        var deadline = ContinuousClock.now + pollInterval
        if let closeDeadline { deadline = min(deadline, closeDeadline) }
        sleep(until: deadline, socket: handle.socketFD)
    }

    /// Waits in `poll` until the inbox is woken, the socket is readable, or `deadline` passes.
    private func sleep(until deadline: ContinuousClock.Instant, socket: Int32?) {
        let remaining = ContinuousClock.now.duration(to: deadline)
        let timeout = Int32(clamping: max(0, remaining.milliseconds + 1))
        var fds = [pollfd(fd: inbox.wakeFD, events: Int16(POLLIN), revents: 0)]
        if let socket, socket >= 0 { fds.append(pollfd(fd: socket, events: Int16(POLLIN), revents: 0)) }
        _ = poll(&fds, nfds_t(fds.count), timeout)
        if fds[0].revents != 0 { inbox.clearWake() }
    }
}
