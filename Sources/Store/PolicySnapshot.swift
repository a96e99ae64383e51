import Domain
import Policy

/// The policy's view of a debtor, built one way for the scheduler (the snapshot it hands a worker with each task)
/// and for `tact explain` (the next contact it predicts), so that both ask the policy the same question.
public enum PolicySnapshot {
    /// Where a task's history starts: the rulebook's longest look-back and a spare day, since local days in the
    /// debtor's zone straddle UTC ones.
    public static func historyStart(for rulebook: Rulebook, at now: Instant) -> Instant {
        let longest = (rulebook.frequencyCaps.map(\.days) + [rulebook.afterConversation?.days ?? 0]).max() ?? 0
        return now.adding(seconds: -Int64(longest + 1) * 86_400)
    }

    /// The ledger as the policy reads it.
    public static func history(_ ledger: [LedgerEntry]) -> [HistoryEvent] {
        ledger.map { HistoryEvent(at: $0.at, channel: $0.channel, debtId: $0.debtID, result: $0.result) }
    }

    /// The debtor for a contact about `debtID`, given the holds not lifted: a hold about another debt (a dispute,
    /// say) does not pause contact about this one.
    public static func debtor(_ record: DebtorRecord, holds: [HoldRecord], aboutDebt debtID: String) throws -> Debtor {
        let applying = holds.filter { $0.liftedAt == nil && ($0.debtID == nil || $0.debtID == debtID) }
            .compactMap { try? Hold(kind: $0.kind, since: $0.since, until: $0.until) }
        return try Debtor(
            id: record.ref, timeZones: record.timeZones, inconvenient: record.inconvenient, holds: applying,
            optOuts: record.optOuts.sorted { $0.rawValue < $1.rawValue }, representative: record.representative)
    }

    /// What the policy knows of the person behind a case: the case's own active holds, opt-outs and ledger since
    /// `since` and, when it carries a person key, those of every other case with the key that concern the person
    /// (``HoldKind/concernsThePerson`` holds placed without a debt, every opt-out, every contact). An agency must
    /// not contact one person more often than the rulebook allows because two creditors placed them.
    public struct Person: Sendable, Equatable {
        public var holds: [HoldRecord]
        public var optOuts: Set<Channel>
        /// Other cases' entries carry their debt as `creditor/debtor/debt`, so that a cap counted per debt never
        /// takes another creditor's `C-1` for this case's.
        public var ledger: [LedgerEntry]
        /// The other cases with the person key, by key.
        public var linked: [String]

        public init(holds: [HoldRecord], optOuts: Set<Channel>, ledger: [LedgerEntry], linked: [String] = []) {
            self.holds = holds
            self.optOuts = optOuts
            self.ledger = ledger
            self.linked = linked
        }

        /// The policy's view of the person for a contact about `debtID` (``PolicySnapshot/debtor(_:holds:aboutDebt:)``
        /// with the person's holds and opt-outs).
        public func debtor(_ record: DebtorRecord, aboutDebt debtID: String) throws -> Debtor {
            var record = record
            record.optOuts = optOuts
            return try PolicySnapshot.debtor(record, holds: holds, aboutDebt: debtID)
        }

        /// The ledger as the policy reads it, from `since`, without the contact of `taskID`: a contact being
        /// checked again must not count against its own cap.
        public func history(since: Instant? = nil, excluding taskID: String? = nil) -> [HistoryEvent] {
            PolicySnapshot.history(
                ledger.filter { entry in
                    (since.map { entry.at >= $0 } ?? true) && entry.taskID != taskID
                })
        }
    }

    /// The person as a contact under `rulebook` at `now` sees them: the ledger within the rulebook's longest window.
    public static func person(
        of debtor: DebtorRecord, under rulebook: Rulebook, at now: Instant, in store: any StoreReading
    ) throws -> Person {
        try person(of: debtor, since: historyStart(for: rulebook, at: now), in: store)
    }

    public static func person(
        of debtor: DebtorRecord, since: Instant, in store: any StoreReading
    ) throws -> Person {
        var person = Person(
            holds: try store.activeHolds(ofDebtor: debtor.id), optOuts: debtor.optOuts,
            ledger: try store.ledger(ofDebtor: debtor.id, since: since))
        guard let key = debtor.personKey else { return person }
        for other in try store.debtors(personKey: key) where other.id != debtor.id {
            person.linked.append(other.id)
            person.holds += try store.activeHolds(ofDebtor: other.id).filter {
                $0.debtID == nil && $0.kind.concernsThePerson
            }
            person.optOuts.formUnion(other.optOuts)
            person.ledger += try store.ledger(ofDebtor: other.id, since: since).map {
                var entry = $0
                entry.debtID = "\(other.id)/\($0.debtID)"
                return entry
            }
        }
        person.holds.sort { ($0.since, $0.id) < ($1.since, $1.id) }
        person.ledger.sort { ($0.at, $0.taskID) < ($1.at, $1.taskID) }
        return person
    }
}
