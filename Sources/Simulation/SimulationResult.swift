import Contract
import Domain
import Policy
import Store

/// What a finished simulation leaves for summaries and reports: the timeline, and the debtors as placed (zones,
/// rulebook, preferences; no personal data).
public struct SimulationResult: Sendable {
    public struct Debtor: Sendable, Equatable {
        /// What one applied placement set for the debtor, from its place in the timeline until the next: a
        /// placement replaces the debtor's rulebook, zones and inconvenient times.
        public struct Terms: Sendable, Equatable {
            /// The placement's index in the timeline.
            public var position: Int
            public var rulebook: String
            public var timeZones: [String]
            public var inconvenient: [InconvenientTime]

            public init(position: Int, rulebook: String, timeZones: [String], inconvenient: [InconvenientTime]) {
                self.position = position
                self.rulebook = rulebook
                self.timeZones = timeZones
                self.inconvenient = inconvenient
            }
        }

        public var id: String
        /// As the last placement left them.
        public var rulebook: String
        /// The first counts local days; empty when unknown.
        public var timeZones: [String]
        public var inconvenient: [InconvenientTime]
        public var specialistId: String?
        public var debts: [Placement.Debt]
        /// Every placement applied, in timeline order (the last one is `rulebook`, `timeZones`, `inconvenient`).
        /// The audit checks each contact against the placement in force when it was made.
        public var placements: [Terms] = []

        /// The terms in force at the timeline's `position`: the last placement before it, else (for a timeline
        /// that does not show the placement) the debtor as last placed.
        public func terms(at position: Int) -> Terms {
            placements.last { $0.position < position }
                ?? Terms(position: -1, rulebook: rulebook, timeZones: timeZones, inconvenient: inconvenient)
        }
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
        calendarZone(zones: debtor.timeZones, rulebook: debtor.rulebook)
    }

    /// The zone local days are counted in under these terms.
    public func calendarZone(of terms: Debtor.Terms) -> String {
        calendarZone(zones: terms.timeZones, rulebook: terms.rulebook)
    }

    private func calendarZone(zones: [String], rulebook: String) -> String {
        if let zone = zones.first { return zone }
        if case .fallback(let zones)? = rulebooks[rulebook]?.unknownTimeZone, let zone = zones.first {
            return zone
        }
        return "UTC"
    }
}

extension Simulation {
    /// The timeline and the placed debtors, as they stand now.
    public func result() async throws -> SimulationResult {
        let ids = debtorIDs
        let placements = placementTerms
        let debtors = try await store.read { reading in
            try ids.compactMap { id -> SimulationResult.Debtor? in
                // A simulation places each debtor id under one creditor (DebtorFile).
                guard let debtor = try reading.debtors(withRef: id).first else { return nil }
                return SimulationResult.Debtor(
                    id: id, rulebook: debtor.rulebook, timeZones: debtor.timeZones, inconvenient: debtor.inconvenient,
                    specialistId: debtor.specialistID,
                    debts: try reading.debts(ofDebtor: debtor.id).map {
                        Placement.Debt(id: $0.id, amount: $0.amount, currency: $0.currency, dueDate: $0.dueDate)
                    }, placements: placements[id] ?? [])
            }
        }
        return SimulationResult(start: start, end: now, rulebooks: rulebooks, debtors: debtors, timeline: timeline)
    }
}
