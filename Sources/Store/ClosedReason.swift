import Domain
import Policy

/// Why a task ended: for a `cancelled` task what stopped it, for a `done` one whom it reached when that was not the
/// debtor. Stored as its ``description`` (`hold:bereavement`, `opt-out`, `no-decision`, …).
public enum ClosedReason: Sendable, Hashable, Codable, LosslessStringConvertible {
    /// Done: the contact went to the debtor's representative (a redirect), not to the debtor.
    case reachedRepresentative
    /// A hold of this kind began (a bereavement, a dispute, …).
    case hold(HoldKind)
    /// The debtor asked Tact to stop (a cease).
    case cease
    /// The debtor opted out of the task's channel.
    case optOut
    /// The policy suppressed it, for this rule (one that is not a hold or an opt-out).
    case suppressed(RuleID)
    /// A payment plan replaced the chasing it was part of.
    case replacedByPlan
    /// A promise to pay replaced the chasing it was part of.
    case replacedByPromise
    /// The promise it followed up was kept.
    case promiseKept
    /// The instalment it followed up was paid.
    case instalmentPaid
    /// The promise it followed up was withdrawn, or superseded once broken (a newer promise or plan, or its debt
    /// closed).
    case promiseWithdrawn
    /// The plan it followed up was withdrawn (its debt closed).
    case planWithdrawn
    /// Its debt was paid.
    case paid
    /// Its debt's plan was completed.
    case planCompleted
    /// The creditor closed its debt.
    case debtClosed
    /// The creditor recalled its debt.
    case debtRecalled
    /// Its debt was no longer open when it fell due (paid or closed meanwhile).
    case debtNoLongerOpen
    /// Its debt or debtor is gone, so nothing can be sent.
    case unresolvable
    /// No worker decided it in the attempts allowed.
    case noDecision
    /// Its call came back without an outcome and was planned again; then the outcome arrived after all, so the call
    /// was made and is not made twice.
    case reportedLate
    /// The outcome it followed up was corrected (a follow-up call after an unanswered call that was, after all,
    /// answered).
    case outcomeCorrected
    /// Its reminder was claimed by a sender's contact check and no outcome arrived in time: it may or may not have
    /// been sent, so it is not sent again, and operators are told.
    case claimUnconfirmed
    /// A validation notice not needed after all: the first notice, by letter or e-mail, carried the information.
    case validationGiven

    /// The stored spelling.
    public var description: String {
        switch self {
        case .reachedRepresentative: "redirect"
        case .hold(let kind): RuleID.hold(kind).rawValue
        case .cease: "cease"
        case .optOut: "opt-out"
        case .suppressed(let rule): rule.rawValue
        case .replacedByPlan: "plan"
        case .replacedByPromise: "promise"
        case .promiseKept: "promise-kept"
        case .instalmentPaid: "instalment-paid"
        case .promiseWithdrawn: "promise-withdrawn"
        case .planWithdrawn: "plan-withdrawn"
        case .paid: "payment"
        case .planCompleted: "plan-completed"
        case .debtClosed: "closed"
        case .debtRecalled: "debt-recalled"
        case .debtNoLongerOpen: "debt-closed"
        case .unresolvable: "unresolvable"
        case .noDecision: "no-decision"
        case .reportedLate: "reported-late"
        case .outcomeCorrected: "outcome-corrected"
        case .claimUnconfirmed: "claim-unconfirmed"
        case .validationGiven: "validation-given"
        }
    }

    /// The reason a stored spelling names. A spelling that is no other reason is a policy rule's id: rules are
    /// open-ended (a newer rulebook may bring one).
    public init(_ description: String) {
        if description.hasPrefix("hold:"), let kind = HoldKind(rawValue: String(description.dropFirst(5))) {
            self = .hold(kind)
            return
        }
        let plain: [ClosedReason] = [
            .reachedRepresentative, .cease, .optOut, .replacedByPlan, .replacedByPromise, .promiseKept,
            .instalmentPaid, .promiseWithdrawn, .planWithdrawn, .paid, .planCompleted, .debtClosed, .debtRecalled,
            .debtNoLongerOpen,
            .unresolvable, .noDecision, .reportedLate, .outcomeCorrected, .claimUnconfirmed, .validationGiven,
        ]
        self = plain.first { $0.description == description } ?? .suppressed(RuleID(rawValue: description))
    }

    /// Why a suppressed task ended: its first reason's rule. A hold or an opt-out is the same reason whether the
    /// event or the policy stopped the task.
    public init(suppressedBy rule: RuleID?) {
        guard let rule else {
            self = .suppressed(RuleID(rawValue: "suppress"))
            return
        }
        self = ClosedReason(rule.rawValue)
    }

    /// A step back (bereavement, hardship): the task may be revived when the gentle call that follows was made.
    public var isStepBack: Bool { self == .hold(.bereavement) || self == .hold(.hardship) }

    /// Ended by a promise: replaced by it (chasing), or its promise or plan withdrawn by it. The task may be revived
    /// when that promise is corrected away (the outcome that carried it was not a promise after all).
    public var isReplacedByPromise: Bool { [.replacedByPromise, .promiseWithdrawn, .planWithdrawn].contains(self) }

    /// Whether a task cancelled for this reason may be revived (``TaskRecord/Transition/revived(dueAt:channel:)``).
    public var isRevivable: Bool { isStepBack || isReplacedByPromise }

    public init(from decoder: any Decoder) throws {
        self = ClosedReason(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
