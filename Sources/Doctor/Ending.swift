import Domain
import Store

/// How a task that is over ended, as far as what may follow it: whether its debt may rest after it.
enum Ending: Equatable {
    /// A conversation with the person or their representative: what comes next is the specialist's to arrange.
    case spoke
    /// Stopped by the person, the law or the policy (a cease, an opt-out, a hold, a rule): only an event resumes.
    case stopped(ClosedReason)
    /// Stopped by a step back of this kind: the step back's gentle call stands in for it.
    case steppedBack(HoldKind)
    /// Replaced by a promise or a plan, or ended with one: what follows is the arrangement's.
    case superseded(ClosedReason)
    /// A reminder, delivered or not (or a call reported as one): it plans nothing after itself.
    case reminded(ContactResult)
    /// A call that reached nobody (no answer, voicemail, not connected, failed): another call must follow it.
    case unanswered(ContactResult)
    /// Nothing was made and nobody stopped it: how, in a few words.
    case lost(String)

    /// - Parameter contact: the task's ledger entry, if it has one.
    /// - Parameter gentleKind: the step back whose gentle call the task is, if it is one.
    init(_ task: TaskRecord, contact: LedgerEntry?, gentleKind: HoldKind?) {
        guard task.status == .cancelled, let reason = task.closedReason else {
            self = task.status == .cancelled ? .lost("was cancelled without a reason") : Self.made(task, contact)
            return
        }
        switch reason {
        case .cease, .optOut, .suppressed:
            self = .stopped(reason)
        case .hold(let kind):
            // A step back's own gentle call closed for its hold can only be the policy's doing (the hold has no end).
            self = ClosedReason.hold(kind).isStepBack && kind != gentleKind ? .steppedBack(kind) : .stopped(reason)
        // A follow-up of an outcome since corrected: the correction's own follow-up stands in for it. A validation
        // notice the first notice made unnecessary: the first notice stands in for it.
        case .replacedByPlan, .replacedByPromise, .promiseKept, .instalmentPaid, .promiseWithdrawn, .planWithdrawn,
            .outcomeCorrected, .validationGiven:
            self = .superseded(reason)
        case .reportedLate:
            self = Self.made(task, contact)
        // Claimed by its sender and never reported on: it may have been sent, and is not sent again.
        case .claimUnconfirmed:
            self = .reminded(contact?.result ?? .pending)
        case .paid, .planCompleted, .debtClosed, .debtRecalled, .debtNoLongerOpen:
            self = .lost("ended \(reason)")
        case .noDecision:
            self = .lost("ended no-decision: no worker decided it")
        case .unresolvable:
            self = .lost("ended unresolvable: it could not be sent")
        case .reachedRepresentative:
            self = .lost("was cancelled as reaching the representative")
        }
    }

    /// A contact that was made: by its reported result.
    private static func made(_ task: TaskRecord, _ contact: LedgerEntry?) -> Ending {
        guard let result = contact?.result, result != .pending else {
            return .lost("was published and is missing from the ledger")
        }
        switch (result, task.channel) {
        case (.conversation, _): return .spoke
        case (.delivered, _), (_, .sms), (_, .email), (_, .letter): return .reminded(result)
        case (_, .call): return .unanswered(result)
        }
    }

    /// Whether a step back's gentle call that ended so did its part: it was made (whatever came of it), or the
    /// person, the law or the policy stopped it, as they would have stopped what it stood for.
    var standsForAStepBack: Bool {
        switch self {
        case .spoke, .stopped, .reminded, .unanswered: true
        case .steppedBack, .superseded, .lost: false
        }
    }
}
