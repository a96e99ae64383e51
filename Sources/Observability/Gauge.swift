/// A value that goes up and down. Without labels, use it directly; with labels, pick a series with ``labels(_:)``.
public struct Gauge: Sendable {
    let key: SeriesKey

    /// The series with these label values, in the order the labels were registered.
    public func labels(_ values: String...) -> Gauge { Gauge(key: key.with(values)) }

    public func set(_ value: Double) {
        key.update { $0.value = value }
    }

    /// `1` or `0`.
    public func set(_ flag: Bool) { set(flag ? 1 : 0) }

    public func increment(by amount: Double = 1) {
        key.update { $0.value += amount }
    }

    /// The current value (0 for a disabled registry).
    public var value: Double { key.current?.value ?? 0 }
}
