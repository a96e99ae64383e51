import Domain
import Policy
import Testing

/// One row: a request against a rulebook and the exact decision expected.
struct RuleCase: Sendable, CustomTestStringConvertible {
    var name: String
    var rulebook: Rulebook
    var request: PolicyRequest
    var decision: PolicyDecision.Kind
    var earliest: String?
    /// For `allow`, the end of the permitted window (`nil`: none within the horizon); `nil` for the others.
    var validUntil: String?
    /// Blocking rules at `now`, with the instant each stops blocking ("" when it does not by itself).
    var reasons: [(rule: String, until: String)]
    var testDescription: String { name }

    /// Evaluates the row and checks decision, earliest, and each reason's rule and end; returns the decision.
    @discardableResult
    func verify() -> PolicyDecision {
        let decision = engine(rulebook).evaluate(request)
        #expect(decision.decision == self.decision)
        #expect(decision.earliest?.description == earliest)
        #expect(decision.validUntil?.description == validUntil)
        #expect(decision.reasons.map(\.rule.rawValue) == reasons.map(\.rule))
        #expect(decision.reasons.map { $0.until?.description ?? "" } == reasons.map(\.until))
        #expect(decision.reasons.allSatisfy { !$0.detail.isEmpty })
        return decision
    }

    init(
        _ name: String, _ request: PolicyRequest, _ decision: PolicyDecision.Kind, earliest: String? = nil,
        validUntil: String? = nil, _ reasons: [(String, String)] = []
    ) {
        self.init(name, TestRulebooks.usRegF, request, decision, earliest: earliest, validUntil: validUntil, reasons)
    }

    init(
        _ name: String, _ rulebook: Rulebook, _ request: PolicyRequest,
        _ decision: PolicyDecision.Kind, earliest: String? = nil, validUntil: String? = nil,
        _ reasons: [(String, String)] = []
    ) {
        self.name = name
        self.rulebook = rulebook
        self.request = request
        self.decision = decision
        self.earliest = earliest
        self.validUntil = validUntil
        self.reasons = reasons.map { (rule: $0.0, until: $0.1) }
    }
}

/// Table-driven cases for every rule. Times are chosen so the expected instants can be checked by hand:
/// New York is UTC−5 in December, Warsaw UTC+1 (UTC+2 in April), London UTC+0 in December.
@Suite struct PolicyRuleTests {
    static let rep = Representative(kind: "attorney", name: "A. Lawyer", phone: "+15550100", email: "a@law.example")
    static let sevenCalls =
        (25...30).map { event("2026-11-\($0)T15:00:00Z", .call, .noAnswer) }
        + [event("2026-12-01T14:00:00Z", .call, .voicemail)]

