/// What a sender (`tact deliver`) counts.
public struct DeliveryMetrics: Sendable {
    public let service: ServiceMetrics
    /// `tact_deliveries_total{channel,result,reason}`: reminders a sender finished with. `result`: `sent`
    /// (reported delivered), `failed` (reported failed; `reason` the code), `refused` (the scheduler refused it at
    /// the moment of sending; `reason` the verdict), `unrenderable` (no template, or the disclosure check failed:
    /// given back), `unchecked` (the scheduler did not answer: given back), `unsure` (it may or may not have been
    /// sent: not reported, the claim is left for operators).
    public let deliveries: Counter
    /// `tact_delivery_send_seconds{channel}`: how long the relay, provider or spool took to take one message.
    public let sendSeconds: Histogram

    public init(registry: MetricsRegistry = .disabled) {
        service = ServiceMetrics(registry: registry)
        deliveries = registry.counter(
            "tact_deliveries_total", help: "Reminders a sender finished with, by channel, result and reason.",
            labels: ["channel", "result", "reason"])
        sendSeconds = registry.histogram(
            "tact_delivery_send_seconds", help: "Seconds to hand one message to the relay, provider or spool.",
            labels: ["channel"], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30])
    }

    /// Ready: the broker connected.
    public var checks: [Health.Check] { [service.brokerCheck] }
}
