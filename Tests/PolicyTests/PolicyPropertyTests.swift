import Domain
import Foundation
import Policy
import Testing

/// Seeded random debtors, histories, holds and rulebooks, checked against ``ReferenceModel``:
/// - `allow` ⇔ the model permits `now`; `allow` until `validUntil` ⇒ the model permits every instant of
///   `[now, validUntil)` (an exhaustive scan of every minute and hold boundary), permits `validUntil − 1 s` and
///   forbids `validUntil`; with no `validUntil`, the model permits every minute of two days and every hour of 60;
/// - `defer(t)` ⇒ the model permits `t`, forbids `t − 1 s`, and forbids every minute in `[now, t)`
///   (a brute-force scan at one-minute steps);
/// - `suppress` and `redirect` ⇒ the model forbids `now` (and, for suppress, every hour of the next 10 days).
@Suite struct PolicyPropertyTests {
    static let zonePool = [
        "America/New_York", "America/Los_Angeles", "America/Chicago", "America/Phoenix", "Pacific/Honolulu",
        "Europe/Warsaw", "Europe/London", "Asia/Kolkata", "Australia/Adelaide", "America/St_Johns",
        "Asia/Kathmandu", "Pacific/Chatham",
    ]

    /// Several seeds, each a batch of cases, so a failure names a reproducible seed.
    @Test(arguments: 1...16)
    func engineAgreesWithBruteForce(seed: UInt64) throws {
        var random = SeededGenerator(seed: seed)
        var seen: [PolicyDecision.Kind: Int] = [:]
        for index in 0..<60 {
            let rulebook = Self.rulebook(&random)
            let request = Self.request(&random)
            seen[
                try Self.check(rulebook: rulebook, request: request, label: "seed \(seed) case \(index)"), default: 0] +=
                1
        }
        // The generator must exercise the interesting outcome, not just suppress everything.
        #expect(seen[.defer, default: 0] >= 15, "decisions \(seen)")
    }

    @discardableResult
    static func check(rulebook: Rulebook, request: PolicyRequest, label: String) throws -> PolicyDecision.Kind {
        let decision = try PolicyEngine(rulebook: rulebook).evaluate(request)
        let model = ReferenceModel(rulebook: rulebook, request: request)
        let now = request.now.secondsSinceEpoch
        let permittedNow = model.isPermitted(at: now)
        let context = Comment(rawValue: "\(label): \(decision.decision) \(decision.earliest?.description ?? "-")")
        switch decision.decision {
        case .allow:
            #expect(permittedNow, context)
            #expect(decision.earliest == request.now && decision.reasons.isEmpty, context)
            checkWindowEnd(decision.validUntil, model: model, now: now, context: context)
        case .defer:
            #expect(decision.validUntil == nil, context)
            let earliest = try #require(decision.earliest, context).secondsSinceEpoch
            let permittedAtEarliest = model.isPermitted(at: earliest)
            let permittedJustBefore = model.isPermitted(at: earliest - 1)
            #expect(earliest > now, context)
            #expect(permittedAtEarliest, context)
            #expect(!permittedJustBefore, context)
            #expect(!decision.reasons.isEmpty, context)
            var minute = now
            while minute < earliest {
                if model.isPermitted(at: minute) {
                    Issue.record("\(context.rawValue): permitted at \(Instant(secondsSinceEpoch: minute))")
                    break
                }
                minute += 60
            }
        case .suppress:
            #expect(!permittedNow && decision.validUntil == nil, context)
            for hour in 0..<240 where model.isPermitted(at: now + Int64(hour) * 3600) {
                Issue.record("\(context.rawValue): permitted \(hour) h after a suppress")
                break
            }
        case .redirect:
            #expect(!permittedNow && decision.validUntil == nil, context)
            #expect(decision.redirectTo == request.debtor.representative, context)
        }
        return decision.decision
    }

