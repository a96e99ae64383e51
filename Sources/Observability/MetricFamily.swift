import Synchronization

/// One metric of the registry (a name, its help, its type and label names) and the values of each of its series.
///
/// Every family has a lock of its own, so lanes that count different things never wait for each other, and a
/// scrape holds each lock only while it copies that family's values.
final class MetricFamily: Sendable {
    enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    /// One series: a counter's or gauge's value, or a histogram's observations.
    struct Series: Sendable {
        var value: Double = 0
        /// Observations at or below each bucket's bound (not cumulative; rendering adds them up).
        var bucketCounts: [UInt64]
        var count: UInt64 = 0
    }

    let name: String
    let help: String
    let kind: Kind
    let labelNames: [String]
    /// Upper bounds of a histogram's buckets, increasing, without `+Inf`; empty for the other kinds.
    let buckets: [Double]
    private let series = Mutex<[[String]: Series]>([:])

    init(name: String, help: String, kind: Kind, labelNames: [String], buckets: [Double]) {
        self.name = name
        self.help = help
        self.kind = kind
        self.labelNames = labelNames
        self.buckets = buckets
    }

    /// Makes sure the series exists, so that it is rendered (as 0) before anything happened to it.
    func touch(_ labels: [String]) {
        update(labels) { _ in }
    }

    func update(_ labels: [String], _ change: (inout Series) -> Void) {
        series.withLock { all in
            change(&all[labels, default: Series(bucketCounts: Array(repeating: 0, count: buckets.count))])
        }
    }

    func value(_ labels: [String]) -> Series? {
        series.withLock { $0[labels] }
    }

    /// Every series, ordered by label values, so that the text is the same for the same values.
    func snapshot() -> [(labels: [String], series: Series)] {
        let copy = series.withLock { all in all.map { (labels: $0.key, series: $0.value) } }
        return copy.sorted { $0.labels.lexicographicallyPrecedes($1.labels) }
    }

    /// Whether another registration of `name` describes this same family.
    func matches(kind: Kind, labelNames: [String], buckets: [Double]) -> Bool {
        self.kind == kind && self.labelNames == labelNames && self.buckets == buckets
    }
}
