import Domain
import GRDB
import Policy

// The audit trail, written by the transaction itself: every record it saves is an entry, attributed to whoever the
// scheduler named for the input or tick being applied (`attribute(to:at:)`), and chained to the entry before.
// Entries are kept in memory and inserted together before the transaction commits (`flushAudit`), many rows per
// statement: one statement per entry cost the pipeline more than the entries themselves.

/// What a transaction knows of the trail: who causes what it writes now, the chain's head (read once), and the
/// entries not inserted yet.
final class AuditLog {
    var actor = AuditActor.scheduler
    var at = Instant(secondsSinceEpoch: 0)
    var head: (sequence: Int64, hash: String)?
    var unwritten: [AuditRecord] = []
}

private enum Statements {
    static let head = "SELECT sequence, hash FROM audit ORDER BY sequence DESC LIMIT 1"
    /// Rows per INSERT.
    static let rows = 64

    static func insert(rows: Int) -> String {
        "INSERT INTO audit (sequence, at, debtor_id, subject, action, actor, detail, hash) VALUES "
            + Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")
    }

    static let fullInsert = insert(rows: rows)
}

extension SQLiteTransaction {
    func attribute(to actor: AuditActor, at instant: Instant) {
        audit.actor = actor
        audit.at = instant
    }

    func audit(_ action: String, subject: String, debtorID: String?, _ detail: AuditDetail) throws {
        let head =
            try audit.head
            ?? fetchOne(Statements.head) {
                (try $0.decode(Int64.self, atIndex: 0), try $0.decode(String.self, atIndex: 1))
            }
            ?? (0, AuditChain.genesis)
        let sequence = head.sequence + 1
        let text = detail.json
        let hash = AuditChain.hash(
            previous: head.hash, sequence: sequence, at: audit.at, debtorID: debtorID, subject: subject,
            action: action, actor: audit.actor, detail: text)
        audit.unwritten.append(
            AuditRecord(
                sequence: sequence, at: audit.at, debtorID: debtorID, subject: subject, action: action,
                actor: audit.actor, detail: text, hash: hash))
        audit.head = (sequence, hash)
    }

    /// Inserts the entries kept so far; the store calls it before the transaction commits.
    func flushAudit() throws {
        var remaining = audit.unwritten[...]
        audit.unwritten.removeAll(keepingCapacity: true)
        while !remaining.isEmpty {
            let rows = remaining.prefix(Statements.rows)
            remaining = remaining.dropFirst(rows.count)
            var values: [(any DatabaseValueConvertible)?] = []
            values.reserveCapacity(rows.count * 8)
            for row in rows {
                values += [row.sequence, row.at, row.debtorID, row.subject, row.action, row.actor.description]
                values += [row.detail, row.hash]
            }
            let sql = rows.count == Statements.rows ? Statements.fullInsert : Statements.insert(rows: rows.count)
            try execute(sql, StatementArguments(values))
        }
    }

    // MARK: What each record's entry says

    /// A task's first entry says what it is about (debt, purpose, link); later ones what changed in its life, the
    /// rest being fixed when it is made (the subject, the task id, names it). Written for every hand-out, so lean.
    func audit(_ task: TaskRecord, created: Bool) throws {
        // Keys in order: the detail is then written without sorting.
        var detail = AuditDetail()
        detail.add("attempt", task.attempts)
        detail.add("channel", task.channel.rawValue)
        detail.add("closedReason", task.closedReason?.description)
        if created { detail.add("debtId", task.debtID) }
        detail.add("dueAt", task.dueAt)
        detail.add("leaseUntil", task.leaseUntil)
        if created {
            detail.add("link", task.link?.description)
            detail.add("priority", task.priority)
            detail.add("purpose", task.purpose.rawValue)
        }
        detail.add("queuedFor", task.queuedFor)
        detail.add("status", task.status.rawValue)
        detail.add("takenBy", task.takenBy)
        try audit("task.\(task.status.rawValue)", subject: task.id, debtorID: task.debtorID, detail)
    }

