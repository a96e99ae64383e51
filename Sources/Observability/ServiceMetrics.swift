import Synchronization

/// The metrics both services have: the broker connection, redeliveries, dead letters, publish confirm latency
/// and the utilisation of their lanes. ``SchedulerMetrics`` and ``WorkerMetrics`` add their own.
public struct ServiceMetrics: Sendable {
    public let registry: MetricsRegistry
    /// `tact_broker_connected`: 1 while the AMQP connection is up.
    public let brokerConnected: Gauge
    /// `tact_broker_reconnects_total`: times the connection was re-established after being lost.
    public let brokerReconnects: Counter
    /// `tact_redeliveries_total{input}`: deliveries the broker marked `redelivered` (a consumer died or gave them
    /// back before acknowledging).
    public let redeliveries: Counter
    /// `tact_dead_letters_total{input,code}`: messages refused to the dead-letter queue, by error code.
    public let deadLetters: Counter
    /// `tact_publish_confirm_seconds{batch}`: how long a batch of publishes took until the broker confirmed all.
    public let publishConfirm: Histogram
    public let lanes: LaneMeter
    /// Set once the service begins to stop, so that it is no longer ready however its connection is doing.
    private let shutdown = ShutdownFlag()

    public init(registry: MetricsRegistry) {
        self.registry = registry
        brokerConnected = registry.gauge("tact_broker_connected", help: "1 while the AMQP connection is up.")
        brokerReconnects = registry.counter(
            "tact_broker_reconnects_total", help: "Times the AMQP connection was re-established after being lost.")
        redeliveries = registry.counter(
            "tact_redeliveries_total", help: "Deliveries marked redelivered by the broker.", labels: ["input"])
        deadLetters = registry.counter(
            "tact_dead_letters_total", help: "Messages refused to the dead-letter queue, by error code.",
            labels: ["input", "code"])
        publishConfirm = registry.histogram(
            "tact_publish_confirm_seconds", help: "Seconds from publishing a batch until the broker confirmed it.",
            labels: ["batch"], buckets: Histogram.latencyBuckets)
        lanes = LaneMeter(registry: registry)
    }

    /// Mirrors the connection's state: call every few seconds.
    public func broker(connected: Bool, reconnects: Int) {
        brokerConnected.set(connected && !shutdown.isSet)
        brokerReconnects.advance(to: Double(reconnects))
    }

    /// The service has begun to stop: `/health` answers 503 from now on, so that a load balancer or orchestrator
    /// stops counting on it while it drains.
    public func shuttingDown() {
        shutdown.set()
        brokerConnected.set(false)
    }

    /// The readiness check every service has.
    public var brokerCheck: Health.Check {
        let gauge = brokerConnected
        return Health.Check("broker") { gauge.value == 1 }
    }
}

/// Set once, read from any thread.
private final class ShutdownFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .acquiring) }
    func set() { flag.store(true, ordering: .releasing) }
}
