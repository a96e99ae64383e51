import Domain

/// A window in seconds of the local day, `[from, to)`.
struct DaySpan: Sendable, Equatable {
    var from: Int
    var to: Int
}

/// Spans of wall-clock time that repeat every week (contact windows, consumer-designated inconvenient times),
/// with the two searches the engine needs: the next wall time inside a span, and the next one outside all.
///
/// Wall times are local seconds since 1970-01-01T00:00 local, so a day is always 86 400 seconds; gaps and
/// overlaps are the caller's business (``ZoneTable/firstInstant(from:nextWall:)`` maps walls to instants).
struct WeeklySpans: Sendable {
    /// Spans per weekday, Monday first; within a day in any order, possibly overlapping or adjacent.
    let days: [[DaySpan]]
    /// Spans in the whole week, which bounds ``firstOutside(from:)``.
    let count: Int

    init(_ days: [[DaySpan]]) {
        self.days = days
        count = days.reduce(0) { $0 + $1.count }
    }

    /// No span on any day.
    static let none = WeeklySpans([[DaySpan]](repeating: [], count: 7))

    var isEmpty: Bool { count == 0 }

    /// Smallest wall time `≥ wall` inside some span, or `nil` if the week has none.
    func firstInside(from wall: Int64) -> Int64? {
        var day = Int(wall.floorDivided(by: 86_400))
        var second = Int(wall - Int64(day) * 86_400)
        // Eight days: the rest of today, the six other weekdays, then today's weekday again from midnight.
        for _ in 0..<8 {
            var first = Int.max
            for span in days[Weekday.index(ofDay: day)] where second < span.to {
                first = min(first, max(second, span.from))
            }
            if first != .max { return Int64(day) * 86_400 + Int64(first) }
            day += 1
            second = 0
        }
        return nil
    }

    /// Smallest wall time `≥ wall` outside every span, or `nil` if the spans cover the whole week.
    func firstOutside(from wall: Int64) -> Int64? {
        var day = Int(wall.floorDivided(by: 86_400))
        var second = Int(wall - Int64(day) * 86_400)
        // Each step leaves one span (a span ending at 24:00 leads into the next day's). Within one cycle of the
        // week every span is left at most once, so more steps than spans plus a week of midnights means the
        // week is covered around the clock.
        for _ in 0..<(count + 8) {
            guard let span = days[Weekday.index(ofDay: day)].first(where: { $0.from <= second && second < $0.to })
            else { return Int64(day) * 86_400 + Int64(second) }
            second = span.to
            if second >= 86_400 {
                day += 1
                second = 0
            }
        }
        return nil
    }
}
