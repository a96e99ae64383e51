import Contract
import Domain
import Policy
import Store

extension SchedulerCore {
    /// Whether the call of a task's hand-out may still be made, and the policy's view of the debtor as of now.
    ///
    /// The ledger in the snapshot leaves out the call itself: it entered the ledger when it was published, and
    /// must not count against its own cap.
    public func check(_ request: CallCheck, at now: Instant, in store: any StoreReading) throws -> CallCheckReply {
        func refused(_ reason: String) -> CallCheckReply {
            CallCheckReply(taskId: request.taskId, refusal: reason, policy: nil)
        }
        guard let task = try store.task(request.taskId),
            task.channel == .call || task.closedReason == .reachedRepresentative
        else {
            return refused("unknown-task")
        }
        // Done with this hand-out's contact published; anything else (handed out again, expired and planned again,
        // cancelled) means this message is not the call Tact wants made.
        guard task.attempts == request.attempt, task.status == .done else { return refused("superseded") }
        guard let debtor = try store.debtor(task.debtorID), let rulebook = rulebooks[debtor.rulebook],
            let debt = try store.debt(task.debtID, ofDebtor: task.debtorID)
        else { return refused("unknown-task") }
        guard debt.status == .open else { return refused("debt-closed") }
        let own = try store.ledgerEntry(taskID: task.id)
        if let own, own.result != .pending { return refused("reported") }
        let ledger = try store.ledger(ofDebtor: debtor.id, since: PolicySnapshot.historyStart(for: rulebook, at: now))
        let snapshot = try PolicySnapshot.debtor(
            debtor, holds: try store.activeHolds(ofDebtor: debtor.id), aboutDebt: task.debtID)
        return CallCheckReply(
            taskId: task.id, refusal: nil,
            policy: .init(
                rulebook: debtor.rulebook, debtor: snapshot,
                history: PolicySnapshot.history(ledger.filter { $0.taskID != task.id })))
    }
}