    static let contactHours: [RuleCase] = [
        RuleCase(
            "inside hours until 21:00 New York time", request("2026-12-01T15:00:00Z"), .allow,
            earliest: "2026-12-01T15:00:00Z", validUntil: "2026-12-02T02:00:00Z"),
        RuleCase(
            "before 08:00", request("2026-12-01T12:00:00Z"), .defer, earliest: "2026-12-01T13:00:00Z",
            [("contact-hours", "2026-12-01T13:00:00Z")]),
        RuleCase(
            "after 21:00 moves to next morning", request("2026-12-02T02:30:00Z"), .defer,
            earliest: "2026-12-02T13:00:00Z", [("contact-hours", "2026-12-02T13:00:00Z")]),
        RuleCase(
            "21:00 itself is outside [from, to)", request("2026-12-02T02:00:00Z"), .defer,
            earliest: "2026-12-02T13:00:00Z", [("contact-hours", "2026-12-02T13:00:00Z")]),
        RuleCase(
            "08:00 itself is inside", request("2026-12-01T13:00:00Z"), .allow, earliest: "2026-12-01T13:00:00Z",
            validUntil: "2026-12-02T02:00:00Z"),
        RuleCase(
            "two zones: inside both windows at once",
            request("2026-12-01T13:30:00Z", zones: ["America/New_York", "America/Los_Angeles"]),
            .defer, earliest: "2026-12-01T16:00:00Z", [("contact-hours", "2026-12-01T16:00:00Z")]),
        RuleCase(
            "two zones: the earlier zone closes first",
            request("2026-12-02T02:30:00Z", zones: ["America/Los_Angeles", "America/New_York"]),
            .defer, earliest: "2026-12-02T16:00:00Z", [("contact-hours", "2026-12-02T16:00:00Z")]),
        RuleCase(
            "letters are exempt under Reg F hours, with no end to the window",
            request("2026-12-01T08:00:00Z", channel: .letter),
            .allow, earliest: "2026-12-01T08:00:00Z", validUntil: nil),
        RuleCase(
            "PL: Sunday is closed", TestRulebooks.plRespectful,
            request("2026-12-06T11:00:00Z", zones: ["Europe/Warsaw"]),
            .defer, earliest: "2026-12-07T07:00:00Z", [("contact-hours", "2026-12-07T07:00:00Z")]),
        RuleCase(
            "PL: Saturday window 10:00–14:00", TestRulebooks.plRespectful,
            request("2026-12-05T09:00:00Z", zones: ["Europe/Warsaw"]),
            .allow, earliest: "2026-12-05T09:00:00Z", validUntil: "2026-12-05T13:00:00Z"),
        RuleCase(
            "PL: Saturday after 14:00 waits for Monday", TestRulebooks.plRespectful,
            request("2026-12-05T13:30:00Z", zones: ["Europe/Warsaw"]), .defer, earliest: "2026-12-07T07:00:00Z",
            [("contact-hours", "2026-12-07T07:00:00Z")]),
    ]

    static let holidays: [RuleCase] = [
        RuleCase(
            "PL: Christmas Eve, Christmas, St Stephen's, then Sunday", TestRulebooks.plRespectful,
            request("2026-12-24T09:00:00Z", zones: ["Europe/Warsaw"]), .defer, earliest: "2026-12-28T07:00:00Z",
            [("holiday", "2026-12-26T23:00:00Z")]),
        RuleCase(
            "PL: Easter Monday (summer time)", TestRulebooks.plRespectful,
            request("2026-04-06T10:00:00Z", zones: ["Europe/Warsaw"]),
            .defer, earliest: "2026-04-07T06:00:00Z", [("holiday", "2026-04-06T22:00:00Z")]),
        RuleCase(
            "UK: Boxing Day substitute Monday", TestRulebooks.ukFCA,
            request("2026-12-28T10:00:00Z", zones: ["Europe/London"]),
            .defer, earliest: "2026-12-29T08:00:00Z", [("holiday", "2026-12-29T00:00:00Z")]),
        RuleCase(
            "UK: holiday in one zone closes the day", TestRulebooks.ukFCA,
            request("2026-12-28T10:00:00Z", zones: ["Europe/Warsaw", "Europe/London"]), .defer,
            earliest: "2026-12-29T08:00:00Z", [("holiday", "2026-12-29T00:00:00Z")]),
        RuleCase(
            "US Reg F closes no holidays", request("2026-12-25T15:00:00Z"), .allow, earliest: "2026-12-25T15:00:00Z",
            validUntil: "2026-12-26T02:00:00Z"),
    ]