    /// The window of an `allow` ends exactly at `validUntil`, or (without one) not in the next two months.
    static func checkWindowEnd(_ validUntil: Instant?, model: ReferenceModel, now: Int64, context: Comment) {
        guard let end = validUntil?.secondsSinceEpoch else {
            if let forbidden = model.firstForbidden(from: now, to: now + 2 * 86_400) {
                Issue.record(
                    "\(context.rawValue): no validUntil, yet forbidden at \(Instant(secondsSinceEpoch: forbidden))")
            }
            for hour in 0..<(60 * 24) where !model.isPermitted(at: now + Int64(hour) * 3600) {
                Issue.record("\(context.rawValue): no validUntil, yet forbidden \(hour) h after now")
                break
            }
            return
        }
        #expect(end > now, context)
        if let forbidden = model.firstForbidden(from: now, to: end) {
            let before = "before validUntil \(Instant(secondsSinceEpoch: end))"
            Issue.record("\(context.rawValue): forbidden at \(Instant(secondsSinceEpoch: forbidden)), \(before)")
        }
        #expect(model.isPermitted(at: end - 1), context)
        #expect(!model.isPermitted(at: end), context)
    }

    // MARK: - Generators

    static func rulebook(_ random: inout SeededGenerator) -> Rulebook {
        if Int.random(in: 0..<3, using: &random) > 0 { return TestRulebooks.all.randomElement(using: &random)! }
        var windows: [Weekday: [TimeWindow]] = [:]
        for day in Weekday.allCases {
            var cursor = Int.random(in: 0..<40, using: &random) * 15
            for _ in 0..<Int.random(in: 0...2, using: &random) {
                let from = cursor + Int.random(in: 0..<24, using: &random) * 15
                let to = from + Int.random(in: 1...40, using: &random) * 15
                guard to <= 1440 else { break }
                windows[day, default: []].append(TimeWindow(from: minute(from), to: minute(to)))
                cursor = to
            }
        }
        if windows.isEmpty { windows[.wed] = [TimeWindow(from: minute(600), to: minute(1020))] }
        let calendars = HolidayCalendar.allCases.filter { _ in Bool.random(using: &random) }
        return Rulebook(
            id: "generated", title: "generated",
            contactHours: ContactHours(
                channels: Channel.allCases.filter { _ in Int.random(in: 0..<4, using: &random) > 0 }.nonEmpty(
                    or: .call),
                windows: windows),
            holidayCalendars: calendars,
            closedDates: Bool.random(using: &random) ? [date("2026-03-30"), date("2027-10-31")] : [],
            frequencyCaps: [
                FrequencyCap(
                    id: "generated-cap", channels: [.call, .sms], limit: Int.random(in: 1...4, using: &random),
                    days: Int.random(in: 1...7, using: &random), scope: Bool.random(using: &random) ? .debt : .debtor,
                    counting: [.noAnswer, .voicemail, .conversation, .delivered])
            ],
            afterConversation: AfterConversation(
                days: Int.random(in: 1...5, using: &random), channels: [.call], scope: .debt),
            holdDurations: [.bereavement: Int.random(in: 1...10, using: &random), .hardship: 3],
            unknownTimeZone: Bool.random(using: &random)
                ? .suppress : .fallback(zones: ["Europe/London", "Asia/Kolkata"]))
    }

