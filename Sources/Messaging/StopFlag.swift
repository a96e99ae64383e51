import Synchronization

/// Set once when a service is asked to stop (SIGTERM): loops that wait or retry look at it between tries, so that
/// a graceful shutdown never waits on a store or broker that keeps failing.
public final class StopFlag: Sendable {
    private let flag = Mutex(false)

    public init() {}

    public var isSet: Bool { flag.withLock { $0 } }

    public func set() { flag.withLock { $0 = true } }
}
