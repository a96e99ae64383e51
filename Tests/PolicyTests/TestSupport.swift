import Domain
import Foundation
import Policy

/// Parses an RFC 3339 literal in a test; a typo is a test bug, so crash loudly.
func at(_ text: String) -> Instant {
    guard let instant = Instant(rfc3339: text) else { fatalError("bad test timestamp \(text)") }
    return instant
}

func date(_ text: String) -> LocalDate {
    guard let date = LocalDate(iso: text) else { fatalError("bad test date \(text)") }
    return date
}

func window(_ from: String, _ to: String) -> TimeWindow {
    TimeWindow(from: LocalTime(from)!, to: LocalTime(to)!)
}

/// The shipped rulebooks' numbers, rebuilt in code (PolicyTests cannot read YAML; TactConfigTests check the
/// files themselves against these same numbers).
enum TestRulebooks {
    static let usRegF = Rulebook(
        id: "us-regf", title: "US Reg F",
        contactHours: ContactHours(
            channels: [.call, .sms, .email],
            windows: Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0, [window("08:00", "21:00")]) })),
        frequencyCaps: [
            FrequencyCap(
                id: "calls-per-debt", channels: [.call], limit: 7, days: 7, scope: .debt,
                counting: [.noAnswer, .voicemail, .conversation])
        ],
        afterConversation: AfterConversation(days: 7, channels: [.call], scope: .debt),
        holdDurations: [.bereavement: 30, .hardship: 30],
        unknownTimeZone: .fallback(zones: [
            "America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
            "America/Anchorage", "America/Adak", "Pacific/Honolulu",
        ]))

    static let plRespectful = Rulebook(
        id: "pl-respectful", title: "PL respectful",
        contactHours: ContactHours(windows: [
            .mon: [window("08:00", "20:00")], .tue: [window("08:00", "20:00")], .wed: [window("08:00", "20:00")],
            .thu: [window("08:00", "20:00")], .fri: [window("08:00", "20:00")], .sat: [window("10:00", "14:00")],
        ]),
        holidayCalendars: [.poland],
        frequencyCaps: [
            FrequencyCap(
                id: "calls-per-debtor", channels: [.call], limit: 3, days: 7, scope: .debtor,
                counting: [.conversation, .noAnswer, .voicemail]),
            FrequencyCap(
                id: "sms-per-debtor", channels: [.sms], limit: 2, days: 7, scope: .debtor, counting: [.delivered]),
            FrequencyCap(
                id: "email-per-debtor", channels: [.email], limit: 2, days: 7, scope: .debtor, counting: [.delivered]),
        ],
        afterConversation: AfterConversation(days: 3, channels: [.call], scope: .debtor),
        holdDurations: [.bereavement: 30, .hardship: 30, .breathingSpace: 60],
        unknownTimeZone: .fallback(zones: ["Europe/Warsaw"]))

    static let ukFCA = Rulebook(
        id: "uk-fca", title: "UK FCA",
        contactHours: ContactHours(
            windows: Dictionary(
                uniqueKeysWithValues: [Weekday.mon, .tue, .wed, .thu, .fri, .sat].map {
                    ($0, [window("08:00", "21:00")])
                })),
        holidayCalendars: [.englandAndWales],
        frequencyCaps: [
            FrequencyCap(
                id: "calls-per-debtor", channels: [.call], limit: 3, days: 7, scope: .debtor,
                counting: [.conversation, .noAnswer, .voicemail])
        ],
        holdDurations: [.breathingSpace: 60, .bereavement: 30],
        unknownTimeZone: .fallback(zones: ["Europe/London"]))

    static let all = [usRegF, plRespectful, ukFCA]
}

/// A request builder with sensible defaults, so each table row states only what it is about.
func request(
    _ now: String, channel: Channel = .call, debt: String = "C-1", zones: [String] = ["America/New_York"],
    inconvenient: [InconvenientTime] = [], holds: [Hold] = [], optOuts: [Channel] = [],
    representative: Representative? = nil, history: [HistoryEvent] = []
) -> PolicyRequest {
    // The zones in tests are real; a failure here is a test bug.
    let debtor = try! Debtor(
        id: "D-1", timeZones: zones, inconvenient: inconvenient, holds: holds, optOuts: optOuts,
        representative: representative)
    return PolicyRequest(
        now: at(now), contact: Contact(channel: channel, debtId: debt), debtor: debtor, history: history)
}

func event(_ when: String, _ channel: Channel = .call, _ result: ContactResult, debt: String = "C-1") -> HistoryEvent {
    HistoryEvent(at: at(when), channel: channel, debtId: debt, result: result)
}

func hold(_ kind: HoldKind, _ since: String, until: String? = nil) -> Hold {
    try! Hold(kind: kind, since: at(since), until: until.map(at))
}

func engine(_ rulebook: Rulebook) -> PolicyEngine {
    try! PolicyEngine(rulebook: rulebook)
}

/// SplitMix64: a tiny seeded generator so property tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
