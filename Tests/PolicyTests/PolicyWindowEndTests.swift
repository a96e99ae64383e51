import Domain
import Foundation
import Policy
import Testing

/// `validUntil`: the end of the permitted window an `allow` was given in, with the expected instants worked out
/// by hand (New York UTC−5 in December, UTC−4 in July; Warsaw UTC+1 in winter, UTC+2 in summer), then checked
/// against the reference model; and seeded cases where windows reach midnight, checked by brute force.
@Suite struct PolicyWindowEndTests {
    static func daily(
        _ windows: [TimeWindow], calendars: [HolidayCalendar] = [], closed: [String] = [], caps: [FrequencyCap] = []
    ) -> Rulebook {
        PolicyEdgeCaseTests.daily(windows, calendars: calendars, closed: closed, caps: caps)
    }

    static let roundTheClock = [window("00:00", "24:00")]
    static let weekdaysRoundTheClock = Rulebook(
        id: "weekdays", title: "weekdays",
        contactHours: ContactHours(windows: [
            .mon: roundTheClock, .tue: roundTheClock, .wed: roundTheClock, .thu: roundTheClock, .fri: roundTheClock,
        ]))
    static let twoCallsInThreeDays = FrequencyCap(
        id: "calls", channels: [.call], limit: 2, days: 3, scope: .debt, counting: [.noAnswer])
    static let lunch = try! InconvenientTime(days: [.tue], from: LocalTime("12:00")!, to: LocalTime("13:00")!)
    static let evenings = try! InconvenientTime(
        days: Weekday.allCases, from: LocalTime("19:00")!, to: LocalTime("24:00")!)

    static func allow(_ name: String, _ rulebook: Rulebook, _ request: PolicyRequest, until: String?) -> RuleCase {
        RuleCase(name, rulebook, request, .allow, earliest: request.now.description, validUntil: until)
    }

    /// Round the clock, at most two counted calls in three days, calls at `calls`; now is 2026-12-01 07:00 in New York.
    static func capped(_ name: String, calls: [String], until: String?) -> RuleCase {
        allow(
            name, daily(roundTheClock, caps: [twoCallsInThreeDays]),
            request("2026-12-01T12:00:00Z", history: calls.map { event($0, .call, .noAnswer) }), until: until)
    }

    static let hours: [RuleCase] = [
        allow(
            "two zones: the window ends at 21:00 in the zone whose clock is ahead", TestRulebooks.usRegF,
            request("2026-12-01T18:00:00Z", zones: ["America/Los_Angeles", "America/New_York"]),
            until: "2026-12-02T02:00:00Z"),
        allow(
            "two zones, listed the other way round", TestRulebooks.usRegF,
            request("2026-12-01T18:00:00Z", zones: ["America/New_York", "America/Los_Angeles"]),
            until: "2026-12-02T02:00:00Z"),
        allow(
            "unknown zone: Reg F fallback closes at 21:00 Eastern", TestRulebooks.usRegF,
            request("2026-12-01T19:00:00Z", zones: []), until: "2026-12-02T02:00:00Z"),
        allow(
            "PL: one second before the Saturday window closes at 14:00", TestRulebooks.plRespectful,
            request("2026-12-05T12:59:59Z", zones: ["Europe/Warsaw"]), until: "2026-12-05T13:00:00Z"),
        allow(
            "the window ends where an inconvenient range begins", TestRulebooks.usRegF,
            request("2026-12-01T14:00:00Z", inconvenient: [lunch]), until: "2026-12-01T17:00:00Z"),
        allow(
            "inconvenient evenings end the window before 21:00", TestRulebooks.usRegF,
            request("2026-12-01T15:00:00Z", inconvenient: [evenings]), until: "2026-12-02T00:00:00Z"),
        allow(
            "letters under Reg F: no end within the horizon", TestRulebooks.usRegF,
            request("2026-12-01T03:00:00Z", channel: .letter), until: nil),
    ]

