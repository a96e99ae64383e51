import Cadence
import Contract
import Domain
import Policy
import Store
import TactConfig

extension SchedulerCore {
    /// Outcomes enter the ledger, where they count toward caps and waits, and move the cadence on: an unanswered
    /// call (or one that did not connect, or failed) is tried again, a promise gets its reminder and its check, a
    /// survey answer is kept.
    func record(_ outcome: Outcome, at now: Instant, in store: any StoreTransaction) throws {
        // The task names the case; the outcome must name its debtor (and creditor, if it names one) as well.
        guard let task = try store.task(outcome.taskId), let key = DebtorKey(task.debtorID),
            key.debtor == outcome.debtorId, outcome.creditorId == nil || outcome.creditorId == key.creditor
        else {
            throw ContractError(.unknownReference, field: "taskId", "no task with this id for this debtor")
        }
        guard task.debtID == outcome.debtId else {
            throw ContractError(.invalidField, field: "debtId", "differs from the task's debt")
        }
        guard task.channel == outcome.channel || task.closedReason == .reachedRepresentative else {
            throw ContractError(.invalidField, field: "channel", "differs from the task's channel")
        }
        let debtor = try debtor(task.debtorID, field: "debtorId", in: store)
        if let sender = task.claimingSender {
            store.attribute(to: .contactSender(sender), at: now)
        } else if task.status == .taken, let specialist = task.takenBy {
            store.attribute(to: .specialist(specialist), at: now)
        }
        let corrected = try replacePrevious(for: outcome, of: task, at: now, in: store)
        try store.save(
            OutcomeRecord(
                id: outcome.outcomeId, taskID: task.id, debtorID: task.debtorID, debtID: task.debtID,
                channel: outcome.channel, result: outcome.result.rawValue, at: outcome.at, corrects: outcome.corrects,
                createdAt: now))
        let recorded = try store.ledgerEntry(taskID: task.id)
        try settle(task, reportedBy: outcome, wasPublished: recorded != nil, in: store)
        var entry =
            recorded
            ?? LedgerEntry(
                taskID: task.id, debtorID: task.debtorID, debtID: task.debtID, channel: outcome.channel,
                at: outcome.at, result: outcome.result.contactResult)
        entry.result = outcome.result.contactResult
        try store.save(entry)
        // A promise corrected away is undone with what it replaced, before the correction's own follow-up (which a
        // call planned again makes unnecessary); a promise in its place replaces it all anyway.
        if let corrected, outcome.result != .promiseToPay {
            try restoreWhatItReplaced(corrected, correction: outcome.outcomeId, at: now, in: store)
        }

        switch try outcome.meaning() {
        case .promiseToPay(let promise):
            try recordPromise(
                id: outcome.outcomeId, promise, debtID: task.debtID, madeAt: outcome.at, inCall: task.id, for: debtor,
                at: now, in: store)
        // A call that did not connect, or failed (a technical failure, a wrong connection), reached nobody either:
        // without a retry the case would stop for good.
        case .noAnswer, .voicemail, .notConnected, .failed:
            if outcome.channel == .call {
                try followUpUnanswered(outcome, task: task, debtor: debtor, at: now, in: store)
            }
        case .surveyResponse(let score, let comment):
            guard task.purpose == Strategy.Purpose.survey else {
                throw ContractError(.invalidField, field: "result", "survey-response answers a survey task only")
            }
            try store.save(
                SurveyResponseRecord(
                    id: outcome.outcomeId, debtorID: debtor.id, debtID: task.debtID, taskID: task.id, score: score,
                    comment: comment, at: outcome.at))
        case .conversation, .delivered:
            break
        }
        try planValidationNotice(after: outcome, of: task, for: debtor, at: now, in: store)
        // The gentle call after a step back was made (it rang, at least): an active plan's reminders resume. Not
        // before: if it had expired or been given back, a reminder could have come first.
        if Self.stepBackCalls.values.contains(task.purpose),
            [.conversation, .promiseToPay, .noAnswer, .voicemail].contains(outcome.result)
        {
            try resumePlans(ofDebtor: task.debtorID, at: now, in: store)
        }
    }

