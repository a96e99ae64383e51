/// A total that only goes up. Without labels, use it directly; with labels, pick a series with ``labels(_:)``.
public struct Counter: Sendable {
    let key: SeriesKey

    /// The series with these label values, in the order the labels were registered. It is shown (as 0) from now
    /// on, before anything is counted.
    public func labels(_ values: String...) -> Counter { Counter(key: key.with(values)) }

    /// Adds `amount` (not negative).
    public func increment(by amount: Double = 1) {
        precondition(amount >= 0, "a counter only goes up")
        key.update { $0.value += amount }
    }

    /// Raises the total to `total` if it is higher: for totals another component keeps (reconnections, say).
    public func advance(to total: Double) {
        key.update { $0.value = max($0.value, total) }
    }

    /// The current total (0 for a disabled registry).
    public var value: Double { key.current?.value ?? 0 }
}
