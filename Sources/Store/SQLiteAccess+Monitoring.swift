import Domain
import GRDB
import Policy

// StoreMonitoring's queries. The backlog uses the partial indexes (task_ready, task_pending_due, task_lease,
// task_taken), so it reads due and in-flight tasks only, whatever the number of tasks waiting for later or done.
// The tool's queries read every pending task once (task_pending_due) and the audit trail from its end.

private enum Queries {
    static let ready = "SELECT count(*), min(due_at) FROM task WHERE ready = 1 AND due_at <= ?"
    static let due = "SELECT count(*) FROM task WHERE status = 'pending' AND due_at <= ?"
    static let inFlight = "SELECT count(*) FROM task WHERE status = 'in-flight'"
    static let taken = "SELECT count(*), count(CASE WHEN lease_until < ? THEN 1 END) FROM task WHERE status = 'taken'"
    static let pendingDueAt = "SELECT due_at FROM task WHERE status = 'pending'"
    /// The latest decision of each pending task decided at least once (found through decision_debtor).
    static let latestDecisions = """
        SELECT decision.decision, decision.reasons FROM task
        JOIN decision ON decision.sequence = (
            SELECT sequence FROM decision AS latest WHERE latest.debtor_id = task.debtor_id AND latest.task_id = task.id
            ORDER BY latest.decided_at DESC, latest.sequence DESC LIMIT 1)
        WHERE task.status = 'pending' AND task.attempts > 0
        """
    static let decisionsFromEnd = "SELECT worker, decided_at FROM decision ORDER BY sequence DESC"
    static let specialists = """
        SELECT specialist_id FROM debtor WHERE specialist_id IS NOT NULL
        UNION SELECT id FROM specialist UNION SELECT backup_id FROM specialist WHERE backup_id IS NOT NULL
        ORDER BY 1
        """
    static let outbox = "SELECT count(*) FROM outbox"
    /// A scan of the task table: for `tact status`, not for the scheduler's loops.
    static let givenUp = "SELECT count(*) FROM task WHERE status = 'cancelled' AND closed_reason = 'no-decision'"
    static let unconfirmedClaims =
        "SELECT count(*) FROM task WHERE status = 'cancelled' AND closed_reason = 'claim-unconfirmed'"
    /// Open debts whose first validation notice was planned before the cutoff and none has reached the person (nor
    /// was made unnecessary by a first notice that carried the information).
    static let lateValidationNotices = """
        SELECT count(*) FROM (
            SELECT debtor_id, debt_id, min(created_at) AS first FROM task WHERE purpose = 'validation-notice'
            GROUP BY debtor_id, debt_id
        ) AS owed
        JOIN debt ON debt.debtor_id = owed.debtor_id AND debt.id = owed.debt_id AND debt.status = 'open'
        WHERE owed.first < ?
        AND NOT EXISTS (
            SELECT 1 FROM task AS notice LEFT JOIN ledger ON ledger.task_id = notice.id
            WHERE notice.debtor_id = owed.debtor_id AND notice.debt_id = owed.debt_id
            AND notice.purpose = 'validation-notice'
            AND (ledger.result = 'delivered' OR notice.closed_reason = 'validation-given')
        )
        """
}

extension SQLiteAccess {
    func dueBacklog(at now: Instant) throws -> DueBacklog {
        let ready = try fetchOne(Queries.ready, [now.secondsSinceEpoch]) { row in
            (try row.decode(Int.self, atIndex: 0), try row.decode(Int64?.self, atIndex: 1))
        }
        let taken = try fetchOne(Queries.taken, [now.secondsSinceEpoch]) { row in
            (try row.decode(Int.self, atIndex: 0), try row.decode(Int.self, atIndex: 1))
        }
        return DueBacklog(
            due: try count(Queries.due, [now.secondsSinceEpoch]), ready: ready?.0 ?? 0,
            oldestReadyDueAt: ready?.1.map(Instant.init(secondsSinceEpoch:)), inFlight: try count(Queries.inFlight),
            taken: taken?.0 ?? 0, takenOverdue: taken?.1 ?? 0)
    }

    func pendingTasks(at now: Instant, within horizons: [Int64]) throws -> [Int] {
        let bounds = horizons.map { now.secondsSinceEpoch + $0 }
        var counts = Array(repeating: 0, count: bounds.count + 1)
        try forEach(Queries.pendingDueAt) { row in
            let dueAt = try row.decode(Int64.self, atIndex: 0)
            counts[bounds.firstIndex { dueAt <= $0 } ?? bounds.count] += 1
            return true
        }
        return counts
    }

    func pendingReasons() throws -> PendingReasons {
        var reasons = PendingReasons(deferredByRule: [:], returned: 0)
        try forEach(Queries.latestDecisions) { row in
            let kind = try row.decode(PolicyDecision.Kind.self, forColumn: "decision")
            switch kind {
            case .defer:
                let given = try StoredJSON.decode(
                    [PolicyDecision.Reason].self, from: try row.decode(forColumn: "reasons"), column: "reasons",
                    path: path)
                let rule = given.first?.rule.rawValue
                reasons.deferredByRule[rule ?? "none", default: 0] += 1
            case .allow, .redirect:
                reasons.returned += 1
            case .suppress:
                // A suppressed task is cancelled; one pending again was re-created by a later event.
                break
            }
            return true
        }
        return reasons
    }

    func workerActivity(since: Instant) throws -> [WorkerActivity] {
        // Decisions are appended roughly in the order workers made them; reading from the end stops once well
        // past `since`, with slack for decisions that arrived late or from a clock behind.
        let stop = since.secondsSinceEpoch - 300
        var workers: [String: WorkerActivity] = [:]
        try forEach(Queries.decisionsFromEnd) { row in
            let decidedAt = try row.decode(Int64.self, atIndex: 1)
            guard decidedAt >= stop else { return false }
            guard decidedAt >= since.secondsSinceEpoch else { return true }
            let worker = try row.decode(String.self, atIndex: 0)
            let at = Instant(secondsSinceEpoch: decidedAt)
            var activity = workers[worker] ?? WorkerActivity(worker: worker, decisions: 0, lastDecidedAt: at)
            activity.decisions += 1
            activity.lastDecidedAt = max(activity.lastDecidedAt, at)
            workers[worker] = activity
            return true
        }
        return workers.values.sorted { ($0.decisions, $1.worker) > ($1.decisions, $0.worker) }
    }

    func specialistIDs() throws -> [String] {
        try fetchAll(Queries.specialists) { try $0.decode(String.self, atIndex: 0) }
    }

    func outboxCount() throws -> Int { try count(Queries.outbox) }

    func givenUpCount() throws -> Int { try count(Queries.givenUp) }

    func unconfirmedClaimCount() throws -> Int { try count(Queries.unconfirmedClaims) }

    func lateValidationNoticeCount(plannedBefore: Instant) throws -> Int {
        try fetchOne(Queries.lateValidationNotices, [plannedBefore.secondsSinceEpoch]) {
            try $0.decode(Int.self, atIndex: 0)
        } ?? 0
    }

    /// Steps through the rows of `sql` without keeping them, while `body` returns `true`.
    private func forEach(_ sql: String, _ body: (Row) throws -> Bool) throws {
        try translatingErrors(path: path) {
            let rows = try Row.fetchCursor(db.cachedStatement(sql: sql))
            while let row = try rows.next() {
                guard try body(row) else { return }
            }
        }
    }
}

extension SQLiteSnapshot: StoreMonitoring {}
