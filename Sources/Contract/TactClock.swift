import Domain
import Foundation
import Policy

/// Where the services read the time. The real clock in production; a virtual one drives weeks of cadence in
/// seconds in tests and in the simulator.
public protocol TactClock: Sendable {
    func now() -> Instant
    /// Suspends until `deadline` or until the task is cancelled.
    func sleep(until deadline: Instant) async throws
}

/// The system's clock.
public struct SystemClock: TactClock {
    public init() {}
    public func now() -> Instant { Instant(Date()) }

    public func sleep(until deadline: Instant) async throws {
        let seconds = deadline.secondsSinceEpoch - now().secondsSinceEpoch
        if seconds > 0 { try await Task.sleep(for: .seconds(seconds)) }
    }
}
