/// Publishes waiting to be sent and publishes waiting for the broker's confirm, on one confirm-mode channel.
///
/// Pure bookkeeping, no I/O: the loop sends what ``nextToSend(window:)`` yields and feeds back what the broker
/// answered. Confirms carry the channel's publish sequence number (1, 2, 3, … since `confirm.select`), so the
/// unconfirmed publishes form a run of consecutive tags and a tag finds its entry by offset.
struct PublishPipeline {
    /// The caller's batch: resumed once every message in it has an outcome.
    final class Batch {
        let messages: [AMQPMessage]
        private var results: [Result<Void, AMQPError>?]
        private var remaining: Int
        private let continuation: CheckedContinuation<[Result<Void, AMQPError>], Never>

        init(_ messages: [AMQPMessage], continuation: CheckedContinuation<[Result<Void, AMQPError>], Never>) {
            self.messages = messages
            self.results = Array(repeating: nil, count: messages.count)
            self.remaining = messages.count
            self.continuation = continuation
            if messages.isEmpty { continuation.resume(returning: []) }
        }

        func complete(_ index: Int, _ result: Result<Void, AMQPError>) {
            guard results[index] == nil else { return }
            results[index] = result
            remaining -= 1
            if remaining == 0 { continuation.resume(returning: results.map { $0! }) }
        }
    }

    struct Entry {
        let batch: Batch
        let index: Int
        var message: AMQPMessage { batch.messages[index] }
        /// Set when the broker returned the message; the confirm that follows then fails the publish.
        var returned: AMQPError?
        var settled = false
    }

    private var outgoing = FIFO<Entry>()
    private var unconfirmed = FIFO<Entry>()
    /// Sequence number of the first entry in `unconfirmed`.
    private var firstTag: UInt64 = 1

    var isIdle: Bool { outgoing.isEmpty && unconfirmed.isEmpty }
    var unconfirmedCount: Int { unconfirmed.count }
    var hasOutgoing: Bool { !outgoing.isEmpty }

    mutating func enqueue(_ batch: Batch) {
        for index in batch.messages.indices { outgoing.append(Entry(batch: batch, index: index)) }
    }

    /// The next message to send, if fewer than `window` are unconfirmed. The caller must then call
    /// ``sent(_:)`` or ``failedToSend(_:_:)``.
    mutating func nextToSend(window: Int) -> Entry? {
        guard unconfirmed.count < window else { return nil }
        return outgoing.popFirst()
    }

    mutating func sent(_ entry: Entry) { unconfirmed.append(entry) }

    /// Takes back the message just passed to ``sent(_:)``: librabbitmq refused to encode it (e.g. headers too
    /// large), so it is failed rather than retried.
    mutating func unsend(_ error: AMQPError) {
        guard let entry = unconfirmed.removeLast() else { return }
        entry.batch.complete(entry.index, .failure(error))
    }

    /// `basic.ack` / `basic.nack` for `tag`, or for every tag up to it when `multiple`.
    mutating func confirm(tag: UInt64, multiple: Bool, positive: Bool) {
        guard tag >= firstTag else { return }
        let upper = Int(tag - firstTag)
        let range = multiple ? 0...upper : upper...upper
        for offset in range where offset < unconfirmed.count && !unconfirmed[offset].settled {
            let entry = unconfirmed[offset]
            unconfirmed[offset].settled = true
            let result: Result<Void, AMQPError>
            if let returned = entry.returned {
                result = .failure(returned)
            } else if positive {
                result = .success(())
            } else {
                result = .failure(AMQPError(.publishNacked, "the broker could not take responsibility for the message"))
            }
            entry.batch.complete(entry.index, result)
        }
        while let first = unconfirmed.first, first.settled {
            _ = unconfirmed.popFirst()
            firstTag += 1
        }
    }

    /// `basic.return`: marks the earliest unconfirmed mandatory publish with the same destination.
    ///
    /// Returns carry no sequence number. The broker routes a channel's publishes in order and sends the return
    /// before the confirm, so the earliest matching unconfirmed publish not yet marked is the returned one.
    mutating func returned(exchange: String, routingKey: String, messageID: String?, error: AMQPError) {
        for offset in 0..<unconfirmed.count {
            let entry = unconfirmed[offset]
            guard !entry.settled, entry.returned == nil, entry.message.mandatory,
                entry.message.exchange == exchange, entry.message.routingKey == routingKey,
                messageID == nil || entry.message.properties.messageID == messageID
            else { continue }
            unconfirmed[offset].returned = error
            return
        }
    }

    /// The broker closed the channel: no confirm will come for what was unconfirmed, so each of those fails.
    /// Messages not yet sent stay queued for the reopened channel.
    mutating func channelClosed(_ error: AMQPError) {
        for entry in unconfirmed.removeAll() where !entry.settled {
            entry.batch.complete(entry.index, .failure(error))
        }
        firstTag = 1
    }

    /// The connection was lost: whether the broker took the unconfirmed messages is unknown, so they are sent
    /// again first after reconnecting (at least once; consumers deduplicate by message id).
    mutating func connectionLost() {
        outgoing.prepend(contentsOf: unconfirmed.removeAll().filter { !$0.settled })
        firstTag = 1
    }

    /// Fails everything, sent or not (the connection is closed or given up).
    mutating func failAll(_ error: AMQPError) {
        for entry in unconfirmed.removeAll() + outgoing.removeAll() where !entry.settled {
            entry.batch.complete(entry.index, .failure(error))
        }
        firstTag = 1
    }
}
