import Contract
import Domain
import Policy
import Store

extension SchedulerCore {
    /// A specialist away, back, or taking a case over. Continuity is the rule: a debtor keeps their specialist for
    /// the life of the case, and an absence only lends the calls to a backup (or the pool) until it ends.
    func apply(_ change: SpecialistChange, at now: Instant, in store: any StoreTransaction) throws {
        switch change.action {
        case .away:
            try store.save(
                SpecialistRecord(id: change.specialistId, awayUntil: change.until, backupID: change.backupId))
        case .back:
            try store.save(SpecialistRecord(id: change.specialistId))
        case .handover:
            guard var debtor = try store.debtor(change.debtorId!) else {
                throw ContractError(.unknownReference, field: "debtorId", "no debtor with this id was placed")
            }
            debtor.specialistID = change.specialistId
            try store.save(debtor)
        }
    }

    /// Whose queue the debtor's call goes to at `now`: their specialist's, unless away; then the backup's (if not away
    /// too); else the pool.
    func routeCall(for debtor: DebtorRecord, at now: Instant, in store: any StoreTransaction) throws -> String? {
        guard let assigned = debtor.specialistID else { return nil }
        guard let record = try store.specialist(assigned), record.isAway(at: now) else { return assigned }
        guard let backup = record.backupID else { return nil }
        if let backupRecord = try store.specialist(backup), backupRecord.isAway(at: now) { return nil }
        return backup
    }
}
