import Domain

/// A set of channels or results as a bitmask, so "does this cap count this event?" is one AND.
struct Mask: Sendable, Equatable {
    private(set) var bits: UInt16 = 0

    init(_ members: some Sequence<some MaskMember>) {
        for member in members { bits |= 1 << UInt16(member.ordinal) }
    }

    func contains(_ member: some MaskMember) -> Bool { bits & (1 << UInt16(member.ordinal)) != 0 }
}

/// A small closed vocabulary with a stable position, usable in a ``Mask``.
protocol MaskMember {
    var ordinal: Int { get }
}

extension Channel: MaskMember {
    var ordinal: Int {
        switch self {
        case .call: 0
        case .sms: 1
        case .email: 2
        case .letter: 3
        }
    }
}

extension ContactResult: MaskMember {
    var ordinal: Int {
        switch self {
        case .conversation: 0
        case .noAnswer: 1
        case .voicemail: 2
        case .notConnected: 3
        case .delivered: 4
        case .failed: 5
        case .pending: 6
        }
    }
}

/// A rolling-window counter rule: at most `limit` counted events in `days` local days. Frequency caps and the
/// after-conversation pause (a cap of one conversation) share it.
struct CompiledCap: Sendable {
    var rule: RuleID
    var name: String
    var channels: Mask
    var counting: Mask
    var limit: Int
    var days: Int
    var scope: CapScope
}

/// The rulebook turned into lookup tables once per engine, so each evaluation only does integer work.
/// A class: every evaluation refers to it, and one reference is one retain rather than one per table.
final class CompiledRulebook: Sendable {
    let hoursChannels: Mask
    /// The weekly contact windows.
    let week: WeeklySpans
    /// Monday-first wording of each weekday's hours, built once for reasons.
    let weekText: [String]
    let calendars: [HolidayCalendar]
    let closedDays: Set<Int>
    let caps: [CompiledCap]
    let holdDays: [HoldKind: Int]
    /// `nil` when the rulebook suppresses on an unknown time zone.
    let fallbackZones: [ZoneTable]?

    init(_ rulebook: Rulebook) {
        hoursChannels = Mask(rulebook.contactHours.channels)
        week = WeeklySpans(
            Weekday.allCases.map { day in
                (rulebook.contactHours.windows[day] ?? []).map {
                    DaySpan(from: $0.from.secondOfDay, to: $0.to.secondOfDay)
                }
            })
        weekText = Weekday.allCases.map { day in
            let windows = rulebook.contactHours.windows[day] ?? []
            return windows.isEmpty
                ? "contact hours (closed on \(day.shortName))"
                : "contact hours " + windows.map(\.description).joined(separator: ", ")
        }
        calendars = rulebook.holidayCalendars
        closedDays = Set(rulebook.closedDates.map(\.dayNumber))
        var caps = rulebook.frequencyCaps.map { cap in
            CompiledCap(
                rule: .frequencyCap, name: cap.id, channels: Mask(cap.channels),
                counting: Mask(cap.counting + [ContactResult.pending]),
                limit: cap.limit, days: cap.days, scope: cap.scope)
        }
        if let pause = rulebook.afterConversation {
            caps.append(
                CompiledCap(
                    rule: .afterConversation, name: "after-conversation", channels: Mask(pause.channels),
                    counting: Mask([ContactResult.conversation]), limit: 1, days: pause.days, scope: pause.scope))
        }
        self.caps = caps
        holdDays = rulebook.holdDurations
        switch rulebook.unknownTimeZone {
        case .suppress: fallbackZones = nil
        case .fallback(let zones): fallbackZones = zones.compactMap(ZoneTable.named)
        }
    }

    func isClosed(day: Int) -> Bool {
        if !closedDays.isEmpty, closedDays.contains(day) { return true }
        for calendar in calendars where calendar.isHoliday(dayNumber: day) { return true }
        return false
    }

    /// The holiday (or closed date) that closes `day`, for explanations.
    func closingName(day: Int) -> String? {
        let date = LocalDate(dayNumber: day)
        for calendar in calendars {
            if let holiday = calendar.holiday(on: date) { return "\(holiday.name), \(calendar.rawValue)" }
        }
        return closedDays.contains(day) ? "closed date in rulebook" : nil
    }
}
