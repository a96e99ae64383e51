import Domain
import Policy

/// `tact next` asks the scheduler, before showing a call to a specialist, whether it may still be made (queue
/// `tact.scheduler.checks`, with `reply_to` and `correlation_id`). A call may wait in a specialist's queue for
/// hours, and its snapshot knows nothing of a cease, a death or a conversation recorded since.
public struct CallCheck: ContractMessage, Equatable {
    public static let messageType = "call-check"

    public var type = CallCheck.messageType
    public var version = 1
    public var taskId: String
    /// The hand-out the call came from.
    public var attempt: Int

    public init(taskId: String, attempt: Int) {
        self.taskId = taskId
        self.attempt = attempt
    }

    public func validate() throws(ContractError) {
        try Check.identifier(taskId, "taskId")
    }
}

/// The scheduler's answer to a ``CallCheck``: why the call may not be made at all, or the policy's view of the
/// debtor as the scheduler knows it now, for the tool to evaluate at the moment of calling.
public struct CallCheckReply: ContractMessage, Equatable {
    public static let messageType = "call-check-reply"

    public var type = CallCheckReply.messageType
    public var version = 1
    public var taskId: String
    /// Set when the call must not be made whatever the policy says: `unknown-task`, `superseded` (the task was
    /// handed out again or closed since), `debt-closed`, `reported` (an outcome was already recorded for it).
    public var refusal: String?
    /// The rulebook, the debtor's holds, opt-outs and zones, and the ledger without this call, as of now.
    public var policy: CallContext.PolicySnapshot?

    public init(taskId: String, refusal: String?, policy: CallContext.PolicySnapshot?) {
        self.taskId = taskId
        self.refusal = refusal
        self.policy = policy
    }

    public func validate() throws(ContractError) {
        try Check.identifier(taskId, "taskId")
        if refusal == nil && policy == nil {
            throw ContractError(.missingField, field: "policy", "required without a refusal")
        }
    }
}
