import Domain
import Foundation
import Policy
import Testing

/// Daylight-saving transitions, several zones, leap day and year end, with expected instants worked out by hand.
@Suite struct PolicyEdgeCaseTests {
    /// Every day the same window(s); no caps and no holidays unless given.
    static func daily(
        _ windows: [TimeWindow], calendars: [HolidayCalendar] = [], closed: [String] = [], caps: [FrequencyCap] = []
    ) -> Rulebook {
        Rulebook(
            id: "daily", title: "daily",
            contactHours: ContactHours(
                windows: Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0, windows) })),
            holidayCalendars: calendars, closedDates: closed.map(date), frequencyCaps: caps,
            holdDurations: [.bereavement: 30])
    }

    static let cases: [RuleCase] = [
        // America/New_York: 2026-03-08 02:00 EST → 03:00 EDT (07:00Z); 2026-11-01 02:00 EDT → 01:00 EST (06:00Z).
        RuleCase(
            "NY spring forward: a window opening inside the gap opens when the clock jumps",
            daily([window("02:30", "04:00")]), request("2026-03-08T06:00:00Z"), .defer,
            earliest: "2026-03-08T07:00:00Z",
            [("contact-hours", "2026-03-08T07:00:00Z")]),
        RuleCase(
            "NY spring forward: 08:00 is already daylight time", daily([window("08:00", "21:00")]),
            request("2026-03-08T06:00:00Z"), .defer, earliest: "2026-03-08T12:00:00Z",
            [("contact-hours", "2026-03-08T12:00:00Z")]),
        RuleCase(
            "NY fall back: first pass through the repeated hour", daily([window("01:30", "01:45")]),
            request("2026-11-01T05:00:00Z"), .defer, earliest: "2026-11-01T05:30:00Z",
            [("contact-hours", "2026-11-01T05:30:00Z")]),
        RuleCase(
            "NY fall back: the repeated hour opens the window a second time", daily([window("01:30", "01:45")]),
            request("2026-11-01T05:50:00Z"), .defer, earliest: "2026-11-01T06:30:00Z",
            [("contact-hours", "2026-11-01T06:30:00Z")]),
        RuleCase(
            "NY fall back: 08:00 is standard time again", daily([window("08:00", "21:00")]),
            request("2026-11-01T05:00:00Z"),
            .defer, earliest: "2026-11-01T13:00:00Z", [("contact-hours", "2026-11-01T13:00:00Z")]),
        // Europe/Warsaw: 2026-03-29 02:00 CET → 03:00 CEST (01:00Z); 2026-10-25 03:00 CEST → 02:00 CET (01:00Z).
        RuleCase(
            "Warsaw spring forward overnight", daily([window("08:00", "20:00")]),
            request("2026-03-28T20:00:00Z", zones: ["Europe/Warsaw"]), .defer, earliest: "2026-03-29T06:00:00Z",
            [("contact-hours", "2026-03-29T06:00:00Z")]),
        RuleCase(
            "Warsaw gap: 02:15 does not exist", daily([window("02:15", "02:45"), window("05:00", "06:00")]),
            request("2026-03-29T00:30:00Z", zones: ["Europe/Warsaw"]), .defer, earliest: "2026-03-29T03:00:00Z",
            [("contact-hours", "2026-03-29T03:00:00Z")]),
        RuleCase(
            "Warsaw fall back: the window closes an hour later in UTC", daily([window("08:00", "20:00")]),
            request("2026-10-25T18:30:00Z", zones: ["Europe/Warsaw"]), .allow, earliest: "2026-10-25T18:30:00Z",
            validUntil: "2026-10-25T19:00:00Z"),
        RuleCase(
            "Warsaw fall back: 02:30 happens twice", daily([window("02:30", "02:40")]),
            request("2026-10-25T00:45:00Z", zones: ["Europe/Warsaw"]), .defer, earliest: "2026-10-25T01:30:00Z",
            [("contact-hours", "2026-10-25T01:30:00Z")]),
        // Europe/London: 2026-03-29 01:00 GMT → 02:00 BST; 2026-10-25 02:00 BST → 01:00 GMT (both 01:00Z).
        RuleCase(
            "London spring forward: 01:30 does not exist", daily([window("01:30", "03:00")]),
            request("2026-03-29T00:10:00Z", zones: ["Europe/London"]), .defer, earliest: "2026-03-29T01:00:00Z",
            [("contact-hours", "2026-03-29T01:00:00Z")]),
        RuleCase(
            "London fall back: UK rulebook skips Sunday to Monday 08:00 GMT", TestRulebooks.ukFCA,
            request("2026-10-24T21:00:00Z", zones: ["Europe/London"]), .defer, earliest: "2026-10-26T08:00:00Z",
            [("contact-hours", "2026-10-26T08:00:00Z")]),
        RuleCase(
            "London and New York change clocks on different weekends", daily([window("08:00", "21:00")]),
            request("2026-03-20T12:30:00Z", zones: ["Europe/London", "America/New_York"]), .allow,
            earliest: "2026-03-20T12:30:00Z", validUntil: "2026-03-20T21:00:00Z"),
        RuleCase(
            "London and New York in the weeks between their changes", daily([window("08:00", "21:00")]),
            request("2026-03-20T11:30:00Z", zones: ["Europe/London", "America/New_York"]), .defer,
            earliest: "2026-03-20T12:00:00Z", [("contact-hours", "2026-03-20T12:00:00Z")]),
        RuleCase(
            "a 30-day hold spanning spring forward ends at 00:00 daylight time", daily([window("00:00", "24:00")]),
            request("2026-03-01T15:00:00Z", holds: [hold(.bereavement, "2026-02-20T15:00:00Z")]), .defer,
            earliest: "2026-03-22T04:00:00Z", [("hold:bereavement", "2026-03-22T04:00:00Z")]),
        RuleCase(
            "half-hour zones: Kolkata and St John's intersected", daily([window("08:00", "21:00")]),
            request("2026-12-01T16:00:00Z", zones: ["Asia/Kolkata", "America/St_Johns"]), .defer,
            earliest: "2026-12-02T11:30:00Z", [("contact-hours", "2026-12-02T11:30:00Z")]),
        // Leap day and year end.
        RuleCase(
            "PL: a conversation on 28 February 2028 pauses through the leap day", TestRulebooks.plRespectful,
            request(
                "2028-02-29T10:00:00Z", zones: ["Europe/Warsaw"],
                history: [event("2028-02-28T10:00:00Z", .call, .conversation)]),
            .defer, earliest: "2028-03-02T07:00:00Z", [("after-conversation", "2028-03-01T23:00:00Z")]),
        RuleCase(
            "PL: New Year's Eve evening waits for Saturday 2 January", TestRulebooks.plRespectful,
            request("2026-12-31T19:30:00Z", zones: ["Europe/Warsaw"]), .defer, earliest: "2027-01-02T09:00:00Z",
            [("contact-hours", "2027-01-01T07:00:00Z")]),
        RuleCase(
            "Reg F: the 7-day window runs across the year end",
            request(
                "2027-01-02T15:00:00Z",
                history: (27...31).map { event("2026-12-\($0)T15:00:00Z", .call, .noAnswer) } + [
                    event("2027-01-01T15:00:00Z", .call, .voicemail), event("2027-01-02T14:00:00Z", .call, .noAnswer),
                ]), .defer, earliest: "2027-01-03T13:00:00Z", [("frequency-cap", "2027-01-03T05:00:00Z")]),
        RuleCase(
            "local days follow the first zone: 22:00 in New York is still the same day",
            request("2026-12-08T13:00:00Z", history: [event("2026-12-02T03:00:00Z", .call, .conversation)]), .allow,
            earliest: "2026-12-08T13:00:00Z", validUntil: "2026-12-09T02:00:00Z"),
    ]

    @Test(arguments: cases)
    func decides(_ row: RuleCase) {
        row.verify()
    }

    @Test(arguments: cases)
    func agreesWithTheReferenceModel(_ row: RuleCase) throws {
        guard row.rulebook.holidayCalendars.isEmpty || (2024...2030).contains(row.request.now.date.year) else { return }
        try PolicyPropertyTests.check(rulebook: row.rulebook, request: row.request, label: row.name)
    }
}

extension Foundation.Date {
    fileprivate var year: Int { Calendar(identifier: .gregorian).component(.year, from: self) }
}
