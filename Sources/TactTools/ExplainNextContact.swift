import Domain
import Policy
import SchedulerCore
import Store

/// The debtor's next planned contact: the open task due first, when it becomes permissible, and why not sooner.
///
/// When the policy already deferred that task to the time it is now due, its decision (from the audit trail) is
/// the answer. Otherwise — never decided, or brought back by an event since — the policy is asked now, with the
/// snapshot the scheduler would hand a worker at the task's due time (or now, if that has passed).
package struct ExplainNextContact {
    package enum Basis: String {
        /// The latest decision about the task.
        case decision
        /// The policy, evaluated by this command.
        case policy
    }

    package var task: TaskRecord
    package var basis: Basis
    /// When the policy was asked: the decision's time, or the instant this command evaluated at.
    package var decidedAt: Instant
    package var decision: PolicyDecision.Kind?
    /// When the contact becomes permissible; `nil` when it does not by itself (suppressed, debt closed, …).
    package var permissibleAt: Instant?
    /// Set when the task is planned for later than now, whatever the policy says: the cadence's choice.
    package var plannedFor: Instant?
    package var reasons: [PolicyDecision.Reason]
    /// When ``reasons`` hold: the decision's time, or now when the rules holding the contact back have changed
    /// since (a contact-hours reason at 06:00 may be a weekend's by 10:00).
    package var reasonsAt: Instant
    /// Said instead of reasons when the policy could not be asked (debt closed, rulebook missing).
    package var note: String?
    /// The rules that still hold the contact back once ``reasons`` end, in order, each from when it applies: a
    /// bereavement's cooling-off that ends on a holiday moves the contact past the holiday too, and says so.
    package var later: [(from: Instant, reasons: [PolicyDecision.Reason])] = []

    package static func find(in records: ExplainRecords, rulebooks: [String: Rulebook], now: Instant)
        -> ExplainNextContact?
    {
        let open = records.tasks.filter { $0.status == .pending || $0.status == .inFlight }
        guard let task = open.min(by: { ($0.dueAt, $0.id) < ($1.dueAt, $1.id) }) else { return nil }
        let plannedFor = task.dueAt > now ? task.dueAt : nil
        // The debtor's rulebook compiled once, for the policy asked now and for the rules after it.
        let policy = rulebooks[records.debtor.rulebook].flatMap { rulebook in
            (try? PolicyEngine(rulebook: rulebook)).map { (rulebook: rulebook, engine: $0) }
        }
        // A superseded decision moved nothing: it cannot be the answer.
        if let last = records.decisions.last(where: { $0.taskID == task.id }), last.decision == .defer,
            let earliest = last.earliest, earliest == task.dueAt,
            !last.isSuperseded
        {
            var next = ExplainNextContact(
                task: task, basis: .decision, decidedAt: last.decidedAt, decision: .defer, permissibleAt: earliest,
                reasons: last.reasons, reasonsAt: last.decidedAt)
            // The reasons as they stand now: the decision's may have stopped holding since, others taken over.
            if let policy, now > last.decidedAt, now < earliest,
                let request = request(for: task, records, rulebook: policy.rulebook, at: now)
            {
                let current = policy.engine.evaluate(request)
                if current.decision == .defer, !current.reasons.isEmpty {
                    next.reasons = current.reasons
                    next.reasonsAt = now
                }
            }
            if let policy {
                next.later = laterReasons(
                    after: next.reasons, until: earliest, task: task, records, rulebook: policy.rulebook,
                    engine: policy.engine)
            }
            return next
        }
        let at = max(now, task.dueAt)
        var next = ExplainNextContact(
            task: task, basis: .policy, decidedAt: at, permissibleAt: nil, plannedFor: plannedFor, reasons: [],
            reasonsAt: at)
        guard let debt = records.debts.first(where: { $0.id == task.debtID }), debt.status == .open else {
            next.note = "the debt is no longer open: the task is cancelled when it falls due"
            return next
        }
        guard let (rulebook, engine) = policy else {
            next.note = "rulebook \(records.debtor.rulebook) is not configured here: cannot evaluate"
            return next
        }
        guard let request = request(for: task, records, rulebook: rulebook, at: at) else {
            next.note = "the debtor's stored time zones are unknown to this system: cannot evaluate"
            return next
        }
        let decision = engine.evaluate(request)
        next.decision = decision.decision
        next.reasons = decision.reasons
        switch decision.decision {
        case .allow, .redirect: next.permissibleAt = at
        case .defer:
            next.permissibleAt = decision.earliest
            if let earliest = decision.earliest {
                next.later = laterReasons(
                    after: decision.reasons, until: earliest, task: task, records, rulebook: rulebook, engine: engine)
            }
        case .suppress: next.permissibleAt = nil
        }
        return next
    }

    /// Asks the policy again each time the rules that held the contact back end, until it becomes permissible at
    /// `earliest`: every rule on the way, each from when it holds the contact back.
    private static func laterReasons(
        after reasons: [PolicyDecision.Reason], until earliest: Instant, task: TaskRecord, _ records: ExplainRecords,
        rulebook: Rulebook, engine: PolicyEngine
    ) -> [(from: Instant, reasons: [PolicyDecision.Reason])] {
        var steps: [(from: Instant, reasons: [PolicyDecision.Reason])] = []
        var current = reasons
        var reached = Instant(secondsSinceEpoch: Int64.min)
        // A handful of steps covers a hold, a holiday, a weekend and the hours of a day; each must move on.
        for _ in 0..<8 {
            guard let from = current.compactMap(\.until).max(), from > reached, from < earliest,
                let request = request(for: task, records, rulebook: rulebook, at: from)
            else { break }
            let decision = engine.evaluate(request)
            guard decision.decision == .defer, !decision.reasons.isEmpty else { break }
            steps.append((from, decision.reasons))
            current = decision.reasons
            reached = from
        }
        return steps
    }

    /// What the scheduler puts in a task message (`SchedulerCore.workTask`), from the records: the same
    /// ``PolicySnapshot``.
    private static func request(
        for task: TaskRecord, _ records: ExplainRecords, rulebook: Rulebook, at: Instant
    ) -> PolicyRequest? {
        let since = PolicySnapshot.historyStart(for: rulebook, at: at)
        // Records built without the person (tests) stand for it with the case's own.
        let person =
            records.person
            ?? PolicySnapshot.Person(holds: records.holds, optOuts: records.debtor.optOuts, ledger: records.ledger)
        let history = person.history(since: since)
        guard let snapshot = try? person.debtor(records.debtor, aboutDebt: task.debtID) else { return nil }
        return PolicyRequest(
            now: at, contact: Contact(channel: task.channel, debtId: task.debtID), debtor: snapshot, history: history)
    }
}