    /// One outcome per task: a second one must be a correction of the latest, whose consequences are undone here (its
    /// promise withdrawn, its follow-up calls and requests cancelled, its survey answer withdrawn) before the
    /// correction's own follow. The ledger then holds the correction's result; both outcomes stay on record. Returns
    /// the promise the corrected outcome carried, if it was still in force (open, or broken and being checked): what
    /// it replaced is restored (``restoreWhatItReplaced(_:correction:at:in:)``).
    private func replacePrevious(
        for outcome: Outcome, of task: TaskRecord, at now: Instant, in store: any StoreTransaction
    ) throws -> PromiseRecord? {
        let latest = try store.outcomes(ofTask: task.id).current
        guard let corrects = outcome.corrects else {
            guard let latest else { return nil }
            throw ContractError(
                .conflict, field: "taskId",
                "an outcome is already recorded for this task (\(latest.id)); a correction names it in corrects")
        }
        guard let latest, latest.id == corrects else {
            throw ContractError(
                .unknownReference, field: "corrects",
                latest.map { "the task's latest outcome is \($0.id)" } ?? "no outcome is recorded for this task")
        }
        var inForce: PromiseRecord?
        for var promise in try store.promises(ofDebtor: task.debtorID) where promise.id == corrects {
            if promise.status == .broken { inForce = promise }
            if promise.status == .open {
                promise.status = .withdrawn
                try store.save(promise)
                inForce = promise
            }
        }
        // What it planned: a retry or a call-back request, or its promise's reminder and check (a promise made in a
        // call has the outcome's id).
        try cancelPending(ofDebtor: task.debtorID, reason: .outcomeCorrected, in: store) {
            $0.link == .outcome(id: corrects) || $0.link == .promise(id: corrects)
        }
        try store.removeSurveyResponse(id: corrects)
        return inForce
    }

    /// A taken call is reported on. One that returned without an outcome and was planned again (it is pending or
    /// being decided, with its published contact still in the ledger) was made after all: it is not made twice. A
    /// call reported without `tact next` no longer waits in its queue (nor counts against its depth).
    private func settle(
        _ task: TaskRecord, reportedBy outcome: Outcome, wasPublished: Bool, in store: any StoreTransaction
    ) throws {
        var task = task
        if task.status == .taken || task.allows(.reported) {
            try task.apply(.reported)
        } else if wasPublished, task.status == .pending || task.status == .inFlight {
            try task.apply(.closed(.reportedLate))
        } else {
            return
        }
        try store.save(task)
    }

    /// A worker's decision. Every decision joins the audit trail, but only an answer to a hand-out the task is
    /// still waiting on is applied (the latest, or an earlier one whose lease ran out, as long as nothing was
    /// recalled since): an allow then publishes its contact (through the outbox, with the task id as `message_id`)
    /// and enters the ledger. A decision about a hand-out that was recalled (the debtor's state changed while it
    /// was decided), already settled, or about a closed task is recorded as `superseded`, and its contact is never
    /// published.
    func record(_ message: TaskDecision, at now: Instant, in store: any StoreTransaction) throws {
        guard var task = try store.task(message.taskId) else {
            throw ContractError(.unknownReference, field: "taskId", "no task with this id")
        }
        if let contact = message.contact { try check(contact, of: message, task: task) }
        if message.decision.decision == .allow, message.contact == nil {
            throw ContractError(.missingField, field: "contact", "an allow carries the contact it allows")
        }
        let decision = message.decision
        let current =
            task.status == .inFlight && message.attempt > task.settledAttempts && message.attempt <= task.attempts
        try store.append(
            DecisionRecord(
                taskID: task.id, debtorID: task.debtorID, decidedAt: message.decidedAt, decision: decision.decision,
                earliest: decision.earliest,
                reasons: current ? decision.reasons : decision.reasons + [Self.superseded], worker: message.worker))
        guard current else { return }
        switch decision.decision {
        case .allow, .redirect:
            if var contact = message.contact {
                // Published as the task's latest hand-out (a late decision may answer an earlier one): that is the
                // attempt an expiry or a call check of this contact must name.
                contact.attempt = task.attempts
                try store.enqueue(
                    OutboxMessage(
                        exchange: "", routingKey: contact.queue, messageID: task.id, type: contact.type,
                        body: contact.body, expiresAt: contact.expiresAt, priority: contact.priority))
            }
            if decision.decision == .allow {
                try store.save(
                    LedgerEntry(
                        taskID: task.id, debtorID: task.debtorID, debtID: task.debtID, channel: task.channel,
                        at: message.decidedAt, result: .pending))
                // The person's other cases being decided now count without this contact: decided again with it,
                // two creditors' contacts never pass a cap the person had room for once.
                try recallInFlight(ofCases: try linkedCases(of: task.debtorID, in: store), in: store)
            }
            // Where a call waits, so that an absence or a hand-over can move it from there.
            let queue = message.contact.flatMap { $0.call == nil ? nil : topology.specialist(ofCallQueue: $0.queue) }
            // A queued call expires from its queue at the end of its window and comes back; by then and a grace, one
            // neither back nor taken was lost with its queue (``returnUnreported(at:in:)``).
            let returnBy = message.contact?.expiresAt?.adding(seconds: Self.lostCallGrace)
            try task.apply(
                .published(toRepresentative: decision.decision == .redirect, queuedFor: queue, returnBy: returnBy))
        case .defer:
            try task.apply(.deferred(until: decision.earliest ?? now.adding(seconds: 60)))
        case .suppress:
            try task.apply(.closed(ClosedReason(suppressedBy: decision.reasons.first?.rule)))
        }
        try store.save(task)
    }

