import Domain

/// Reminders handed out no faster than each channel's senders send (`scheduler.remindersPerSecond`): a token
/// bucket per channel holding at most one second's worth, so a window opening releases one second of reminders at
/// once and then the rate. Channels without a rate are not paced.
public struct ReminderPace: Sendable {
    private let rates: [Channel: Double]
    private var tokens: [Channel: Double]

    public init(rates: [Channel: Double]) {
        self.rates = rates
        tokens = rates.mapValues { Self.capacity($0) }
    }

    private static func capacity(_ rate: Double) -> Double { max(rate, 1) }

    /// Refills the buckets for `elapsed` and returns how many reminders each paced channel may hand out now.
    public mutating func allowance(after elapsed: Duration) -> [Channel: Int] {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        for (channel, rate) in rates {
            tokens[channel] = min(Self.capacity(rate), tokens[channel, default: 0] + rate * max(seconds, 0))
        }
        return tokens.mapValues { Int($0.rounded(.down)) }
    }

    /// Takes what a round of dispatch handed out from the buckets.
    public mutating func spend(_ handedOut: [Channel: Int]) {
        for (channel, count) in handedOut where rates[channel] != nil {
            tokens[channel, default: 0] -= Double(count)
        }
    }
}
