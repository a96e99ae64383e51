import Domain
import Policy
import Store

/// The scheduler's invariants over one debtor's records, checked without I/O (`tact doctor`, the pipeline and
/// simulation tests). A task is *open* while it is planned (pending), handed out (in flight), queued (published, its
/// outcome not reported) or taken; otherwise it is over.
///
/// 1. **Every open debt has a next step** (`no-next-step`): exactly one state applies to it, the first of these that
///    holds.
///    - *In progress*: a task about it (not the survey) is open.
///    - *A step back*: the debtor has an open gentle call (bereavement, hardship); it is planned for when its hold
///      ends and stands for every debt of the person.
///    - *A stopping hold*: a hold about it is in force with no end, neither reported nor set by the rulebook (a
///      cease, a dispute, a hardship where the rulebook sets no period, a death with no representative on file): the
///      policy lets nothing through until an event lifts it.
///    - *A legitimate end*, judged by its last calls (the call tasks created last: reminders plan nothing after
///      themselves), each of which ended in a conversation (the specialist arranges what follows); in a stop by the
///      person, the law or the policy (a cease, an opt-out, a hold, a suppressing rule); in a step back whose gentle
///      call was made or stopped that way; in a ring that reached nobody with another call created after it; or,
///      while a payment plan about the debt is active, in a ring that reached nobody or a replacement by an
///      arrangement (the plan's reminders and checks are what follows).
///
///    Anything else is a case stopped with nothing planned and no reason: a last call no worker decided, that could
///    not be sent, that reached nobody with no call after it, that a step back stopped while its gentle call was
///    never made (it ended with another debt, say), or no call planned at all.
/// 2. **At most one open task per purpose per debt** (`duplicate-open-purpose`), an instalment's reminder and call
///    per instalment; gentle calls are counted per debtor, by invariant 3. A reminder already published counts as
///    made (its gateway may never report on it), a queued call as open (nobody has called yet).
/// 3. **A step back leaves exactly one gentle call.** At most one gentle call of the debtor is open
///    (`two-gentle-calls`); while one is, no other task of the debtor but a survey or a validation notice (owed by
///    law, deferred by the policy's holds) is planned or handed out, and
///    none queued or taken was published after the step back began (`step-back-leak`). A contact published before
///    is on its way back: the scheduler closes it for the hold when it expires, is given back or returns unreported.
public enum InvariantCheck {
    /// Every broken invariant of the case as of `now`, the debtor's first, then each debt's by debt id.
    ///
    /// - Parameter rulebook: the debtor's rulebook, which ends holds reported without an end (`nil` if unknown:
    ///   such holds then never end, as the scheduler cannot send anything under an unknown rulebook).
    public static func violations(in records: DebtorRecords, rulebook: Rulebook?, at now: Instant) -> [Violation] {
        let view = CaseView(records, rulebook: rulebook, at: now)
        var violations = stepBack(view)
        for debt in records.debts.sorted(by: { $0.id < $1.id }) where debt.status == .open {
            violations += duplicatePurposes(about: debt, view)
            if let missing = nextStep(of: debt, view) { violations.append(missing) }
        }
        return violations
    }
}