    /// Why a decision was not applied, as its audit record says.
    public static let superseded = PolicyDecision.Reason(
        rule: RuleID(rawValue: "superseded"), until: nil,
        detail: "not applied: the task was recalled, decided or closed before this decision arrived")

    /// A proposed contact must be the one its decision is about, and go where its kind goes: the scheduler publishes
    /// it under its own name.
    private func check(_ contact: ProposedContact, of message: TaskDecision, task: TaskRecord) throws(ContractError) {
        let names: (taskID: String, attempt: Int, debtorID: String, creditorID: String?)
        if let call = contact.call {
            names = (call.taskId, call.attempt, call.debtorId, call.creditorId)
            guard topology.specialist(ofCallQueue: contact.queue) != nil else {
                throw ContractError(.invalidField, field: "contact.queue", "a call goes to a call queue")
            }
        } else if let reminder = contact.reminder {
            names = (reminder.taskId, reminder.attempt, reminder.debtorId, reminder.creditorId)
            guard reminder.channel != .call, contact.queue == topology.reminderQueue(reminder.channel) else {
                throw ContractError(.invalidField, field: "contact.queue", "a reminder goes to its channel's queue")
            }
        } else {
            throw ContractError(.missingField, field: "contact", "carries one of reminder and call")
        }
        let key = DebtorKey(task.debtorID)
        // A worker of 0.1.0 names no creditor; the task id fixes the case anyway.
        let sameCreditor = names.creditorID == nil || names.creditorID == key?.creditor
        guard (names.taskID, names.attempt, names.debtorID) == (task.id, message.attempt, key?.debtor ?? task.debtorID),
            sameCreditor
        else {
            throw ContractError(.invalidField, field: "contact", "names another task, hand-out or debtor")
        }
        // An allow reaches the debtor on the task's channel; a redirect reaches the representative as it can.
        if message.decision.decision == .allow, contact.channel != task.channel {
            throw ContractError(.invalidField, field: "contact", "not on the task's channel")
        }
    }

    /// A reminder or call expired (or a specialist gave it back) before anyone acted on it: it never reached the
    /// person, so it leaves the ledger and the task is tried again after ``expiryPause`` (the policy finds the next
    /// window; the pause keeps a consumer that rejects everything from spinning the task round). Only the copy of
    /// the latest hand-out counts, and only while no outcome was reported for it.
    func expire(taskID: String, attempt: Int, at now: Instant, in store: any StoreTransaction) throws {
        guard var task = try store.task(taskID) else {
            throw ContractError(.unknownReference, field: "taskId", "no task with this id")
        }
        guard task.attempts == attempt else { return }
        let entry = try store.ledgerEntry(taskID: taskID)
        // An outcome was reported for it: it reached the person, whatever became of this copy.
        if let entry, entry.result != .pending { return }
        // Published to the debtor or a representative; or in flight: its contact expired before its decision
        // arrived, and that decision is then ignored. A task closed since stays closed.
        let expired = TaskRecord.Transition.expired(retryAt: now.adding(seconds: Self.expiryPause))
        guard task.allows(expired) else { return }
        if entry != nil { try store.removeLedgerEntry(taskID: taskID) }
        try task.apply(expired)
        // A step back began while the contact was queued: it was never made, and the one gentle call the step back
        // planned stands in for it, as for every task that was pending then.
        if let hold = try stepBackInProgress(ofDebtor: task.debtorID, besides: task, in: store) {
            try task.apply(.closed(.hold(hold)))
        }
        try store.save(task)
    }

    /// Seconds before an expired contact is tried again.
    static let expiryPause: Int64 = 600
}

extension DecisionRecord {
    /// Recorded as superseded: it moved nothing (see ``SchedulerCore/superseded``).
    public var isSuperseded: Bool { reasons.contains { $0.rule == SchedulerCore.superseded.rule } }
}