    static let caps: [RuleCase] = [
        RuleCase(
            "7 counted calls in 7 days block until the oldest slides out",
            request("2026-12-01T20:00:00Z", history: sevenCalls), .defer, earliest: "2026-12-02T13:00:00Z",
            [("frequency-cap", "2026-12-02T05:00:00Z")]),
        RuleCase(
            "not-connected calls do not count",
            request(
                "2026-12-01T20:00:00Z",
                history: (25...31).map { event("2026-11-\($0 > 30 ? 30 : $0)T15:00:00Z", .call, .notConnected) }),
            .allow, earliest: "2026-12-01T20:00:00Z", validUntil: "2026-12-02T02:00:00Z"),
        RuleCase(
            "calls still pending an outcome count toward the cap",
            request(
                "2026-12-01T20:00:00Z",
                history: sevenCalls.map { HistoryEvent(at: $0.at, channel: .call, debtId: "C-1", result: .pending) }),
            .defer, earliest: "2026-12-02T13:00:00Z", [("frequency-cap", "2026-12-02T05:00:00Z")]),
        RuleCase(
            "a pending call does not start the wait after a conversation",
            request("2026-12-01T20:00:00Z", history: [event("2026-12-01T15:00:00Z", .call, .pending)]), .allow,
            earliest: "2026-12-01T20:00:00Z", validUntil: "2026-12-02T02:00:00Z"),
        RuleCase(
            "texts do not count toward the call cap",
            request(
                "2026-12-01T20:00:00Z",
                history: sevenCalls.map { HistoryEvent(at: $0.at, channel: .sms, debtId: "C-1", result: .delivered) }),
            .allow, earliest: "2026-12-01T20:00:00Z", validUntil: "2026-12-02T02:00:00Z"),
        RuleCase(
            "Reg F counts per debt", request("2026-12-01T20:00:00Z", debt: "C-2", history: sevenCalls), .allow,
            earliest: "2026-12-01T20:00:00Z", validUntil: "2026-12-02T02:00:00Z"),
        RuleCase(
            "the cap covers calls only", request("2026-12-01T20:00:00Z", channel: .sms, history: sevenCalls), .allow,
            earliest: "2026-12-01T20:00:00Z", validUntil: "2026-12-02T02:00:00Z"),
        RuleCase(
            "PL counts calls per debtor across debts", TestRulebooks.plRespectful,
            request(
                "2026-12-04T10:00:00Z", zones: ["Europe/Warsaw"],
                history: [
                    event("2026-12-01T10:00:00Z", .call, .noAnswer, debt: "C-1"),
                    event("2026-12-02T10:00:00Z", .call, .voicemail, debt: "C-2"),
                    event("2026-12-03T10:00:00Z", .call, .noAnswer, debt: "C-3"),
                ]), .defer, earliest: "2026-12-08T07:00:00Z", [("frequency-cap", "2026-12-07T23:00:00Z")]),
        RuleCase(
            "PL: two texts a week", TestRulebooks.plRespectful,
            request(
                "2026-12-04T10:00:00Z", channel: .sms, zones: ["Europe/Warsaw"],
                history: [
                    event("2026-12-01T10:00:00Z", .sms, .delivered), event("2026-12-03T10:00:00Z", .sms, .delivered),
                ]),
            .defer, earliest: "2026-12-08T07:00:00Z", [("frequency-cap", "2026-12-07T23:00:00Z")]),
        RuleCase(
            "PL: failed texts do not count", TestRulebooks.plRespectful,
            request(
                "2026-12-04T10:00:00Z", channel: .sms, zones: ["Europe/Warsaw"],
                history: [
                    event("2026-12-01T10:00:00Z", .sms, .failed), event("2026-12-03T10:00:00Z", .sms, .delivered),
                ]),
            .allow, earliest: "2026-12-04T10:00:00Z", validUntil: "2026-12-04T19:00:00Z"),
    ]

    static let afterConversation: [RuleCase] = [
        RuleCase(
            "Reg F: conversation day is day 1 of 7",
            request("2026-12-03T15:00:00Z", history: [event("2026-12-01T15:00:00Z", .call, .conversation)]), .defer,
            earliest: "2026-12-08T13:00:00Z", [("after-conversation", "2026-12-08T05:00:00Z")]),
        RuleCase(
            "Reg F: a conversation about another debt does not pause this one",
            request(
                "2026-12-03T15:00:00Z", history: [event("2026-12-01T15:00:00Z", .call, .conversation, debt: "C-9")]),
            .allow, earliest: "2026-12-03T15:00:00Z", validUntil: "2026-12-04T02:00:00Z"),
        RuleCase(
            "Reg F: the pause blocks calls, not texts",
            request(
                "2026-12-03T15:00:00Z", channel: .sms, history: [event("2026-12-01T15:00:00Z", .call, .conversation)]),
            .allow, earliest: "2026-12-03T15:00:00Z", validUntil: "2026-12-04T02:00:00Z"),
        RuleCase(
            "PL: three days per debtor", TestRulebooks.plRespectful,
            request(
                "2026-12-09T10:00:00Z", zones: ["Europe/Warsaw"],
                history: [event("2026-12-07T10:00:00Z", .call, .conversation, debt: "C-2")]),
            .defer, earliest: "2026-12-10T07:00:00Z", [("after-conversation", "2026-12-09T23:00:00Z")]),
    ]

