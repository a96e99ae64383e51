import Domain
import Policy

/// A sender asks the scheduler, at the moment of sending a reminder or dialling a call, whether the contact may
/// still be made, and claims it (queue `tact.scheduler.checks`, with `reply_to` and `correlation_id`). A contact
/// may wait in its queue for hours, and its decision knows nothing of a cease, a death, an opt-out or an amendment
/// recorded since; after a scheduler crash the same contact may also be published twice.
///
/// The scheduler answers from the store as of now: whether the hand-out is still the one Tact wants made, and
/// whether the policy allows it now. A contact it allows is claimed by `senderId`: a copy of the same `message_id`
/// checked by anyone else is told `claimed` and must be dropped. The sender reports the outcome by `reportBy`;
/// a claim without one by then is reported to operators as unconfirmed, and the contact is never sent again
/// automatically (a call comes back to be planned again, as with `tact next`).
public struct ContactCheck: ContractMessage, Equatable {
    public static let messageType = "contact-check"

    public var type = ContactCheck.messageType
    public var version = 1
    /// The contact's `taskId` (its `message_id`).
    public var taskId: String
    /// The contact's `attempt`: the hand-out it came from.
    public var attempt: Int
    /// Who sends it: a gateway's or specialist's id, recorded as the claim's holder.
    public var senderId: String
    /// The contact's `validUntil`, if it has one.
    public var validUntil: Instant?

    public init(taskId: String, attempt: Int, senderId: String, validUntil: Instant? = nil) {
        self.taskId = taskId
        self.attempt = attempt
        self.senderId = senderId
        self.validUntil = validUntil
    }

    public func validate() throws(ContractError) {
        try Check.identifier(taskId, "taskId")
        try Check.identifier(senderId, "senderId")
        guard attempt >= 1 else { throw ContractError(.invalidField, field: "attempt", "must be at least 1") }
    }
}

/// The scheduler's answer to a ``ContactCheck``.
public struct ContactCheckReply: ContractMessage, Equatable {
    public static let messageType = "contact-check-reply"
    /// Written by Tact itself; not held to ``InputBounds``.
    public static var comesFromOutside: Bool { false }

    /// Send it, or why not.
    public enum Verdict: String, Codable, Sendable, CaseIterable {
        /// Claimed for the sender: send it, then report the outcome by `reportBy`.
        case send
        /// No such task, or not a contact Tact published.
        case unknownTask = "unknown-task"
        /// The task was handed out again, withdrawn or closed since (a cease, an opt-out, a bereavement, an
        /// amendment, a recall): this copy is not the contact Tact wants made.
        case superseded
        /// Its debt was paid, closed or recalled.
        case debtClosed = "debt-closed"
        /// An outcome was already reported for it.
        case reported
        /// Another sender claimed it: this is a second copy.
        case claimed
        /// The policy does not allow it now (`reasons` say why); the scheduler plans it again.
        case notPermitted = "not-permitted"
    }

    public var type = ContactCheckReply.messageType
    public var version = 1
    public var taskId: String
    public var verdict: Verdict
    /// For `not-permitted`: the rules that block it now.
    public var reasons: [PolicyDecision.Reason]?
    /// For `send`: when the claim ends; report the outcome before.
    public var reportBy: Instant?

    public init(taskId: String, verdict: Verdict, reasons: [PolicyDecision.Reason]? = nil, reportBy: Instant? = nil) {
        self.taskId = taskId
        self.verdict = verdict
        self.reasons = reasons
        self.reportBy = reportBy
    }

    public func validate() throws(ContractError) {
        try Check.identifier(taskId, "taskId")
        if verdict == .send, reportBy == nil {
            throw ContractError(.missingField, field: "reportBy", "required with send")
        }
    }
}
