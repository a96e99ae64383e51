/// Observations counted in fixed buckets, with their sum and count: latencies, sizes.
public struct Histogram: Sendable {
    let key: SeriesKey

    /// The series with these label values, in the order the labels were registered.
    public func labels(_ values: String...) -> Histogram { Histogram(key: key.with(values)) }

    public func observe(_ value: Double) {
        guard let buckets = key.family?.buckets else { return }
        // The first bucket whose bound is at or above the value; above every bound, only +Inf (the count) has it.
        let bucket = buckets.firstIndex { value <= $0 }
        key.update { series in
            if let bucket { series.bucketCounts[bucket] += 1 }
            series.value += value
            series.count += 1
        }
    }

    /// Observes the seconds elapsed since `start`.
    public func observe(since start: ContinuousClock.Instant) {
        observe((ContinuousClock.now - start).seconds)
    }

    /// How many observations this series has (0 for a disabled registry).
    public var count: UInt64 { key.current?.count ?? 0 }

    /// Bucket bounds for latencies in seconds, from a millisecond to ten seconds.
    public static let latencyBuckets: [Double] = [
        0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
    ]
}

extension Duration {
    /// The duration in seconds, as a `Double`.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
