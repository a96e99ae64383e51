import Contract
import Policy
import Store

/// What a finished simulation leaves for summaries and reports: the timeline, and the debtors as placed (zones,
/// rulebook, preferences; no personal data).
public struct SimulationResult: Sendable {
    public struct Debtor: Sendable, Equatable {
        public var id: String
        public var rulebook: String
        /// The first counts local days; empty when unknown.
        public var timeZones: [String]
        public var inconvenient: [InconvenientTime]
        public var specialistId: String?
        public var debts: [Placement.Debt]
    }

    public var start: Instant
    /// Exclusive: the clock when the result was taken.
    public var end: Instant
    public var rulebooks: [String: Rulebook]
    /// In the order they were placed.
    public var debtors: [Debtor]
    public var timeline: [TimelineEntry]

    public init(
        start: Instant, end: Instant, rulebooks: [String: Rulebook], debtors: [Debtor], timeline: [TimelineEntry]
    ) {
        self.start = start
        self.end = end
        self.rulebooks = rulebooks
        self.debtors = debtors
        self.timeline = timeline
    }

    /// Days from start to end, a partial day counting as one.
    public var days: Int { Int((end.secondsSinceEpoch - start.secondsSinceEpoch + 86_399) / 86_400) }

    /// The zone a debtor's local days are counted in: their first, else the rulebook's first fallback zone, else
    /// UTC.
    public func calendarZone(of debtor: Debtor) -> String {
        if let zone = debtor.timeZones.first { return zone }
        if case .fallback(let zones)? = rulebooks[debtor.rulebook]?.unknownTimeZone, let zone = zones.first {
            return zone
        }
        return "UTC"
    }
}

extension Simulation {
    /// The timeline and the placed debtors, as they stand now.
    public func result() async throws -> SimulationResult {
        let ids = debtorIDs
        let debtors = try await store.read { reading in
            try ids.compactMap { id -> SimulationResult.Debtor? in
                guard let debtor = try reading.debtor(id) else { return nil }
                return SimulationResult.Debtor(
                    id: id, rulebook: debtor.rulebook, timeZones: debtor.timeZones, inconvenient: debtor.inconvenient,
                    specialistId: debtor.specialistID,
                    debts: try reading.debts(ofDebtor: id).map {
                        Placement.Debt(id: $0.id, amount: $0.amount, currency: $0.currency, dueDate: $0.dueDate)
                    })
            }
        }
        return SimulationResult(start: start, end: now, rulebooks: rulebooks, debtors: debtors, timeline: timeline)
    }
}
