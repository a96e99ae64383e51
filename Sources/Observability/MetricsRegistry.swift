import Synchronization

/// The metrics of one process: counters, gauges and histograms with labels, rendered in the Prometheus text
/// format by ``render()``.
///
/// Thread-safe: handles may be used from any thread or task. Registering a name again with the same type, labels
/// and buckets returns the same metric; with others it is a programming error and traps.
///
/// Label values are what operators group by, so they must come from small, fixed vocabularies (a decision kind, a
/// rule id, a channel): never a debtor, a task or anything personal — each value is a series kept forever.
public final class MetricsRegistry: Sendable {
    private let families = Mutex<[String: MetricFamily]>([:])
    private let enabled: Bool

    /// A registry whose metrics record nothing: what services use when nobody serves their metrics.
    public static let disabled = MetricsRegistry(enabled: false)

    public init() { self.enabled = true }

    /// Whether metrics are recorded: services skip work done only for metrics (store queries) when not.
    public var isEnabled: Bool { enabled }

    private init(enabled: Bool) { self.enabled = enabled }

    /// A counter: a total that only goes up (name it `…_total`).
    public func counter(_ name: String, help: String, labels: [String] = []) -> Counter {
        Counter(key: SeriesKey(family: register(name, help: help, kind: .counter, labels: labels, buckets: [])))
    }

    /// A gauge: a value that goes up and down.
    public func gauge(_ name: String, help: String, labels: [String] = []) -> Gauge {
        Gauge(key: SeriesKey(family: register(name, help: help, kind: .gauge, labels: labels, buckets: [])))
    }

    /// A histogram with fixed bucket upper bounds (increasing; `+Inf` is added).
    public func histogram(_ name: String, help: String, labels: [String] = [], buckets: [Double]) -> Histogram {
        precondition(!buckets.isEmpty && buckets.allSatisfy(\.isFinite), "histogram \(name): finite buckets needed")
        precondition(
            zip(buckets, buckets.dropFirst()).allSatisfy { $0 < $1 }, "histogram \(name): buckets must increase")
        precondition(!labels.contains("le"), "histogram \(name): `le` is reserved")
        let family = register(name, help: help, kind: .histogram, labels: labels, buckets: buckets)
        return Histogram(key: SeriesKey(family: family))
    }

    /// Every metric in the Prometheus text exposition format (version 0.0.4), families ordered by name.
    public func render() -> String {
        let all = families.withLock { $0.values.sorted { $0.name < $1.name } }
        var text = ""
        for family in all { PrometheusText.append(family, to: &text) }
        return text
    }

    private func register(
        _ name: String, help: String, kind: MetricFamily.Kind, labels: [String], buckets: [Double]
    ) -> MetricFamily? {
        precondition(PrometheusText.isValidMetricName(name), "invalid metric name \(name)")
        for label in labels {
            precondition(PrometheusText.isValidLabelName(label), "metric \(name): invalid label name \(label)")
        }
        precondition(Set(labels).count == labels.count, "metric \(name): repeated label name")
        guard enabled else { return nil }
        return families.withLock { families in
            if let existing = families[name] {
                precondition(
                    existing.matches(kind: kind, labelNames: labels, buckets: buckets),
                    "metric \(name) registered twice with different types, labels or buckets")
                return existing
            }
            let family = MetricFamily(name: name, help: help, kind: kind, labelNames: labels, buckets: buckets)
            families[name] = family
            return family
        }
    }
}
