import Foundation

/// Exponential backoff with jitter between reconnection attempts.
///
/// Attempt `n` (from 0) waits `min(maximumDelay, initialDelay × multiplierⁿ)`, scaled by a random factor in
/// `1 ± jitter` so that many clients cut off at once do not return in lockstep.
public struct AMQPReconnectPolicy: Sendable, Hashable {
    /// Delay before the first attempt. Default: 100 ms.
    public var initialDelay: Duration = .milliseconds(100)
    /// Upper bound of the delay before jitter. Default: 10 s.
    public var maximumDelay: Duration = .seconds(10)
    /// Growth factor per attempt. Default: 2.
    public var multiplier: Double = 2
    /// Relative spread of the random jitter, 0…1. Default: 0.2.
    public var jitter: Double = 0.2
    /// Attempts before giving up; `nil` retries for ever. Default: `nil`.
    public var maximumAttempts: Int?

    public init(
        initialDelay: Duration = .milliseconds(100),
        maximumDelay: Duration = .seconds(10),
        multiplier: Double = 2,
        jitter: Double = 0.2,
        maximumAttempts: Int? = nil
    ) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.multiplier = multiplier
        self.jitter = jitter
        self.maximumAttempts = maximumAttempts
    }

    /// A policy that never reconnects: a lost connection fails every pending operation.
    public static let never = AMQPReconnectPolicy(maximumAttempts: 0)

    /// The delay before attempt `attempt` (0-based); `unitRandom` is a number in `0..<1`.
    public func delay(forAttempt attempt: Int, unitRandom: Double) -> Duration {
        let base = Double(initialDelay.milliseconds) * pow(multiplier, Double(min(attempt, 64)))
        let capped = min(base, Double(maximumDelay.milliseconds))
        let factor = 1 + jitter * (2 * unitRandom - 1)
        return .milliseconds(Int64(max(0, capped * factor)))
    }

    /// Whether another attempt is allowed after `attempts` failed ones.
    public func allowsAttempt(after attempts: Int) -> Bool {
        maximumAttempts.map { attempts < $0 } ?? true
    }

    func validate() throws(AMQPError) {
        guard initialDelay >= .zero, maximumDelay >= initialDelay, multiplier >= 1, (0...1).contains(jitter),
            (maximumAttempts ?? 0) >= 0
        else {
            throw AMQPError(.invalidConfiguration, "reconnect policy values are out of range")
        }
    }
}
