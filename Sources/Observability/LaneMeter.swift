import Synchronization

/// How busy the processing lanes are: each lane adds the time it spent working on a batch (not waiting for one),
/// and ``refresh()`` turns that into utilisation over the time since the previous refresh.
///
/// Metrics: `tact_consumer_busy_seconds_total{lane}` (for `rate()`), `tact_consumer_lanes{lane}` and
/// `tact_consumer_utilisation{lane}`, busy time over wall time of all lanes of that name, 0–1. Near 1 the lanes are
/// the bottleneck: add lanes or processes; near 0 they wait for work.
public final class LaneMeter: Sendable {
    private let busySeconds: Counter
    private let lanes: Gauge
    private let utilisation: Gauge
    /// Per lane name: the busy total and the time at the last refresh.
    private let lastRefresh = Mutex<[String: (busy: Double, at: ContinuousClock.Instant)]>([:])

    init(registry: MetricsRegistry) {
        busySeconds = registry.counter(
            "tact_consumer_busy_seconds_total", help: "Seconds the processing lanes spent working on batches.",
            labels: ["lane"])
        lanes = registry.gauge(
            "tact_consumer_lanes", help: "Processing lanes (consumers) of this process.", labels: ["lane"])
        utilisation = registry.gauge(
            "tact_consumer_utilisation",
            help: "Busy time over wall time of the lanes since the previous refresh (a few seconds), 0 to 1.",
            labels: ["lane"])
    }

    /// Declares `count` lanes called `lane`.
    public func add(_ lane: String, count: Int = 1) {
        lanes.labels(lane).increment(by: Double(count))
        busySeconds.labels(lane).increment(by: 0)
        lastRefresh.withLock { $0[lane] = $0[lane] ?? (0, .now) }
    }

    /// A lane of that name worked from `start` until now.
    public func worked(_ lane: String, since start: ContinuousClock.Instant) {
        busySeconds.labels(lane).increment(by: (ContinuousClock.now - start).seconds)
    }

    /// Recomputes each lane's utilisation over the time since the last refresh.
    public func refresh() {
        let now = ContinuousClock.now
        lastRefresh.withLock { last in
            for (lane, previous) in last {
                let busy = busySeconds.labels(lane).value
                let wall = (now - previous.at).seconds * max(lanes.labels(lane).value, 1)
                // A batch longer than the window is counted when it ends, so one window can exceed 1.
                if wall > 0 { utilisation.labels(lane).set(min(1, (busy - previous.busy) / wall)) }
                last[lane] = (busy, now)
            }
        }
    }
}
