import Domain
import Foundation
import Policy

/// An independent, deliberately naive statement of the rules: "may we contact the debtor at instant t?".
///
/// It shares no logic with the engine: local time comes from Foundation's `TimeZone.secondsFromGMT(for:)` at
/// each instant (no transition tables, no segment walking), holidays come from the published-date table in
/// ``HolidayCalendarTests`` (so generated instants stay in 2024–2030), and hold ends come from Foundation's
/// `Calendar`. Slow, but obviously right, which is what a brute-force scan needs.
struct ReferenceModel {
    let rulebook: Rulebook
    let request: PolicyRequest
    private let zones: [TimeZone]
    private let closedDays: Set<Int>
    private let holdSpans: [(since: Int64, end: Int64?)]
    /// Local day numbers (first zone) of events each cap counts, keyed by cap index; the pause is last.
    private let counted: [(limit: Int, days: Int, eventDays: [Int])]

    init(rulebook: Rulebook, request: PolicyRequest) {
        self.rulebook = rulebook
        self.request = request
        var ids = request.debtor.timeZones
        if ids.isEmpty, case .fallback(let fallback) = rulebook.unknownTimeZone { ids = fallback }
        zones = ids.map { TimeZone(identifier: $0)! }

        var closed = Set(rulebook.closedDates.map(\.dayNumber))
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        for calendar in rulebook.holidayCalendars {
            for (year, list) in HolidayCalendarTests.known[calendar]! {
                for monthDay in list.split(separator: " ") {
                    let parts = monthDay.split(separator: "-").map { Int($0)! }
                    let day = utc.date(from: DateComponents(year: year, month: parts[0], day: parts[1]))!
                    closed.insert(Int(day.timeIntervalSince1970 / 86_400))
                }
            }
        }
        closedDays = closed

        let first = zones.first
        holdSpans = request.debtor.holds.map { hold in
            if let until = hold.until { return (hold.since.secondsSinceEpoch, until.secondsSinceEpoch) }
            guard let days = rulebook.holdDurations[hold.kind] else { return (hold.since.secondsSinceEpoch, nil) }
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = first ?? TimeZone(identifier: "UTC")!
            let start = calendar.startOfDay(for: hold.since.date)
            let later = calendar.date(byAdding: .day, value: days, to: start)!
            return (hold.since.secondsSinceEpoch, Instant(calendar.startOfDay(for: later)).secondsSinceEpoch)
        }

        // A contact still pending its outcome counts toward every cap (not toward the wait after a conversation).
        var rules: [(Int, Int, [Channel], [ContactResult], CapScope)] = rulebook.frequencyCaps.map {
            ($0.limit, $0.days, $0.channels, $0.counting + [.pending], $0.scope)
        }
        if let pause = rulebook.afterConversation {
            rules.append((1, pause.days, pause.channels, [.conversation], pause.scope))
        }
        let channel = request.contact.channel
        counted = rules.filter { $0.2.contains(channel) }.map { limit, days, channels, results, scope in
            let events = request.history.filter {
                channels.contains($0.channel) && results.contains($0.result)
                    && (scope == .debtor || $0.debtId == request.contact.debtId)
            }
            let eventDays = first.map { zone in events.map { Self.local($0.at.secondsSinceEpoch, zone).day } } ?? []
            return (limit, days, eventDays)
        }
    }

    /// (local day number, second of day) at `t` in `zone`.
    static func local(_ t: Int64, _ zone: TimeZone) -> (day: Int, second: Int) {
        let wall = t + Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t))))
        let day = Int((Double(wall) / 86_400).rounded(.down))
        return (day, Int(wall - Int64(day) * 86_400))
    }

    /// Monday = 0 (1970-01-01, day 0, was a Thursday).
    static func weekday(_ day: Int) -> Weekday { Weekday.allCases[((day % 7) + 7 + 3) % 7] }

    /// The first instant in `[from, to)` at which the contact is not permitted, or `nil` if it is permitted
    /// throughout. Exhaustive, not sampled: the rules can only change at whole UTC minutes (windows, inconvenient
    /// ranges, local midnights and every zone offset in use are whole minutes) and at hold starts and ends,
    /// so checking `from`, every whole minute after it and every hold boundary checks every instant.
    func firstForbidden(from: Int64, to: Int64) -> Int64? {
        var instants = holdSpans.flatMap { [$0.since] + ($0.end.map { [$0] } ?? []) }.filter { from < $0 && $0 < to }
        var minute = (from / 60 + 1) * 60
        while minute < to {
            instants.append(minute)
            minute += 60
        }
        return ([from] + instants.sorted()).first { !isPermitted(at: $0) }
    }

    func isPermitted(at t: Int64) -> Bool {
        if request.debtor.optOuts.contains(request.contact.channel) { return false }
        if zones.isEmpty { return false }
        for (since, end) in holdSpans where since <= t && (end.map { t < $0 } ?? true) { return false }
        if rulebook.contactHours.channels.contains(request.contact.channel) {
            for zone in zones {
                let (day, second) = Self.local(t, zone)
                if closedDays.contains(day) { return false }
                let windows = rulebook.contactHours.windows[Self.weekday(day)] ?? []
                if !windows.contains(where: { $0.from.secondOfDay <= second && second < $0.to.secondOfDay }) {
                    return false
                }
            }
        }
        let (day, second) = Self.local(t, zones[0])
        for range in request.debtor.inconvenient
        where range.days.contains(Self.weekday(day)) && range.from.secondOfDay <= second
            && second < range.to.secondOfDay
        {
            return false
        }
        for rule in counted where rule.eventDays.filter({ $0 <= day && $0 > day - rule.days }).count >= rule.limit {
            return false
        }
        return true
    }
}