    static let midnight: [RuleCase] = [
        allow(
            "PL: the day before a holiday the window still ends at 20:00", TestRulebooks.plRespectful,
            request("2026-12-23T10:00:00Z", zones: ["Europe/Warsaw"]), until: "2026-12-23T19:00:00Z"),
        allow(
            "round the clock: the window ends at the midnight before Christmas Eve",
            daily(roundTheClock, calendars: [.poland]),
            request("2026-12-22T10:00:00Z", zones: ["Europe/Warsaw"]), until: "2026-12-23T23:00:00Z"),
        allow(
            "round the clock, two zones: the first midnight before the holiday",
            daily(roundTheClock, calendars: [.englandAndWales]),
            request("2026-12-24T12:00:00Z", zones: ["Europe/London", "Europe/Warsaw"]), until: "2026-12-24T23:00:00Z"),
        allow(
            "round the clock: the observed Independence Day (Friday 3 July 2026)",
            daily(roundTheClock, calendars: [.usFederal]), request("2026-07-02T12:00:00Z"),
            until: "2026-07-03T04:00:00Z"),
        allow(
            "round the clock, no holidays: no end within the horizon", daily(roundTheClock),
            request("2026-12-22T10:00:00Z", zones: ["Europe/Warsaw"]), until: nil),
        allow(
            "weekdays round the clock: the window runs through the nights to Saturday", weekdaysRoundTheClock,
            request("2026-12-03T15:00:00Z"), until: "2026-12-05T05:00:00Z"),
        capped(
            "a counted contact dated tomorrow fills the cap from tomorrow's midnight",
            calls: ["2026-11-30T15:00:00Z", "2026-12-02T15:00:00Z"], until: "2026-12-02T05:00:00Z"),
        capped(
            "past contacts only slide out of a cap, so they never end the window",
            calls: ["2026-11-28T15:00:00Z", "2026-11-29T15:00:00Z"], until: nil),
    ]

    // America/New_York: 2026-03-08 02:00 EST → 03:00 EDT (07:00Z); 2026-11-01 02:00 EDT → 01:00 EST (06:00Z).
    // Europe/Warsaw: 2026-03-29 02:00 CET → 03:00 CEST (01:00Z); 2026-10-25 03:00 CEST → 02:00 CET (01:00Z).
    static let dst: [RuleCase] = [
        allow(
            "Warsaw spring forward: a window ending at 02:30 ends when the clock jumps",
            daily([window("00:00", "02:30")]),
            request("2026-03-29T00:30:00Z", zones: ["Europe/Warsaw"]), until: "2026-03-29T01:00:00Z"),
        allow(
            "Warsaw: round the clock across spring forward to a closed date's midnight (summer time)",
            daily(roundTheClock, closed: ["2026-03-30"]), request("2026-03-28T12:00:00Z", zones: ["Europe/Warsaw"]),
            until: "2026-03-29T22:00:00Z"),
        allow(
            "Warsaw: the first Monday of winter time closes at 20:00 CET", TestRulebooks.plRespectful,
            request("2026-10-26T18:00:00Z", zones: ["Europe/Warsaw"]), until: "2026-10-26T19:00:00Z"),
        allow(
            "NY spring forward: a window ending at 02:30 ends when the clock jumps", daily([window("00:00", "02:30")]),
            request("2026-03-08T06:30:00Z"), until: "2026-03-08T07:00:00Z"),
        allow(
            "NY fall back: the repeated hour lengthens a window that spans it", daily([window("01:00", "03:00")]),
            request("2026-11-01T05:30:00Z"), until: "2026-11-01T08:00:00Z"),
        allow(
            "NY fall back: a window ending at 01:45 ends on the first pass", daily([window("01:00", "01:45")]),
            request("2026-11-01T05:10:00Z"), until: "2026-11-01T05:45:00Z"),
        allow(
            "NY fall back: and again on the second pass", daily([window("01:00", "01:45")]),
            request("2026-11-01T06:10:00Z"), until: "2026-11-01T06:45:00Z"),
    ]