    static func request(_ random: inout SeededGenerator) -> PolicyRequest {
        let zoneCount = [0, 1, 1, 1, 2, 2, 3].randomElement(using: &random)!
        let zones = (0..<zoneCount).map { _ in zonePool.randomElement(using: &random)! }
        let now = instantNearTransition(zone: zones.first ?? "Europe/London", &random)
        func around(_ from: Int64, _ to: Int64) -> Instant {
            Instant(secondsSinceEpoch: now + Int64.random(in: from...to, using: &random))
        }
        let history = (0..<Int.random(in: 0...20, using: &random)).map { _ in
            HistoryEvent(
                at: around(-10 * 86_400, 0), channel: Channel.allCases.randomElement(using: &random)!,
                debtId: ["C-1", "C-2"].randomElement(using: &random)!,
                result: ContactResult.allCases.randomElement(using: &random)!)
        }
        let holds: [Hold] = (0..<[0, 0, 0, 1, 1, 2].randomElement(using: &random)!).map { _ in
            let kinds: [HoldKind] = [
                .bereavement, .hardship, .hardship, .dispute, .breathingSpace, .cease, .deceased, .attorney,
            ]
            let kind =
                kinds
                .randomElement(using: &random)!
            let since = around(-12 * 86_400, 2 * 86_400)
            let until =
                Bool.random(using: &random)
                ? since.adding(seconds: Int64.random(in: 3600...(9 * 86_400), using: &random)) : nil
            return try! Hold(kind: kind, since: since, until: until)
        }
        let inconvenient = (0..<[0, 0, 1, 2].randomElement(using: &random)!).map { _ in
            let from = Int.random(in: 0..<95, using: &random) * 15
            let to = Int.random(in: (from / 15 + 1)...96, using: &random) * 15
            return try! InconvenientTime(
                days: Weekday.allCases.filter { _ in Bool.random(using: &random) }.nonEmpty(or: .mon),
                from: minute(from), to: minute(to))
        }
        let debtor = try! Debtor(
            id: "D-1", timeZones: zones, inconvenient: inconvenient, holds: holds,
            optOuts: Int.random(in: 0..<8, using: &random) == 0 ? [.sms] : [],
            representative: Bool.random(using: &random) ? Representative(kind: "estate", name: "X") : nil)
        return PolicyRequest(
            now: Instant(secondsSinceEpoch: now),
            contact: Contact(channel: Channel.allCases.randomElement(using: &random)!, debtId: "C-1"),
            debtor: debtor, history: history)
    }

    /// A random second in 2024–2030; half the time within a day and a half of a DST transition of `zone`.
    static func instantNearTransition(zone: String, _ random: inout SeededGenerator) -> Int64 {
        let start: Int64 = 1_704_067_200  // 2024-01-01
        let base = start + Int64.random(in: 0...(6 * 365 * 86_400), using: &random)
        guard Bool.random(using: &random),
            let next = TimeZone(identifier: zone)!.nextDaylightSavingTimeTransition(
                after: Date(timeIntervalSince1970: Double(base)))
        else { return base }
        return Instant(next).secondsSinceEpoch + Int64.random(in: -130_000...130_000, using: &random)
    }

    static func minute(_ minutes: Int) -> LocalTime { LocalTime(hour: minutes / 60, minute: minutes % 60)! }
}

extension Array {
    func nonEmpty(or fallback: Element) -> [Element] { isEmpty ? [fallback] : self }
}

/// The engine is shared across threads by workers: concurrent evaluations (which also race to build the
/// process-wide zone tables) must give the same answers as sequential ones.
@Suite struct PolicyConcurrencyTests {
    @Test func concurrentEvaluationsMatchSequentialOnes() async throws {
        var random = SeededGenerator(seed: 99)
        let cases = (0..<200).map { _ in (PolicyPropertyTests.rulebook(&random), PolicyPropertyTests.request(&random)) }
        let expected = try cases.map { try PolicyEngine(rulebook: $0.0).evaluate($0.1) }
        let results = try await withThrowingTaskGroup(of: (Int, PolicyDecision).self) { group in
            for (index, (rulebook, request)) in cases.enumerated() {
                group.addTask { (index, try PolicyEngine(rulebook: rulebook).evaluate(request)) }
            }
            var results = [PolicyDecision?](repeating: nil, count: cases.count)
            for try await (index, decision) in group { results[index] = decision }
            return results
        }
        #expect(results == expected)
    }
}
