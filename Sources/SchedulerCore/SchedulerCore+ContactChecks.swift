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
        // Claimed already, by anyone: this is a second copy, or a question asked twice. Told `send` twice, a sender
        // holding two copies would send both; told `claimed` after a lost answer, it drops the one it holds and the
        // claim ends unconfirmed, reported to operators.
        if task.status == .taken, task.attempts == request.attempt { return verdict(.claimed) }
        // Published with this hand-out; anything else (handed out again, expired and planned again, withdrawn,
        // closed) means this copy is not the contact Tact wants.
        guard task.attempts == request.attempt, task.status == .done else { return verdict(.superseded) }
        guard let debtor = try store.debtor(task.debtorID), let rulebook = rulebooks[debtor.rulebook],
            let engine = engines[debtor.rulebook], let debt = try store.debt(task.debtID, ofDebtor: task.debtorID)
        else { return verdict(.unknownTask) }
        // The survey follows a debt's closing; every other contact is about an open debt.
        guard debt.status == .open || task.purpose == Strategy.Purpose.survey else { return verdict(.debtClosed) }
        let own = try store.ledgerEntry(taskID: task.id)
        if let own, own.result != .pending { return verdict(.reported) }

        // The policy on the person as of now, without this contact's own ledger entry (it must not count against
        // its own cap).
        let person = try PolicySnapshot.person(of: debtor, under: rulebook, at: now, in: store)
        let decision = engine.evaluate(
            PolicyRequest(
                now: now, contact: Policy.Contact(channel: task.channel, debtId: task.debtID),
                debtor: try person.debtor(debtor, aboutDebt: task.debtID), history: person.history(excluding: task.id)))
        // A contact redirected to a representative is permitted while the policy still redirects. A posted letter
        // has no hour: the time of day a print house works at is no reason to hold it back.
        let toRepresentative = task.closedReason == .reachedRepresentative
        let timeOfDay: Set<RuleID> = [.contactHours, .holiday, .inconvenientTime]
        let permitted =
            decision.decision == (toRepresentative ? .redirect : .allow)
            || (task.channel == .letter && decision.decision == .defer
                && decision.reasons.allSatisfy { timeOfDay.contains($0.rule) })
        guard permitted else {
            try expire(taskID: task.id, attempt: task.attempts, at: now, in: store)
            return ContactCheckReply(taskId: task.id, verdict: .notPermitted, reasons: decision.reasons)
        }
        let reportBy = claimEnd(validUntil: request.validUntil, channel: task.channel, at: now)
        try task.apply(.taken(by: TaskRecord.claimHolder(sender: request.senderId), outcomeDue: reportBy))
        try store.save(task)
        // It is made now: caps count it from now, not from when it was decided.
        if var own, own.at < now {
            own.at = now
            try store.save(own)
        }
        return ContactCheckReply(taskId: task.id, verdict: .send, reportBy: reportBy)
    }

    /// When a claim made now ends without an outcome: the end of the contact's window, at least
    /// ``minimumOutcomeWait`` on, or the service file's `scheduler.outcomeWaitSeconds` after now; with `latest`, at
    /// most then.
    func claimEnd(validUntil: Instant?, at now: Instant, latest: Instant? = nil) -> Instant {
        if let seconds = configuration.scheduler.outcomeWaitSeconds { return now.adding(seconds: Int64(seconds)) }
        let earliest = now.adding(seconds: Self.minimumOutcomeWait)
        let end = max(validUntil ?? earliest, earliest)
        return latest.map { min(end, $0) } ?? end
    }

    /// A sender's claim: at most ``maximumClaim`` on (the window comes from the sender); a letter, with no window,
    /// that long.
    func claimEnd(validUntil: Instant?, channel: Channel, at now: Instant) -> Instant {
        let latest = now.adding(seconds: Self.maximumClaim)
        return claimEnd(validUntil: validUntil ?? (channel == .letter ? latest : nil), at: now, latest: latest)
    }

    /// Seconds a claim lasts at most: a print house posts letters within a day.
    static let maximumClaim: Int64 = 86_400
}
