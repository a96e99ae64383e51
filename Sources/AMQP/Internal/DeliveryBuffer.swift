import Synchronization

/// Hands deliveries from the loop thread to one consumer's async iterator, and checks settlements.
///
/// The broker sends at most `prefetch` unacknowledged deliveries, so the buffer is bounded by the prefetch the
/// consumer asked for. Every delivery carries the generation of the channel that brought it: when that channel is
/// replaced (after a reconnect) its deliveries can no longer be settled, and the broker will deliver them again.
final class DeliveryBuffer: Sendable {
    struct Incoming: Sendable {
        let body: [UInt8]
        let properties: AMQPProperties
        let exchange: String
        let routingKey: String
        let redelivered: Bool
        let deliveryTag: UInt64
    }

    private struct State {
        var queue = FIFO<AMQPDelivery>()
        var waiter: CheckedContinuation<AMQPDelivery?, any Error>?
        var finished = false
        var failure: AMQPError?
        var generation: UInt64 = 0
        /// Delivery tags handed out on the current channel and not yet settled.
        var outstanding: Set<UInt64> = []
        /// Settlements queued since the loop was last woken for them.
        var unsignalled = 0
        /// Counts waits, so that a timeout ends only the wait it was started for.
        var waits: UInt64 = 0
    }

    private let state = Mutex(State())
    let consumerID: Int
    private let inbox: RMQInbox
    /// Acknowledgements worth waking the loop for: a quarter of the prefetch, so the broker never runs short of
    /// credit, and 1 for a prefetch of 1.
    private let ackBatch: Int

    init(consumerID: Int, prefetch: UInt16, inbox: RMQInbox) {
        self.consumerID = consumerID
        self.inbox = inbox
        self.ackBatch = prefetch == 0 ? 64 : max(1, Int(prefetch) / 4)
    }

    // MARK: Loop side

    /// Starts a new channel generation: deliveries of earlier ones are dropped and can no longer be settled.
    func beginGeneration(_ generation: UInt64) {
        state.withLock { state in
            state.generation = generation
            state.outstanding.removeAll()
            _ = state.queue.removeAll()
        }
    }

    /// Hands deliveries read in one turn of the loop to the consumer, waking it at most once. Returns the tags
    /// the consumer no longer wants (it has finished), which the loop must give back to the broker.
    func push(_ batch: [Incoming], generation: UInt64) -> [UInt64] {
        let deliveries = batch.map { AMQPDelivery(incoming: $0, generation: generation, buffer: self) }
        let (accepted, waiter): (Bool, CheckedContinuation<AMQPDelivery?, any Error>?) = state.withLock { state in
            guard !state.finished, generation == state.generation else { return (false, nil) }
            for incoming in batch { state.outstanding.insert(incoming.deliveryTag) }
            var rest = deliveries[...]
            var waiter: CheckedContinuation<AMQPDelivery?, any Error>?
            if state.waiter != nil {
                waiter = state.waiter
                state.waiter = nil
                rest = rest.dropFirst()
            }
            for delivery in rest { state.queue.append(delivery) }
            return (true, waiter)
        }
        guard accepted else { return batch.map(\.deliveryTag) }
        waiter?.resume(returning: deliveries[0])
        return []
    }

    /// Ends the sequence; returns the tags of deliveries that were buffered but never handed out.
    @discardableResult
    func finish(failure: AMQPError?) -> [UInt64] {
        let (waiter, unused): (CheckedContinuation<AMQPDelivery?, any Error>?, [UInt64]) = state.withLock { state in
            guard !state.finished else { return (nil, []) }
            state.finished = true
            state.failure = failure
            let unused = state.queue.removeAll().map(\.deliveryTag)
            state.outstanding.subtract(unused)
            defer { state.waiter = nil }
            return (state.waiter, unused)
        }
        if let failure { waiter?.resume(throwing: failure) } else { waiter?.resume(returning: nil) }
        return unused
    }

    // MARK: Consumer side

