import Domain
import Store

/// Where a task stands, as the invariants see it: the lifecycle's states, with `done` told apart by its ledger
/// entry, since a contact published and waiting for its outcome is not over yet.
enum TaskStage: String {
    /// Pending: planned for its due time (or deferred to it by the policy).
    case planned
    /// In flight: a worker is deciding it.
    case handedOut = "handed out"
    /// Published, its outcome not reported: waiting in a queue, with a gateway, or with the representative.
    case queued
    /// A call a specialist took with `tact next`, or a contact a sender claimed with a contact check, not reported
    /// on.
    case taken
    /// Made and reported on, or cancelled.
    case over

    /// - Parameter contact: the task's ledger entry, if it has one.
    init(_ task: TaskRecord, contact: LedgerEntry?) {
        switch task.status {
        case .pending: self = .planned
        case .inFlight: self = .handedOut
        case .taken: self = .taken
        case .cancelled: self = .over
        case .done:
            if let contact {
                self = contact.result == .pending ? .queued : .over
            } else {
                // A redirect enters the ledger only with its outcome.
                self = task.closedReason == .reachedRepresentative && task.takenBy == nil ? .queued : .over
            }
        }
    }

    var isOpen: Bool { self != .over }
}
