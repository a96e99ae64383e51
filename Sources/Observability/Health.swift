import Synchronization

/// Whether the process is alive and ready to work, for `/health`: alive as long as it answers, ready when every
/// check passes (the broker connected; for the scheduler, the store writable).
public final class Health: Sendable {
    /// One readiness condition, read on every request: keep it cheap (a gauge's value, a flag).
    public struct Check: Sendable {
        public var name: String
        public var passes: @Sendable () -> Bool

        public init(_ name: String, passes: @escaping @Sendable () -> Bool) {
            self.name = name
            self.passes = passes
        }
    }

    private let checks: Mutex<[Check]>

    public init(_ checks: [Check] = []) { self.checks = Mutex(checks) }

    public func add(_ check: Check) { checks.withLock { $0.append(check) } }

    /// Each check's name and result, in the order they were added.
    public func evaluate() -> [(name: String, passes: Bool)] {
        checks.withLock { $0 }.map { ($0.name, $0.passes()) }
    }

    /// The JSON of `/health`: `{"live":true,"ready":false,"checks":{"broker":false,"store":true}}`. Check names
    /// are fixed identifiers, so they need no escaping.
    func json() -> (ready: Bool, body: String) {
        let results = evaluate()
        let ready = results.allSatisfy(\.passes)
        let checks = results.map { "\"\($0.name)\":\($0.passes)" }.joined(separator: ",")
        return (ready, "{\"live\":true,\"ready\":\(ready),\"checks\":{\(checks)}}\n")
    }
}
