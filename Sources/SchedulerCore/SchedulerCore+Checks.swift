import Contract
import Domain
import Policy
import Store
import TactConfig

extension SchedulerCore {
    /// Whether the call of a task's hand-out may still be made, and the policy's view of the debtor as of now. A
    /// call that may be made is recorded as taken by the specialist who asked: it returns to be planned again if
    /// no outcome arrives in time (``returnUnreported(at:in:)``).
    ///
    /// The ledger in the snapshot leaves out the call itself: it entered the ledger when it was published, and
    /// must not count against its own cap.
    public func check(_ request: CallCheck, at now: Instant, in store: any StoreTransaction) throws -> CallCheckReply {
        store.attribute(to: .specialist(request.specialistId ?? "unknown"), at: now)
        let reply = try answer(request, at: now, in: store)
        // Refused or not, the question is on the trail: who asked about which call, and what they were told.
        var detail = AuditDetail()
        detail.add("attempt", request.attempt)
        detail.add("refusal", reply.refusal)
        detail.add("outcomeDue", reply.outcomeDue)
        let task = reply.refusal == "unknown-task" ? nil : try store.task(request.taskId)
        try store.audit("call.checked", subject: request.taskId, debtorID: task?.debtorID, detail)
        return reply
    }

    private func answer(_ request: CallCheck, at now: Instant, in store: any StoreTransaction) throws -> CallCheckReply
    {
        func refused(_ reason: String) -> CallCheckReply {
            CallCheckReply(taskId: request.taskId, refusal: reason, policy: nil)
        }
        guard var task = try store.task(request.taskId),
            task.channel == .call || task.closedReason == .reachedRepresentative
        else {
            return refused("unknown-task")
        }
        // Published (or taken, when an answer was lost) with this hand-out; anything else (handed out again,
        // expired and planned again, cancelled) means this message is not the call Tact wants made.
        guard task.attempts == request.attempt, task.status == .done || task.status == .taken else {
            return refused("superseded")
        }
        guard let debtor = try store.debtor(task.debtorID), let rulebook = rulebooks[debtor.rulebook],
            let debt = try store.debt(task.debtID, ofDebtor: task.debtorID)
        else { return refused("unknown-task") }
        guard debt.status == .open else { return refused("debt-closed") }
        let own = try store.ledgerEntry(taskID: task.id)
        if let own, own.result != .pending { return refused("reported") }
        let due = outcomeDue(taking: request, at: now)
        let taken = TaskRecord.Transition.taken(by: request.specialistId ?? "unknown", outcomeDue: due)
        guard task.allows(taken) else { return refused("taken") }
        try task.apply(taken)
        try store.save(task)
        let person = try PolicySnapshot.person(of: debtor, under: rulebook, at: now, in: store)
        return CallCheckReply(
            taskId: task.id, refusal: nil,
            policy: .init(
                rulebook: debtor.rulebook, debtor: try person.debtor(debtor, aboutDebt: task.debtID),
                history: person.history(excluding: task.id)),
            outcomeDue: due)
    }

    /// When a call taken now returns if nobody reported on it: after the configured wait, else at the end of its
    /// window, but never sooner than ``minimumOutcomeWait`` (a call taken just before its window closes is still
    /// being made).
    func outcomeDue(taking request: CallCheck, at now: Instant) -> Instant {
        claimEnd(validUntil: request.validUntil, at: now)
    }

    /// Seconds a specialist has at least to report on a call taken with `tact next`, whatever its window.
    static let minimumOutcomeWait: Int64 = 900

    /// After a queued call's window ends, the broker expires it and it comes back (or it was taken, or reported);
    /// one still queued this long after was lost with its queue (a classic queue whose node is gone for good).
    static let lostCallGrace: Int64 = 900

    /// Calls taken and not reported on in time return to be planned again; their ledger entry stays, as a contact
    /// that may have been made, until the next hand-out's contact replaces it. Reminders claimed and not reported
    /// on end as unconfirmed claims. Queued calls that never came back from their queue are planned again the same
    /// way: a copy may still be in a queue (a classic queue expires only at its head) and be dialled by a gateway
    /// that reports without `tact next`, whose late outcome then closes the new plan. Returns how many of each.
    public func returnUnreported(
        at now: Instant, in store: any StoreTransaction
    ) throws -> (returned: Int, unconfirmed: Int, lost: Int) {
        store.attribute(to: .scheduler, at: now)
        let lost = try store.lostQueuedCalls(at: now, limit: configuration.scheduler.dispatchBatch)
        for var task in lost {
            try task.apply(.expired(retryAt: now.adding(seconds: Self.expiryPause)))
            if let hold = try stepBackInProgress(ofDebtor: task.debtorID, besides: task, in: store) {
                try task.apply(.closed(.hold(hold)))
            }
            try store.save(task)
        }
        let overdue = try store.overdueTakenCalls(at: now, limit: configuration.scheduler.dispatchBatch)
        var unconfirmed = 0
        for var task in overdue {
            // A contact a sender claimed and did not report on may have been sent: never again automatically. Its
            // ledger entry stays, counting as a contact made. A call taken with `tact next` is planned again.
            guard task.claimingSender == nil else {
                try task.apply(.closed(.claimUnconfirmed))
                try store.save(task)
                unconfirmed += 1
                continue
            }
            try task.apply(.unreported(retryAt: now.adding(seconds: Self.expiryPause)))
            // As for an expired call: a step back begun meanwhile has its own gentle call.
            if let hold = try stepBackInProgress(ofDebtor: task.debtorID, besides: task, in: store) {
                try task.apply(.closed(.hold(hold)))
            }
            try store.save(task)
        }
        return (overdue.count - unconfirmed, unconfirmed, lost.count)
    }
}