    static let holds: [RuleCase] = [
        RuleCase(
            "bereavement lasts the rulebook's 30 days to local midnight",
            request("2026-12-01T15:00:00Z", holds: [hold(.bereavement, "2026-11-20T10:00:00Z")]), .defer,
            earliest: "2026-12-20T13:00:00Z", [("hold:bereavement", "2026-12-20T05:00:00Z")]),
        RuleCase(
            "hardship with an explicit end",
            request(
                "2026-12-01T15:00:00Z", holds: [hold(.hardship, "2026-11-01T00:00:00Z", until: "2026-12-05T12:00:00Z")]),
            .defer, earliest: "2026-12-05T13:00:00Z", [("hold:hardship", "2026-12-05T12:00:00Z")]),
        RuleCase(
            "breathing space 60 days (PL)", TestRulebooks.plRespectful,
            request(
                "2026-12-01T10:00:00Z", zones: ["Europe/Warsaw"], holds: [hold(.breathingSpace, "2026-11-30T12:00:00Z")]
            ),
            .defer, earliest: "2027-01-29T07:00:00Z", [("hold:breathing-space", "2027-01-28T23:00:00Z")]),
        RuleCase(
            "hardship with no rulebook default and no end suppresses (UK)", TestRulebooks.ukFCA,
            request("2026-12-01T10:00:00Z", zones: ["Europe/London"], holds: [hold(.hardship, "2026-11-30T12:00:00Z")]),
            .suppress, [("hold:hardship", "")]),
        RuleCase(
            "open dispute suppresses", request("2026-12-01T15:00:00Z", holds: [hold(.dispute, "2026-11-25T09:00:00Z")]),
            .suppress,
            [("hold:dispute", "")]),
        RuleCase(
            "dispute with an end defers",
            request(
                "2026-12-01T15:00:00Z", holds: [hold(.dispute, "2026-11-25T09:00:00Z", until: "2026-12-03T00:00:00Z")]),
            .defer, earliest: "2026-12-03T00:00:00Z", [("hold:dispute", "2026-12-03T00:00:00Z")]),
        RuleCase(
            "cease suppresses every channel",
            request("2026-12-01T15:00:00Z", channel: .letter, holds: [hold(.cease, "2026-11-01T00:00:00Z")]),
            .suppress, [("hold:cease", "")]),
        RuleCase(
            "deceased with a representative redirects",
            request("2026-12-01T15:00:00Z", holds: [hold(.deceased, "2026-11-01T00:00:00Z")], representative: rep),
            .redirect,
            [("hold:deceased", "")]),
        RuleCase(
            "deceased without a representative suppresses",
            request("2026-12-01T15:00:00Z", holds: [hold(.deceased, "2026-11-01T00:00:00Z")]),
            .suppress, [("hold:deceased", "")]),
        RuleCase(
            "attorney redirects",
            request("2026-12-01T15:00:00Z", holds: [hold(.attorney, "2026-11-01T00:00:00Z")], representative: rep),
            .redirect, [("hold:attorney", "")]),
        RuleCase(
            "attorney with no details on file suppresses",
            request("2026-12-01T15:00:00Z", holds: [hold(.attorney, "2026-11-01T00:00:00Z")]),
            .suppress, [("hold:attorney", "")]),
        RuleCase(
            "an ended hold no longer blocks",
            request(
                "2026-12-01T15:00:00Z", holds: [hold(.dispute, "2026-10-01T00:00:00Z", until: "2026-11-01T00:00:00Z")]),
            .allow,
            earliest: "2026-12-01T15:00:00Z", validUntil: "2026-12-02T02:00:00Z"),
        RuleCase(
            "a hold that starts later does not block now",
            request("2026-12-01T15:00:00Z", holds: [hold(.cease, "2026-12-10T00:00:00Z")]), .allow,
            earliest: "2026-12-01T15:00:00Z", validUntil: "2026-12-02T02:00:00Z"),
        RuleCase(
            "a later hold is respected when deferring",
            request(
                "2026-12-01T12:00:00Z", holds: [hold(.hardship, "2026-12-01T12:30:00Z", until: "2026-12-01T18:00:00Z")]),
            .defer,
            earliest: "2026-12-01T18:00:00Z", [("contact-hours", "2026-12-01T13:00:00Z")]),
        RuleCase(
            "cease outranks redirect",
            request(
                "2026-12-01T15:00:00Z",
                holds: [hold(.attorney, "2026-11-01T00:00:00Z"), hold(.cease, "2026-11-02T00:00:00Z")],
                representative: rep),
            .suppress, [("hold:attorney", ""), ("hold:cease", "")]),
    ]

