import Contract
import Domain
import Policy

/// The key figures of a run, computed from its timeline alone, so that anyone holding the timeline can check
/// them. The report embeds them (`<script type="application/json" id="tact-summary">`).
public struct SimulationSummary: Sendable, Equatable, Codable {
    /// Emitted contacts on one simulated day (day 0 starts at the simulation's start), by channel.
    public struct Day: Sendable, Equatable, Codable {
        public var day: Int
        public var call = 0
        public var sms = 0
        public var email = 0
        public var letter = 0

        public var total: Int { call + sms + email + letter }

        mutating func add(_ channel: Channel) {
            switch channel {
            case .call: call += 1
            case .sms: sms += 1
            case .email: email += 1
            case .letter: letter += 1
            }
        }

        public func count(_ channel: Channel) -> Int {
            switch channel {
            case .call: call
            case .sms: sms
            case .email: email
            case .letter: letter
            }
        }
    }

    public var start: Instant
    public var end: Instant
    public var days: Int
    /// Distinct debtors whose placement was applied.
    public var debtors: Int
    /// Decisions by kind: `allow`, `defer`, `suppress`, `redirect`.
    public var decisions: [String: Int]
    /// Rules that blocked, counted once per decision that named them.
    public var decisionsByRule: [String: Int]
    /// Contacts emitted, by channel, and in all.
    public var emissions: [String: Int]
    public var emissionsTotal: Int
    /// Outcomes reported, by result.
    public var outcomes: [String: Int]
    /// Contacts that came back unread.
    public var expired: Int
    /// Events applied, by kind.
    public var events: [String: Int]
    /// Inputs the scheduler refused.
    public var refused: Int
    /// Debtors who received at least one contact.
    public var debtorsContacted: Int
    /// Debtors with at least one conversation (a promise included).
    public var debtorsReached: Int
    /// Debtors with a debt paid.
    public var debtorsPaid: Int
    public var promisesMade: Int
    /// Paid by the end of the promised day (the debtor's local day).
    public var promisesKept: Int
    /// The promised day ended within the run without a payment.
    public var promisesBroken: Int
    /// The promised day had not ended when the run did.
    public var promisesOpen: Int
    public var contactsPerDay: [Day]

    public init(_ result: SimulationResult) {
        let timeline = result.timeline
        start = result.start
        end = result.end
        days = result.days
        func count<Key: Hashable>(_ kind: TimelineEntry.Kind, by key: (TimelineEntry) -> Key?) -> [Key: Int] {
            timeline.filter { $0.kind == kind }.reduce(into: [:]) { counts, entry in
                if let key = key(entry) { counts[key, default: 0] += 1 }
            }
        }
        let emitted = timeline.filter { $0.kind == .emission }
        debtors = Set(timeline.filter { $0.kind == .placement }.map(\.debtorId)).count
        decisions = count(.decision) { $0.decision?.rawValue }
        var rules: [String: Int] = [:]
        for entry in timeline where entry.kind == .decision {
            for rule in Set((entry.reasons ?? []).map(\.rule.rawValue)) { rules[rule, default: 0] += 1 }
        }
        decisionsByRule = rules
        emissions = count(.emission) { $0.channel?.rawValue }
        emissionsTotal = emitted.count
        outcomes = count(.outcome) { $0.result?.rawValue }
        expired = timeline.filter { $0.kind == .expired }.count
        events = count(.event) { $0.event?.rawValue }
        refused = timeline.filter { $0.kind == .refused }.count
        debtorsContacted = Set(emitted.map(\.debtorId)).count
        let talked: Set<Outcome.Result> = [.conversation, .promiseToPay]
        debtorsReached =
            Set(timeline.filter { $0.kind == .outcome && talked.contains($0.result!) }.map(\.debtorId)).count
        debtorsPaid = Set(timeline.filter { $0.kind == .event && $0.event == .payment }.map(\.debtorId)).count
        (promisesMade, promisesKept, promisesBroken, promisesOpen) = Self.promises(in: result)
        var perDay = (0..<max(result.days, 0)).map { Day(day: $0) }
        for entry in emitted {
            let day = Int((entry.at.secondsSinceEpoch - result.start.secondsSinceEpoch) / 86_400)
            if perDay.indices.contains(day), let channel = entry.channel { perDay[day].add(channel) }
        }
        contactsPerDay = perDay
    }

    /// Promises made, kept, broken and still open.
    static func promises(in result: SimulationResult) -> (Int, Int, Int, Int) {
        let zones = Dictionary(result.debtors.map { ($0.id, result.calendarZone(of: $0)) }) { first, _ in first }
        let payments = result.timeline.filter { $0.kind == .event && $0.event == .payment }
        var kept = 0
        var broken = 0
        var open = 0
        let promises = result.timeline.filter { $0.kind == .outcome && $0.promise != nil }
        for entry in promises {
            guard let promise = entry.promise, let date = LocalDate(iso: promise.date) else { continue }
            let dayEnd = ZoneClock.start(of: date.adding(days: 1), zones[entry.debtorId] ?? "UTC")
            let paid = payments.contains {
                $0.debtorId == entry.debtorId && $0.debtId == entry.debtId && $0.at >= entry.at && $0.at < dayEnd
            }
            if paid {
                kept += 1
            } else if dayEnd <= result.end {
                broken += 1
            } else {
                open += 1
            }
        }
        return (promises.count, kept, broken, open)
    }
}
