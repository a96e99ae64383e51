import Contract
import Policy
import Store
import TactConfig

extension SchedulerCore {
    /// Outcomes enter the ledger, where they count toward caps and waits, and move the cadence on: an unanswered
    /// call is tried again, a promise gets its reminder and its check, a survey answer is kept.
    func record(_ outcome: Outcome, at now: Instant, in store: any StoreTransaction) throws {
        guard let task = try store.task(outcome.taskId), task.debtorID == outcome.debtorId else {
            throw ContractError(.unknownReference, field: "taskId", "no task with this id for this debtor")
        }
        guard task.debtID == outcome.debtId else {
            throw ContractError(.invalidField, field: "debtId", "differs from the task's debt")
        }
        guard task.channel == outcome.channel || task.closedReason == "redirect" else {
            throw ContractError(.invalidField, field: "channel", "differs from the task's channel")
        }
        let debtor = try debtor(outcome.debtorId, field: "debtorId", userID: nil, in: store)
        var entry =
            try store.ledgerEntry(taskID: task.id)
            ?? LedgerEntry(
                taskID: task.id, debtorID: task.debtorID, debtID: task.debtID, channel: outcome.channel,
                at: outcome.at, result: outcome.result.contactResult)
        entry.result = outcome.result.contactResult
        try store.save(entry)

        switch outcome.result {
        case .promiseToPay:
            try recordPromise(outcome, task: task, debtor: debtor, at: now, in: store)
        case .noAnswer where outcome.channel == .call, .voicemail where outcome.channel == .call:
            try followUpUnanswered(outcome, task: task, debtor: debtor, at: now, in: store)
        case .surveyResponse:
            guard task.purpose == Strategy.Purpose.survey else {
                throw ContractError(.invalidField, field: "result", "survey-response answers a survey task only")
            }
            try store.save(
                SurveyResponseRecord(
                    id: outcome.outcomeId, debtorID: debtor.id, debtID: task.debtID, taskID: task.id,
                    score: outcome.score!, comment: outcome.comment, at: outcome.at))
        default:
            break
        }
    }

    /// A worker's decision. Every decision joins the audit trail, but only the answer to the hand-out the task is
    /// still waiting on is applied: an allow then publishes its contact (through the outbox, with the task id as
    /// `message_id`) and enters the ledger. A decision about a hand-out that was recalled (the debtor's state
    /// changed while it was decided), handed out again or closed is recorded as `superseded`, and its contact is
    /// never published.
    func record(_ message: TaskDecision, at now: Instant, in store: any StoreTransaction) throws {
        guard var task = try store.task(message.taskId) else {
            throw ContractError(.unknownReference, field: "taskId", "no task with this id")
        }
        if let contact = message.contact, !topology.isContactQueue(contact.queue) {
            throw ContractError(.invalidField, field: "contact.queue", "not one of Tact's reminder or call queues")
        }
        if message.contactAlreadyPublished, message.decision.decision == .allow {
            return try recordPublished(message, task: &task, in: store)
        }
        if message.version >= 2, message.decision.decision == .allow, message.contact == nil {
            throw ContractError(.missingField, field: "contact", "an allow carries the contact it allows")
        }
        let decision = message.decision
        let current = task.status == .inFlight && task.attempts == message.attempt
        try store.append(
            DecisionRecord(
                taskID: task.id, debtorID: task.debtorID, decidedAt: message.decidedAt, decision: decision.decision,
                earliest: decision.earliest,
                reasons: current ? decision.reasons : decision.reasons + [Self.superseded], worker: message.worker))
        guard current else { return }
        switch decision.decision {
        case .allow, .redirect:
            if let contact = message.contact {
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
            } else {
                task.closedReason = "redirect"
            }
            task.status = .done
        case .defer:
            task.status = .pending
            task.dueAt = decision.earliest ?? now.adding(seconds: 60)
        case .suppress:
            task.status = .cancelled
            task.closedReason = decision.reasons.first?.rule.rawValue ?? "suppress"
        }
        task.leaseUntil = nil
        try store.save(task)
        // The gentle call after a step back has gone out (its task done first: reminders wait while it is planned).
        if decision.decision == .allow,
            [Strategy.Purpose.afterBereavement, Strategy.Purpose.hardshipReview].contains(task.purpose)
        {
            try resumePlans(ofDebtor: task.debtorID, at: now, in: store)
        }
    }

    /// Why a decision was not applied, as its audit record says.
    static let superseded = PolicyDecision.Reason(
        rule: RuleID(rawValue: "superseded"), until: nil,
        detail: "not applied: the task was recalled, handed out again or closed before this decision arrived")

    /// An allow from a worker of version 1, which published the contact itself: it completes its task and enters
    /// the ledger even if it arrives late, because the contact went out and caps must count it.
    private func recordPublished(_ message: TaskDecision, task: inout TaskRecord, in store: any StoreTransaction) throws {
        try store.append(
            DecisionRecord(
                taskID: task.id, debtorID: task.debtorID, decidedAt: message.decidedAt, decision: .allow,
                earliest: message.decision.earliest, reasons: message.decision.reasons, worker: message.worker))
        // The contact of this hand-out already came back expired: it reached nobody.
        if try store.isProcessed(SchedulerInput.expired(taskID: task.id, attempt: message.attempt).messageID) {
            return
        }
        if try store.ledgerEntry(taskID: task.id) == nil {
            try store.save(
                LedgerEntry(
                    taskID: task.id, debtorID: task.debtorID, debtID: task.debtID, channel: task.channel,
                    at: message.decidedAt, result: .pending))
        }
        if task.status != .cancelled { task.status = .done }
        task.leaseUntil = nil
        try store.save(task)
    }

    /// A reminder or call expired (or a specialist gave it back) before anyone acted on it: it never reached the
    /// person, so it leaves the ledger and the task is tried again after ``expiryPause`` (the policy finds the next
    /// window; the pause keeps a consumer that rejects everything from spinning the task round).
    func expire(taskID: String, attempt: Int, at now: Instant, in store: any StoreTransaction) throws {
        guard var task = try store.task(taskID) else {
            throw ContractError(.unknownReference, field: "taskId", "no task with this id")
        }
        if let entry = try store.ledgerEntry(taskID: taskID) {
            // An outcome was reported for it: it reached the person, whatever became of this copy.
            guard entry.result == .pending else { return }
            try store.removeLedgerEntry(taskID: taskID)
        }
        // In flight: a version 1 worker's contact expired before its decision arrived; that decision is then
        // ignored.
        let emitted = task.status == .done && task.closedReason == nil
        let decidedLater = task.status == .inFlight && task.attempts == attempt
        guard emitted || decidedLater else { return }
        task.status = .pending
        task.dueAt = now.adding(seconds: Self.expiryPause)
        task.leaseUntil = nil
        try store.save(task)
    }

    /// Seconds before an expired contact is tried again.
    static let expiryPause: Int64 = 600
}