    static let preferences: [RuleCase] = [
        RuleCase(
            "opt-out suppresses that channel", request("2026-12-01T15:00:00Z", channel: .sms, optOuts: [.sms]),
            .suppress, [("opt-out", "")]),
        RuleCase(
            "opt-out leaves other channels alone", request("2026-12-01T15:00:00Z", optOuts: [.sms]), .allow,
            earliest: "2026-12-01T15:00:00Z", validUntil: "2026-12-02T02:00:00Z"),
        RuleCase(
            "inconvenient time closes those hours",
            request(
                "2026-12-01T15:00:00Z",
                inconvenient: [
                    try! InconvenientTime(days: [.mon, .tue], from: LocalTime("09:00")!, to: LocalTime("12:00")!)
                ]),
            .defer, earliest: "2026-12-01T17:00:00Z", [("inconvenient-time", "2026-12-01T17:00:00Z")]),
        RuleCase(
            "inconvenient time on other days does not matter",
            request(
                "2026-12-02T15:00:00Z",
                inconvenient: [
                    try! InconvenientTime(days: [.mon, .tue], from: LocalTime("09:00")!, to: LocalTime("12:00")!)
                ]),
            .allow, earliest: "2026-12-02T15:00:00Z", validUntil: "2026-12-03T02:00:00Z"),
        RuleCase(
            "inconvenient evenings chain with contact hours to the next morning",
            request(
                "2026-12-01T22:00:00Z",
                inconvenient: [
                    try! InconvenientTime(days: Weekday.allCases, from: LocalTime("17:00")!, to: LocalTime("24:00")!),
                    try! InconvenientTime(days: Weekday.allCases, from: LocalTime("00:00")!, to: LocalTime("09:00")!),
                ]),
            .defer, earliest: "2026-12-02T14:00:00Z", [("inconvenient-time", "2026-12-02T14:00:00Z")]),
        RuleCase(
            "unknown zone: Reg F fallback intersects the 50 states", request("2026-12-01T15:00:00Z", zones: []), .defer,
            earliest: "2026-12-01T18:00:00Z", [("contact-hours", "2026-12-01T18:00:00Z")]),
        RuleCase(
            "unknown zone: a suppressing rulebook suppresses", suppressingRulebook,
            request("2026-12-01T15:00:00Z", zones: []),
            .suppress, [("unknown-time-zone", "")]),
    ]

    static var suppressingRulebook: Rulebook {
        var rulebook = TestRulebooks.usRegF
        rulebook.unknownTimeZone = .suppress
        return rulebook
    }

    static var all: [RuleCase] { contactHours + holidays + caps + afterConversation + holds + preferences }

    @Test(arguments: all)
    func decides(_ row: RuleCase) {
        let decision = row.verify()
        #expect(decision.redirectTo == (row.decision == .redirect ? Self.rep : nil))
    }

    @Test func detailsCarryNoPersonalData() {
        for row in Self.all {
            let explanation = engine(row.rulebook).explain(row.request)
            let text = explanation.checks.map(\.detail).joined(separator: " ")
            for secret in ["A. Lawyer", "+15550100", "a@law.example"] { #expect(!text.contains(secret), "\(row.name)") }
            #expect(explanation.decision == engine(row.rulebook).evaluate(row.request))
        }
    }
}
