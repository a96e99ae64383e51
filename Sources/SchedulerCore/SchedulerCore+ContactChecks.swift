import Cadence
import Contract
import Domain
import Policy
import Store
import TactConfig

extension SchedulerCore {
    /// Whether a contact may be sent now, asked by its sender at the moment of sending (``ContactCheck``); the answer
    /// `send` claims it for the sender.
    ///
    /// The store says whether the hand-out is still the one Tact wants made (a cease, an opt-out, a bereavement or
    /// an amendment recorded since withdrew or replaced it); the policy, evaluated here on the person as the store
    /// knows them now, whether it is permitted now. A contact the policy no longer permits is planned again, as an
    /// expired one is, and its ledger entry goes: it was never made.
    public func check(
        _ request: ContactCheck, at now: Instant, in store: any StoreTransaction
    ) throws -> ContactCheckReply {
        store.attribute(to: .contactSender(request.senderId), at: now)
        let reply = try answer(request, at: now, in: store)
        // Refused or not, the question is on the trail: who asked about which contact, and what they were told.
        var detail = AuditDetail()
        detail.add("attempt", request.attempt)
        detail.add("verdict", reply.verdict.rawValue)
        detail.add("reasons", reply.reasons.map { $0.map(\.rule.rawValue).joined(separator: ",") })
        detail.add("reportBy", reply.reportBy)
        let task = reply.verdict == .unknownTask ? nil : try store.task(request.taskId)
        try store.audit("contact.checked", subject: request.taskId, debtorID: task?.debtorID, detail)
        return reply
    }

    private func answer(
        _ request: ContactCheck, at now: Instant, in store: any StoreTransaction
    ) throws -> ContactCheckReply {
        func verdict(_ verdict: ContactCheckReply.Verdict) -> ContactCheckReply {
            ContactCheckReply(taskId: request.taskId, verdict: verdict)
        }
        guard var task = try store.task(request.taskId) else { return verdict(.unknownTask) }
        // Published (or claimed by this sender, when its answer was lost) with this hand-out; anything else (handed
        // out again, expired and planned again, withdrawn, closed) means this copy is not the contact Tact wants.
        guard task.attempts == request.attempt, task.status == .done || task.status == .taken else {
            return verdict(.superseded)
        }
        guard let debtor = try store.debtor(task.debtorID), let rulebook = rulebooks[debtor.rulebook],
            let engine = engines[debtor.rulebook], let debt = try store.debt(task.debtID, ofDebtor: task.debtorID)
        else { return verdict(.unknownTask) }
        // The survey follows a debt's closing; every other contact is about an open debt.
        guard debt.status == .open || task.purpose == Strategy.Purpose.survey else { return verdict(.debtClosed) }
        if let own = try store.ledgerEntry(taskID: task.id), own.result != .pending { return verdict(.reported) }
        if task.status == .taken, task.takenBy != request.senderId { return verdict(.claimed) }

        // The policy on the person as of now, without this contact's own ledger entry (it must not count against
        // its own cap).
        let person = try PolicySnapshot.person(
            of: debtor, since: PolicySnapshot.historyStart(for: rulebook, at: now), in: store)
        let snapshot = try PolicySnapshot.debtor(
            person.applied(to: debtor), holds: person.holds, aboutDebt: task.debtID)
        let decision = engine.evaluate(
            PolicyRequest(
                now: now, contact: Policy.Contact(channel: task.channel, debtId: task.debtID), debtor: snapshot,
                history: PolicySnapshot.history(person.ledger.filter { $0.taskID != task.id })))
        // A contact redirected to a representative is permitted while the policy still redirects.
        let toRepresentative = task.closedReason == .reachedRepresentative
        guard decision.decision == (toRepresentative ? .redirect : .allow) else {
            try expire(taskID: task.id, attempt: task.attempts, at: now, in: store)
            return ContactCheckReply(taskId: task.id, verdict: .notPermitted, reasons: decision.reasons)
        }
        let reportBy = claimEnd(validUntil: request.validUntil, at: now)
        try task.apply(.taken(by: request.senderId, outcomeDue: reportBy))
        try store.save(task)
        return ContactCheckReply(taskId: task.id, verdict: .send, reportBy: reportBy)
    }

    /// When a claim made now ends without an outcome: as for a call taken with `tact next`
    /// (``outcomeDue(taking:at:)``).
    func claimEnd(validUntil: Instant?, at now: Instant) -> Instant {
        if let seconds = configuration.scheduler.outcomeWaitSeconds { return now.adding(seconds: Int64(seconds)) }
        let earliest = now.adding(seconds: Self.minimumOutcomeWait)
        return max(validUntil ?? earliest, earliest)
    }
}
