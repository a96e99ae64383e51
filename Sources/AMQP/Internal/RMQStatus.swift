import Synchronization

/// What the loop thread publishes about the connection for other threads to read.
final class RMQStatus: Sendable {
    private let connected = Atomic<Bool>(false)
    private let reconnects = Atomic<Int>(0)

    var isConnected: Bool { connected.load(ordering: .acquiring) }
    var reconnectCount: Int { reconnects.load(ordering: .relaxed) }

    func setConnected(_ value: Bool) { connected.store(value, ordering: .releasing) }
    func recordReconnect() { reconnects.add(1, ordering: .relaxed) }
}