    /// No contact details: what the case is under and who keeps it.
    func audit(_ debtor: DebtorRecord) throws {
        var detail = AuditDetail()
        detail.add("creditorId", debtor.creditorID)
        detail.add("rulebook", debtor.rulebook)
        detail.add("strategy", debtor.strategy)
        detail.add("specialistId", debtor.specialistID)
        detail.add("optOuts", debtor.optOuts.map(\.rawValue).sorted().joined(separator: ","))
        detail.add("representative", debtor.representative == nil ? "none" : "on file")
        // Whether other cases' holds, opt-outs and contacts count here; not the key, which identifies a person.
        detail.add("personKey", debtor.personKey == nil ? "none" : "on file")
        try audit("debtor.saved", subject: debtor.id, debtorID: debtor.id, detail)
    }

    /// No amounts: the debt's state.
    func audit(_ debt: DebtRecord) throws {
        var detail = AuditDetail()
        detail.add("placementId", debt.placementID)
        detail.add("currency", debt.currency)
        detail.add("status", debt.status.rawValue)
        try audit("debt.\(debt.status.rawValue)", subject: debt.id, debtorID: debt.debtorID, detail)
    }

    func audit(_ hold: HoldRecord) throws {
        var detail = AuditDetail()
        detail.add("kind", hold.kind.rawValue)
        detail.add("debtId", hold.debtID)
        detail.add("since", hold.since)
        detail.add("until", hold.until)
        detail.add("liftedAt", hold.liftedAt)
        try audit(hold.liftedAt == nil ? "hold.set" : "hold.lifted", subject: hold.id, debtorID: hold.debtorID, detail)
    }

    func audit(_ entry: LedgerEntry) throws {
        var detail = AuditDetail()
        detail.add("debtId", entry.debtID)
        detail.add("channel", entry.channel.rawValue)
        detail.add("at", entry.at)
        detail.add("result", entry.result.rawValue)
        try audit("contact.\(entry.result.rawValue)", subject: entry.taskID, debtorID: entry.debtorID, detail)
    }

    func audit(_ decision: DecisionRecord) throws {
        var detail = AuditDetail()
        detail.add("decidedAt", decision.decidedAt)
        detail.add("decision", decision.decision.rawValue)
        detail.add("earliest", decision.earliest)
        // The worker is the entry's actor (`worker:host/pid`).
        detail.add("reasons", decision.reasons.map(\.rule.rawValue).joined(separator: ","))
        try audit(
            "decision.\(decision.decision.rawValue)", subject: decision.taskID, debtorID: decision.debtorID, detail)
    }

    func audit(_ promise: PromiseRecord) throws {
        var detail = AuditDetail()
        detail.add("debtId", promise.debtID)
        detail.add("taskId", promise.taskID)
        detail.add("date", promise.date)
        detail.add("status", promise.status.rawValue)
        try audit("promise.\(promise.status.rawValue)", subject: promise.id, debtorID: promise.debtorID, detail)
    }

    func audit(_ plan: PlanRecord) throws {
        var detail = AuditDetail()
        detail.add("debtId", plan.debtID)
        detail.add("instalments", plan.instalments.count)
        detail.add("paid", plan.instalments.filter { $0.paidAt != nil }.count)
        detail.add("status", plan.status.rawValue)
        try audit("plan.\(plan.status.rawValue)", subject: plan.id, debtorID: plan.debtorID, detail)
    }

    func audit(_ payment: PaymentRecord) throws {
        var detail = AuditDetail()
        detail.add("debtId", payment.debtID)
        detail.add("at", payment.at)
        try audit("payment.recorded", subject: payment.id, debtorID: payment.debtorID, detail)
    }

    func audit(_ response: SurveyResponseRecord) throws {
        var detail = AuditDetail()
        detail.add("debtId", response.debtID)
        detail.add("taskId", response.taskID)
        try audit("survey.answered", subject: response.id, debtorID: response.debtorID, detail)
    }

    func audit(_ specialist: SpecialistRecord) throws {
        var detail = AuditDetail()
        detail.add("awayUntil", specialist.awayUntil)
        detail.add("backupId", specialist.backupID)
        detail.add("joinedAt", specialist.joinedAt)
        detail.add("retiredAt", specialist.retiredAt)
        try audit("specialist.saved", subject: specialist.id, debtorID: nil, detail)
    }
}
