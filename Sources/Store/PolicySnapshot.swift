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
            id: record.id, timeZones: record.timeZones, inconvenient: record.inconvenient, holds: applying,
            optOuts: record.optOuts.sorted { $0.rawValue < $1.rawValue }, representative: record.representative)
    }
}
