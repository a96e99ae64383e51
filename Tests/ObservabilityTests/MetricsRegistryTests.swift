import Foundation
import TactTestKit
import Testing

@testable import Observability

@Suite("Metrics registry and Prometheus text")
struct MetricsRegistryTests {
    @Test("counters and gauges render with HELP and TYPE, families by name, whole numbers without a fraction")
    func countersAndGauges() {
        let registry = MetricsRegistry()
        let gauge = registry.gauge("tact_b", help: "A gauge.")
        let counter = registry.counter("tact_a_total", help: "A counter.")
        counter.increment()
        counter.increment(by: 2)
        gauge.set(1.5)
        gauge.increment(by: -3)
        #expect(
            registry.render() == """
                # HELP tact_a_total A counter.
                # TYPE tact_a_total counter
                tact_a_total 3
                # HELP tact_b A gauge.
                # TYPE tact_b gauge
                tact_b -1.5

                """)
        #expect(counter.value == 3)
    }

    @Test("a service that has begun to stop is not ready, whatever its connection reports afterwards")
    func shuttingDownIsNotReady() {
        let metrics = ServiceMetrics(registry: MetricsRegistry())
        metrics.broker(connected: true, reconnects: 0)
        #expect(metrics.brokerCheck.passes())
        metrics.shuttingDown()
        #expect(!metrics.brokerCheck.passes())
        metrics.broker(connected: true, reconnects: 0)
        #expect(metrics.brokerConnected.value == 0 && !metrics.brokerCheck.passes())
    }

    @Test("labels keep their registered order; series are sorted by their values; new series show at 0")
    func labelOrder() {
        let registry = MetricsRegistry()
        let decisions = registry.counter("tact_decisions_total", help: "Decisions.", labels: ["rule", "decision"])
        decisions.labels("quiet-hours", "defer").increment()
        decisions.labels("none", "allow").increment(by: 4)
        _ = decisions.labels("cap", "suppress")
        #expect(
            registry.render().split(separator: "\n").dropFirst(2) == [
                #"tact_decisions_total{rule="cap",decision="suppress"} 0"#,
                #"tact_decisions_total{rule="none",decision="allow"} 4"#,
                #"tact_decisions_total{rule="quiet-hours",decision="defer"} 1"#,
            ])
    }

    @Test("label values escape backslash, double quote and line feed, also inside CR LF; HELP escapes \\ and LF")
    func escaping() {
        let registry = MetricsRegistry()
        let counter = registry.counter("tact_x_total", help: "Line one\nback\\slash \"quoted\"", labels: ["v"])
        counter.labels("a\\b\"c\nd\r\ne").increment()
        let lines = registry.render().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == #"# HELP tact_x_total Line one\nback\\slash "quoted""#)
        #expect(lines[2] == "tact_x_total{v=\"a\\\\b\\\"c\\nd\r\\ne\"} 1")
        #expect(lines.count == 4)
    }

    @Test("histograms: cumulative buckets with le, +Inf, sum and count; a value on a bound falls in that bucket")
    func histogram() {
        let registry = MetricsRegistry()
        let histogram = registry.histogram(
            "tact_latency_seconds", help: "Latency.", labels: ["batch"], buckets: [0.01, 0.1, 1])
        for value in [0.005, 0.01, 0.05, 2.5] { histogram.labels("outbox").observe(value) }
        #expect(
            registry.render().split(separator: "\n").dropFirst(2) == [
                #"tact_latency_seconds_bucket{batch="outbox",le="0.01"} 2"#,
                #"tact_latency_seconds_bucket{batch="outbox",le="0.1"} 3"#,
                #"tact_latency_seconds_bucket{batch="outbox",le="1"} 3"#,
                #"tact_latency_seconds_bucket{batch="outbox",le="+Inf"} 4"#,
                #"tact_latency_seconds_sum{batch="outbox"} 2.565"#,
                #"tact_latency_seconds_count{batch="outbox"} 4"#,
            ])
        #expect(histogram.labels("outbox").count == 4)
    }

    @Test("numbers: integers plain, fractions as Swift prints them, infinities and NaN as Prometheus spells them")
    func numbers() {
        #expect(PrometheusText.format(42) == "42")
        #expect(PrometheusText.format(-0.25) == "-0.25")
        #expect(PrometheusText.format(1e20) == "1e+20")
        #expect(PrometheusText.format(.infinity) == "+Inf")
        #expect(PrometheusText.format(-.infinity) == "-Inf")
        #expect(PrometheusText.format(.nan) == "NaN")
    }

    @Test("registering a name again returns the same metric; a disabled registry records and renders nothing")
    func registrationAndDisabled() {
        let registry = MetricsRegistry()
        registry.counter("tact_y_total", help: "Y.").increment()
        registry.counter("tact_y_total", help: "Y.").increment()
        #expect(registry.counter("tact_y_total", help: "Y.").value == 2)

        let disabled = MetricsRegistry.disabled
        let counter = disabled.counter("tact_z_total", help: "Z.", labels: ["a"])
        counter.labels("b").increment()
        #expect(counter.labels("b").value == 0)
        #expect(disabled.render() == "")
        #expect(!disabled.isEnabled)
    }

    @Test("counting from many threads at once loses nothing")
    func concurrentUpdates() {
        let registry = MetricsRegistry()
        let counter = registry.counter("tact_c_total", help: "C.", labels: ["lane"])
        let histogram = registry.histogram("tact_h", help: "H.", buckets: [1])
        DispatchQueue.concurrentPerform(iterations: 8) { lane in
            for round in 0..<10_000 {
                counter.labels("l\(lane % 2)").increment()
                histogram.observe(0.5)
                if round % 100 == 0 { _ = registry.render() }
            }
        }
        #expect(counter.labels("l0").value + counter.labels("l1").value == 80_000)
        #expect(histogram.count == 80_000)
    }

    @Test("lane utilisation is busy time over wall time of all lanes of a name, at most 1")
    func utilisation() async throws {
        let registry = MetricsRegistry()
        let lanes = LaneMeter(registry: registry)
        lanes.add("tasks", count: 2)
        let start = ContinuousClock.now
        try await Task.sleep(for: .milliseconds(200))
        lanes.worked("tasks", since: start)
        lanes.refresh()
        let samples = PrometheusSamples(registry.render())
        let utilisation = try #require(samples[#"tact_consumer_utilisation{lane="tasks"}"#])
        // One of two lanes busy the whole window: about a half.
        #expect(utilisation > 0.35 && utilisation <= 0.5)
        #expect(samples[#"tact_consumer_lanes{lane="tasks"}"#] == 2)
    }
}