    /// The next delivery; `nil` when the sequence has ended or, with a `timeout`, when none arrived in time.
    func next(isolation actor: isolated (any Actor)?, timeout: Duration? = nil) async throws -> AMQPDelivery? {
        enum Immediate {
            case delivery(AMQPDelivery)
            case end
            case failure(AMQPError)
            case wait(flush: Bool)
        }
        let immediate: Immediate = state.withLock { state in
            if let delivery = state.queue.popFirst() { return .delivery(delivery) }
            if state.finished { return state.failure.map { .failure($0) } ?? .end }
            // About to wait. If the acknowledgements held back would leave the broker short of prefetch credit,
            // wake the loop to send them now; a few can wait for its next turn (at most its poll interval).
            let flush = state.unsignalled >= ackBatch
            if flush { state.unsignalled = 0 }
            return .wait(flush: flush)
        }
        switch immediate {
        case .delivery(let delivery): return delivery
        case .end: return nil
        case .failure(let error): throw error
        case .wait(let flush): if flush { inbox.wake() }
        }
        var timer: Task<Void, Never>?
        defer { timer?.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation(isolation: actor) { continuation in
                enum Outcome {
                    case now(Result<AMQPDelivery?, any Error>)
                    case waiting(UInt64)
                }
                let outcome: Outcome = state.withLock { state in
                    if Task.isCancelled { return .now(.failure(CancellationError())) }
                    if let delivery = state.queue.popFirst() { return .now(.success(delivery)) }
                    if state.finished { return .now(state.failure.map { .failure($0) } ?? .success(nil)) }
                    state.waiter = continuation
                    state.waits &+= 1
                    return .waiting(state.waits)
                }
                switch outcome {
                case .now(let result): continuation.resume(with: result)
                case .waiting(let wait): if let timeout { timer = endWait(wait, after: timeout) }
                }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Resumes wait number `wait` with `nil` after `timeout`, unless a delivery, the end or a cancellation resumed
    /// it first: whichever takes the waiter under the lock resumes it, so no delivery is handed to a wait that ended.
    private func endWait(_ wait: UInt64, after timeout: Duration) -> Task<Void, Never> {
        Task {
            try? await Task.sleep(for: timeout)
            guard !Task.isCancelled else { return }
            let waiter = state.withLock { state -> CheckedContinuation<AMQPDelivery?, any Error>? in
                guard state.waits == wait, let waiter = state.waiter else { return nil }
                state.waiter = nil
                return waiter
            }
            waiter?.resume(returning: nil)
        }
    }

    /// Waits for one delivery (at most `timeout`, if given), then takes up to `limit - 1` more that are already
    /// buffered.
    func nextBatch(upTo limit: Int, timeout: Duration? = nil, isolation actor: isolated (any Actor)?) async throws
        -> [AMQPDelivery]
    {
        guard let first = try await next(isolation: actor, timeout: timeout) else { return [] }
        var batch = [first]
        state.withLock { state in
            while batch.count < limit, let delivery = state.queue.popFirst() { batch.append(delivery) }
        }
        return batch
    }

    func settle(_ delivery: AMQPDelivery, _ kind: RMQSettlement.Kind, multiple: Bool) throws(AMQPError) {
        let error: AMQPError? = state.withLock { state in
            guard delivery.generation == state.generation else {
                return AMQPError(.staleDelivery, "the channel of this delivery closed; the broker will redeliver it")
            }
            let tag = delivery.deliveryTag
            guard state.outstanding.contains(tag) else {
                return AMQPError(.alreadySettled, "delivery \(tag) was already settled")
            }
            if multiple {
                state.outstanding = state.outstanding.filter { $0 > tag }
            } else {
                state.outstanding.remove(tag)
            }
            // Submitted under the lock so that settlements reach the loop in the order they were checked. The
            // loop is woken when the consumer waits for more, or once a batch has built up.
            let settlement = RMQSettlement(
                consumerID: consumerID, generation: delivery.generation, deliveryTag: tag, kind: kind,
                multiple: multiple)
            state.unsignalled += 1
            let wake = state.unsignalled >= 2 * ackBatch
            if wake { state.unsignalled = 0 }
            return inbox.submit(.settle(settlement), wake: wake)
        }
        if let error { throw error }
    }
}
