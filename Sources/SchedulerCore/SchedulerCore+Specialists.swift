import Contract
import Domain
import Policy
import Store

extension SchedulerCore {
    /// A specialist away, back, taking a case over, joining or retiring. Continuity is the rule: a debtor keeps
    /// their specialist for the life of the case, and an absence only lends the calls to a backup (or the pool)
    /// until it ends. Every specialist named must be on the roster, except the one who joins.
    ///
    /// An absence, a hand-over or a retirement moves at once the calls not taken yet that it routes elsewhere,
    /// queued ones included (``reroute(beingDecided:queued:at:in:)``); a return only routes the next calls.
    func apply(_ change: SpecialistChange, at now: Instant, in store: any StoreTransaction) throws {
        var record = try store.specialist(change.specialistId) ?? SpecialistRecord(id: change.specialistId)
        if change.action != .join { try requireOnRoster(change.specialistId, field: "specialistId", in: store) }
        let meaning = try change.meaning()
        let beingDecided = try callsBeingDecided(affectedBy: meaning, at: now, in: store)
        var queued: [TaskRecord] = []
        switch meaning {
        case .away(let until, let backup):
            if let backup { try requireOnRoster(backup, field: "backupId", in: store) }
            record.awayUntil = until
            record.backupID = backup
            try store.save(record)
            queued = try store.queuedCalls(for: change.specialistId)
        case .back:
            record.awayUntil = nil
            record.backupID = nil
            try store.save(record)
        case .handover(let creditorID, let debtorID):
            guard let creditorID, let debtor = try store.debtor(Self.key(creditor: creditorID, debtor: debtorID))
            else {
                throw ContractError(.unknownReference, field: "debtorId", "no debtor with this id was placed")
            }
            try hand(debtor, to: change.specialistId, by: change, cause: .handover, at: now, in: store)
            queued = try queuedCalls(ofDebtor: debtor.id, in: store)
        case .join:
            if record.retiredAt != nil || record.joinedAt == nil { record.joinedAt = now }
            record.retiredAt = nil
            try store.save(record)
        case .retire(let successor):
            queued = try retire(record, to: successor, by: change, at: now, in: store)
        }
        try reroute(beingDecided: beingDecided, queued: queued, at: now, in: store)
    }

    /// Takes a specialist off the roster. No case is left with nobody: each moves for good to the successor the
    /// change names (`backupId`), else to the pool. Calls they took stay theirs to report on. Returns the calls
    /// queued for them or for their cases, which may have to move.
    private func retire(
        _ specialist: SpecialistRecord, to successor: String?, by change: SpecialistChange, at now: Instant,
        in store: any StoreTransaction
    ) throws -> [TaskRecord] {
        if let successor { try requireOnRoster(successor, field: "backupId", in: store) }
        var record = specialist
        record.retiredAt = now
        record.awayUntil = nil
        record.backupID = nil
        try store.save(record)
        var queued = try store.queuedCalls(for: specialist.id)
        var seen = Set(queued.map(\.id))
        for debtor in try store.debtors(ofSpecialist: specialist.id) {
            try hand(debtor, to: successor, by: change, cause: .retirement, at: now, in: store)
            queued += try queuedCalls(ofDebtor: debtor.id, in: store).filter { seen.insert($0.id).inserted }
        }
        return queued
    }

    /// The debtor's published calls still waiting in a queue (not taken).
    private func queuedCalls(ofDebtor debtorID: String, in store: any StoreTransaction) throws -> [TaskRecord] {
        try store.tasks(ofDebtor: debtorID, statuses: [.done]).filter { $0.queuedFor != nil }
    }

    /// Moves the debtor's case to `specialist` (`nil`: the pool) for good, and records the move for its timeline.
    private func hand(
        _ debtor: DebtorRecord, to specialist: String?, by change: SpecialistChange, cause: HandoverRecord.Cause,
        at now: Instant, in store: any StoreTransaction
    ) throws {
        guard debtor.specialistID != specialist else { return }
        var debtor = debtor
        try store.save(
            HandoverRecord(
                changeID: change.changeId, debtorID: debtor.id, fromID: debtor.specialistID, toID: specialist, at: now,
                cause: cause))
        debtor.specialistID = specialist
        try store.save(debtor)
    }

    /// Where the specialist stands on the roster: the service file's list, with the store's joins and retirements
    /// over it.
    func standing(of specialistID: String, in store: any StoreReading) throws -> SpecialistRecord.Standing {
        SpecialistRecord.standing(of: try store.specialist(specialistID), listed: roster.contains(specialistID))
    }

    /// Refuses a specialist who is not on the roster, naming the field that named them.
    func requireOnRoster(_ specialistID: String, field: String, in store: any StoreReading) throws {
        switch try standing(of: specialistID, in: store) {
        case .member: return
        case .retired:
            throw ContractError(.unknownReference, field: field, "this specialist retired from the roster")
        case .unknown:
            throw ContractError(.unknownReference, field: field, "no specialist with this id is on the roster")
        }
    }

    /// Whose queue the debtor's call goes to at `now`: their specialist's, unless away; then the backup's (if not away
    /// or off the roster too); else the pool. A specialist no longer on the roster (taken off the service file) gets
    /// no calls: the pool does.
    func routeCall(for debtor: DebtorRecord, at now: Instant, in store: any StoreReading) throws -> String? {
        try routeCall(assignedTo: debtor.specialistID, at: now, in: store)
    }

    /// Whose queue the call of a debtor assigned to `assigned` (or to nobody) goes to at `now`.
    func routeCall(assignedTo assigned: String?, at now: Instant, in store: any StoreReading) throws -> String? {
        guard let assigned else { return nil }
        let record = try store.specialist(assigned)
        guard isOnRoster(assigned, record) else { return nil }
        guard let record, record.isAway(at: now) else { return assigned }
        guard let backup = record.backupID else { return nil }
        let backupRecord = try store.specialist(backup)
        guard isOnRoster(backup, backupRecord), !(backupRecord?.isAway(at: now) ?? false) else { return nil }
        return backup
    }

    private func isOnRoster(_ specialistID: String, _ record: SpecialistRecord?) -> Bool {
        SpecialistRecord.standing(of: record, listed: roster.contains(specialistID)) == .member
    }
}
