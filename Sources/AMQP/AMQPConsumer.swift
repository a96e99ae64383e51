/// The deliveries of one `basic.consume`, pulled one at a time.
///
/// The sequence ends (returns `nil`) after ``cancel()``, or throws when the broker cancels the consumer or the
/// connection is closed or lost for good. Across a reconnect it continues: the connection consumes again and the
/// broker redelivers what was not acknowledged.
public struct AMQPConsumer: AsyncSequence, Sendable {
    public typealias Element = AMQPDelivery

    /// The queue this consumer reads.
    public let queue: String
    /// The consumer tag the broker knows it by.
    public let consumerTag: String
    let buffer: DeliveryBuffer
    let inbox: RMQInbox

    public struct AsyncIterator: AsyncIteratorProtocol {
        let buffer: DeliveryBuffer

        public mutating func next() async throws -> AMQPDelivery? { try await buffer.next(isolation: nil) }

        /// Runs in the caller's isolation, so a consumer loop on an actor does not hop executors per delivery.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws -> AMQPDelivery? {
            try await buffer.next(isolation: actor)
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(buffer: buffer) }

    /// Waits for the next delivery and returns it together with up to `limit - 1` more that have already
    /// arrived, so a service can process (and commit) deliveries in batches. Empty when the sequence has ended.
    public func next(upTo limit: Int, isolation actor: isolated (any Actor)? = #isolation) async throws
        -> [AMQPDelivery]
    {
        precondition(limit > 0, "a batch holds at least one delivery")
        return try await buffer.nextBatch(upTo: limit, isolation: actor)
    }

    /// Like ``next(upTo:isolation:)``, but waits at most `timeout` for the first delivery: empty when none arrived
    /// in time or the sequence has ended. A delivery that arrives after the wait ended stays buffered for the next
    /// call. For tools that take what a queue holds until it has been quiet for a while.
    public func next(upTo limit: Int, timeout: Duration, isolation actor: isolated (any Actor)? = #isolation)
        async throws -> [AMQPDelivery]
    {
        precondition(limit > 0, "a batch holds at least one delivery")
        return try await buffer.nextBatch(upTo: limit, timeout: timeout, isolation: actor)
    }

    /// Asks the connection to cancel the consumer, without waiting: the sequence ends once it is done. For
    /// synchronous contexts such as graceful-shutdown handlers; otherwise prefer ``cancel()``.
    public func requestCancel() {
        _ = inbox.submit(.cancel(consumerID: buffer.consumerID, nil))
    }

    /// Stops the broker sending more deliveries. Deliveries already buffered but not yet taken go back to the queue;
    /// deliveries already taken can still be settled.
    public func cancel() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            if let error = inbox.submit(.cancel(consumerID: buffer.consumerID, continuation)) {
                continuation.resume(throwing: error)
            }
        }
    }
}