    static let holds: [RuleCase] = [
        allow(
            "a hold starting later today ends the window at its start", TestRulebooks.usRegF,
            request(
                "2026-12-01T15:00:00Z", holds: [hold(.hardship, "2026-12-01T18:30:00Z", until: "2026-12-01T20:00:00Z")]),
            until: "2026-12-01T18:30:00Z"),
        allow(
            "a future cease ends the window to the second", TestRulebooks.usRegF,
            request("2026-12-01T15:00:00Z", holds: [hold(.cease, "2026-12-01T16:15:07Z")]),
            until: "2026-12-01T16:15:07Z"),
        allow(
            "letters: a future bereavement ends an otherwise endless window", TestRulebooks.usRegF,
            request("2026-12-01T15:00:00Z", channel: .letter, holds: [hold(.bereavement, "2026-12-05T10:00:00Z")]),
            until: "2026-12-05T10:00:00Z"),
        allow(
            "a future attorney hold ends the window (the representative is contacted instead)", TestRulebooks.usRegF,
            request(
                "2026-12-01T15:00:00Z", holds: [hold(.attorney, "2026-12-01T17:00:00Z")],
                representative: PolicyRuleTests.rep),
            until: "2026-12-01T17:00:00Z"),
    ]

    static var all: [RuleCase] { hours + midnight + dst + holds }

    @Test(arguments: all)
    func endsWhereExpected(_ row: RuleCase) {
        row.verify()
    }

    @Test(arguments: all)
    func agreesWithTheReferenceModel(_ row: RuleCase) throws {
        try PolicyPropertyTests.check(rulebook: row.rulebook, request: row.request, label: row.name)
    }

    @Test func explanationCarriesTheSameEnd() {
        for row in Self.all {
            #expect(engine(row.rulebook).explain(row.request).decision.validUntil?.description == row.validUntil)
        }
    }

    /// Generated cases whose windows often reach midnight (runs of round-the-clock days, holiday calendars,
    /// counted contacts dated in the future), taken at `now` or, when deferred, at the `earliest` instant the
    /// engine named: that must be an `allow`, and its window must end exactly where the brute force says.
    @Test(arguments: 1...8)
    func windowEndsAgreeWithBruteForce(seed: UInt64) throws {
        var random = SeededGenerator(seed: 1000 + seed)
        var ends = 0
        for index in 0..<60 {
            let rulebook = Self.rulebook(&random)
            var request = PolicyPropertyTests.request(&random)
            let now = request.now.secondsSinceEpoch
            for _ in 0..<Int.random(in: 0...3, using: &random) {
                request.history.append(
                    HistoryEvent(
                        at: Instant(secondsSinceEpoch: now + Int64.random(in: 60...(3 * 86_400), using: &random)),
                        channel: [.call, .sms].randomElement(using: &random)!, debtId: "C-1",
                        result: [.noAnswer, .delivered, .pending].randomElement(using: &random)!))
            }
            let label = "seed \(1000 + seed) case \(index)"
            let first = engine(rulebook).evaluate(request)
            if first.decision == .defer, let earliest = first.earliest {
                request.now = earliest
                #expect(engine(rulebook).evaluate(request).decision == .allow, "\(label): allowed at earliest")
            }
            let decision = try PolicyPropertyTests.check(rulebook: rulebook, request: request, label: label)
            if decision == .allow, engine(rulebook).evaluate(request).validUntil != nil { ends += 1 }
        }
        #expect(ends >= 20, "windows with an end: \(ends)")
    }

    static func rulebook(_ random: inout SeededGenerator) -> Rulebook {
        var rulebook = PolicyPropertyTests.rulebook(&random)
        if Bool.random(using: &random) {
            let first = Int.random(in: 0..<7, using: &random)
            for offset in 0..<Int.random(in: 1...3, using: &random) {
                rulebook.contactHours.windows[Weekday.allCases[(first + offset) % 7]] = roundTheClock
            }
        }
        if rulebook.holidayCalendars.isEmpty, Bool.random(using: &random) { rulebook.holidayCalendars = [.poland] }
        return rulebook
    }
}
