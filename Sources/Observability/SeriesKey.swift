/// A family and the label values of one of its series: what a ``Counter``, ``Gauge`` or ``Histogram`` handle
/// holds. A handle from the registry has no values yet when the family has labels; ``with(_:)`` picks a series.
/// Without a family (a disabled registry) every operation does nothing.
struct SeriesKey: Sendable {
    let family: MetricFamily?
    let values: [String]

    init(family: MetricFamily?, values: [String] = []) {
        self.family = family
        self.values = values
        // Shown (as 0) from now on, so that a rate over it starts at the right place.
        if let family, values.count == family.labelNames.count { family.touch(values) }
    }

    func with(_ values: [String]) -> SeriesKey {
        precondition(family == nil || values.count == family!.labelNames.count, "wrong number of label values")
        return SeriesKey(family: family, values: values)
    }

    func update(_ change: (inout MetricFamily.Series) -> Void) {
        guard let family else { return }
        precondition(values.count == family.labelNames.count, "\(family.name): pick a series with labels(_:)")
        family.update(values, change)
    }

    var current: MetricFamily.Series? { family?.value(values) }
}
