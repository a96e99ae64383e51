/// The deliveries of one consumer channel that the broker has not yet been told about, and the fewest
/// `basic.ack`/`nack`/`reject` frames that tell it.
///
/// Pure bookkeeping, no I/O. A channel numbers its deliveries 1, 2, 3, …, so the unsettled ones form a run of
/// consecutive tags and a tag finds its entry by offset. Settlements arrive in batches (the loop drains them all at
/// once); a run of acknowledged deliveries at the front becomes one `multiple` acknowledgement, which is what makes
/// consuming cheap. Anything else is sent one by one, exactly as the application asked.
struct SettlementTracker {
    /// A frame to send.
    struct Frame: Equatable {
        var deliveryTag: UInt64
        var kind: RMQSettlement.Kind
        var multiple: Bool
    }

    private enum State: Equatable {
        case unsettled
        case acknowledged
        /// Already sent individually (a nack, a reject, or an ack behind an unsettled delivery).
        case sent
    }

    private var states = FIFO<State>()
    /// Tag of the first entry in `states`.
    private var firstTag: UInt64 = 1

    var unsettledCount: Int { states.count }

    /// Starts a new channel: its tags start again at 1, and nothing of the old one can be settled.
    mutating func reset() {
        _ = states.removeAll()
        firstTag = 1
    }

    /// Records a delivery the broker sent. Tags arrive in order.
    mutating func delivered(_ tag: UInt64) {
        if states.isEmpty { firstTag = tag }
        // A gap would mean frames were lost; fill it so offsets stay right (the broker never skips tags).
        while firstTag + UInt64(states.count) < tag { states.append(.sent) }
        states.append(.unsettled)
    }

    /// Applies a batch of settlements and returns the frames that carry them to the broker.
    mutating func settle(_ settlements: [RMQSettlement]) -> [Frame] {
        var frames: [Frame] = []
        for settlement in settlements {
            guard settlement.deliveryTag >= firstTag else { continue }
            let offset = Int(settlement.deliveryTag - firstTag)
            guard offset < states.count else { continue }
            let range = settlement.multiple ? 0...offset : offset...offset
            switch settlement.kind {
            case .ack:
                for index in range where states[index] == .unsettled { states[index] = .acknowledged }
            case .nack, .reject:
                // A multiple nack covers every delivery the broker still counts as outstanding, so acks
                // decided before it must reach the broker first.
                if settlement.multiple { frames += flush() }
                // Sent now and as asked, so that a requeue happens before anything later is acknowledged.
                frames.append(
                    Frame(deliveryTag: settlement.deliveryTag, kind: settlement.kind, multiple: settlement.multiple))
                for index in range where states[index] == .unsettled { states[index] = .sent }
            }
        }
        return frames + flush()
    }

    /// One multiple ack for the acknowledged run at the front; single acks for acknowledged entries behind the
    /// first unsettled one (they cannot be covered by a multiple ack yet).
    private mutating func flush() -> [Frame] {
        var frames: [Frame] = []
        var lastAcknowledged: UInt64?
        while let first = states.first, first != .unsettled {
            if first == .acknowledged { lastAcknowledged = firstTag }
            _ = states.popFirst()
            firstTag += 1
        }
        if let lastAcknowledged {
            // `multiple` also covers entries sent individually before it: the broker ignores those.
            frames.append(Frame(deliveryTag: lastAcknowledged, kind: .ack, multiple: true))
        }
        for offset in 0..<states.count where states[offset] == .acknowledged {
            frames.append(Frame(deliveryTag: firstTag + UInt64(offset), kind: .ack, multiple: false))
            states[offset] = .sent
        }
        return frames
    }
}
