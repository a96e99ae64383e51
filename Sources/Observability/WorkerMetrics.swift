/// What `tact worker` reports, besides ``ServiceMetrics``. Built once and handed to the service; with the
/// default ``MetricsRegistry/disabled`` registry every update does nothing.
public struct WorkerMetrics: Sendable {
    public let service: ServiceMetrics
    /// `tact_decisions_total{decision,rule}`: decisions published and confirmed, by kind and by the rule that
    /// decided (the first reason's; `none` for an allow without reasons).
    public let decisions: Counter
    /// `tact_contacts_emitted_total{channel}`: reminders and calls published and confirmed.
    public let contacts: Counter

    public init(registry: MetricsRegistry = .disabled) {
        service = ServiceMetrics(registry: registry)
        decisions = registry.counter(
            "tact_decisions_total", help: "Decisions published, by kind and deciding rule.",
            labels: ["decision", "rule"])
        contacts = registry.counter(
            "tact_contacts_emitted_total", help: "Reminders and calls published, by channel.", labels: ["channel"])
    }

    /// Declares the `tasks` lanes and shows the contact and redelivery series at 0 from the start, so that rates
    /// over them begin at once.
    public func started(lanes: Int, channels: [String]) {
        service.lanes.add("tasks", count: lanes)
        for channel in channels { _ = contacts.labels(channel) }
        _ = service.redeliveries.labels("tasks")
    }

    /// Ready: the broker connected.
    public var checks: [Health.Check] { [service.brokerCheck] }
}
