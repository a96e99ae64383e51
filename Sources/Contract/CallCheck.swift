import Domain
import Policy

/// `tact next` asks the scheduler, before showing a call to a specialist, whether it may still be made (queue
/// `tact.scheduler.checks`, with `reply_to` and `correlation_id`). A call may wait in a specialist's queue for
/// hours, and its snapshot knows nothing of a cease, a death or a conversation recorded since.
///
/// A check the scheduler allows also records the call as taken, by `specialistId`: if no outcome arrives by the end
/// of the call's window (`validUntil`, or the service file's `scheduler.outcomeWaitSeconds`), the call returns to be
/// planned again. A copy of a call someone else took is refused (`taken`).
public struct CallCheck: ContractMessage, Equatable {
    public static let messageType = "call-check"

    public var type = CallCheck.messageType
    public var version = 1
    public var taskId: String
    /// The hand-out the call came from.
    public var attempt: Int
    /// Who takes the call: the specialist whose queue it came from, or who took it from the pool (`pool` when
    /// nobody was named). Absent from checks of earlier tools, which are recorded as taken by `unknown`.
    public var specialistId: String?
    /// The call's `validUntil`: the end of the window in which it may be made.
    public var validUntil: Instant?

    public init(taskId: String, attempt: Int, specialistId: String? = nil, validUntil: Instant? = nil) {
        self.taskId = taskId
        self.attempt = attempt
        self.specialistId = specialistId
        self.validUntil = validUntil
    }

    public func validate() throws(ContractError) {
        try Check.identifier(taskId, "taskId")
        if let specialistId { try Check.identifier(specialistId, "specialistId") }
    }
}

/// The scheduler's answer to a ``CallCheck``: why the call may not be made at all, or the policy's view of the
/// debtor as the scheduler knows it now, for the tool to evaluate at the moment of calling.
public struct CallCheckReply: ContractMessage, Equatable {
    public static let messageType = "call-check-reply"
    /// Written by Tact itself; not held to ``InputBounds``.
    public static var comesFromOutside: Bool { false }

    public var type = CallCheckReply.messageType
    public var version = 1
    public var taskId: String
    /// Set when the call must not be made whatever the policy says: `unknown-task`, `superseded` (the task was
    /// handed out again or closed since), `debt-closed`, `reported` (an outcome was already recorded for it),
    /// `taken` (another specialist took a copy of it).
    public var refusal: String?
    /// The rulebook, the debtor's holds, opt-outs and zones, and the ledger without this call, as of now.
    public var policy: CallContext.PolicySnapshot?
    /// Without a refusal: when the call returns to be planned again if no outcome was reported by then.
    public var outcomeDue: Instant?

    public init(
        taskId: String, refusal: String?, policy: CallContext.PolicySnapshot?, outcomeDue: Instant? = nil
    ) {
        self.taskId = taskId
        self.refusal = refusal
        self.policy = policy
        self.outcomeDue = outcomeDue
    }

    public func validate() throws(ContractError) {
        try Check.identifier(taskId, "taskId")
        if refusal == nil && policy == nil {
            throw ContractError(.missingField, field: "policy", "required without a refusal")
        }
    }
}
