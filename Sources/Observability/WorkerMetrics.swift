/// What `tact worker` reports, besides ``ServiceMetrics``. Built once and handed to the service; with the
/// default ``MetricsRegistry/disabled`` registry every update does nothing.
public struct WorkerMetrics: Sendable {
    public let service: ServiceMetrics
    /// `tact_decisions_total{decision,rule}`: decisions published and confirmed, by kind and by the rule that
    /// decided (the first reason's; `none` for an allow without reasons).
    public let decisions: Counter
    /// `tact_decisions_held_total`: decisions the broker refused to take, their tasks held and decided again.
    public let decisionsHeld: Counter

    public init(registry: MetricsRegistry = .disabled) {
        service = ServiceMetrics(registry: registry)
        decisions = registry.counter(
            "tact_decisions_total", help: "Decisions published, by kind and deciding rule.",
            labels: ["decision", "rule"])
        decisionsHeld = registry.counter(
            "tact_decisions_held_total", help: "Decisions the broker refused; their tasks were held and decided again.")
    }

    /// Declares the `tasks` lanes and shows the redelivery series at 0 from the start, so that rates over it
    /// begin at once.
    public func started(lanes: Int) {
        service.lanes.add("tasks", count: lanes)
        _ = service.redeliveries.labels("tasks")
    }

    /// Ready: the broker connected.
    public var checks: [Health.Check] { [service.brokerCheck] }
}
