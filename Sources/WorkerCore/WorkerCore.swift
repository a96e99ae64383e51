import Contract
import Domain
import Policy

/// What a worker decides about one task, free of I/O: the policy's decision and, when it allows one, the contact
/// for the scheduler to publish. The ``WorkerService`` publishes the decision this returns.
public struct WorkerCore: Sendable {
    public let topology: TactTopology
    /// One engine per rulebook id, built once.
    public let engines: [String: PolicyEngine]
    /// `host/pid`, recorded with each decision.
    public let workerID: String

    public init(topology: TactTopology, engines: [String: PolicyEngine], workerID: String) {
        self.topology = topology
        self.engines = engines
        self.workerID = workerID
    }

    public func handle(_ task: WorkTask, at now: Instant) -> TaskDecision {
        guard let engine = engines[task.rulebook] else {
            return decided(
                task, now,
                PolicyDecision(
                    decision: .suppress,
                    reasons: [
                        .init(
                            rule: RuleID(rawValue: "unknown-rulebook"), until: nil,
                            detail: "this worker has no rulebook \(task.rulebook)")
                    ]), contact: nil)
        }
        let request = PolicyRequest(
            now: now, contact: Policy.Contact(channel: task.channel, debtId: task.debt.id), debtor: task.debtor,
            history: task.history)
        let decision = engine.evaluate(request)
        switch decision.decision {
        case .allow:
            guard let contact = contact(for: task, validUntil: decision.validUntil) else {
                return decided(task, now, noAddress(task), contact: nil)
            }
            return decided(task, now, decision, contact: contact)
        case .redirect:
            return decided(task, now, decision, contact: decision.redirectTo.flatMap { redirect(task, to: $0) })
        case .defer, .suppress:
            return decided(task, now, decision, contact: nil)
        }
    }

    private func decided(
        _ task: WorkTask, _ now: Instant, _ decision: PolicyDecision, contact: ProposedContact?
    ) -> TaskDecision {
        TaskDecision(
            taskId: task.taskId, attempt: task.attempt, debtorId: task.debtor.id, decidedAt: now, decision: decision,
            contact: contact, worker: workerID)
    }

    private func noAddress(_ task: WorkTask) -> PolicyDecision {
        PolicyDecision(
            decision: .suppress,
            reasons: [
                .init(
                    rule: RuleID(rawValue: "no-address"), until: nil,
                    detail: "no \(task.channel.rawValue) address on file")
            ])
    }

    private func contact(for task: WorkTask, validUntil: Instant?) -> ProposedContact? {
        if task.channel == .call {
            let call = Call(
                taskId: task.taskId, creditorId: task.creditorId, debtorId: task.debtor.id, debtId: task.debt.id,
                phone: task.delivery.phone,
                purpose: task.purpose, validUntil: validUntil, context: context(task), attempt: task.attempt)
            return ProposedContact(
                queue: topology.callQueue(specialist: task.specialistId), call: call, expiresAt: validUntil,
                priority: task.priority.map { UInt8(clamping: min(max($0, 0), TactTopology.maximumCallPriority)) })
        }
        guard let to = task.delivery.address(for: task.channel) else { return nil }
        // A letter cannot miss its window once posted.
        let letter = task.channel == .letter
        let reminder = Reminder(
            taskId: task.taskId, creditorId: task.creditorId, debtorId: task.debtor.id, debtId: task.debt.id,
            channel: task.channel, to: to,
            template: task.template, language: task.delivery.language, validUntil: letter ? nil : validUntil,
            attempt: task.attempt, parameters: parameters(task), rulebook: task.rulebook, name: task.delivery.name,
            specialistId: task.context?.assignedSpecialist ?? task.specialistId)
        return ProposedContact(
            queue: topology.reminderQueue(task.channel), reminder: reminder, expiresAt: letter ? nil : validUntil)
    }

    /// The representative is called (or written to) instead; the specialist sees why in the purpose.
    private func redirect(_ task: WorkTask, to representative: Representative) -> ProposedContact? {
        if let phone = representative.phone {
            let call = Call(
                taskId: task.taskId, creditorId: task.creditorId, debtorId: task.debtor.id, debtId: task.debt.id,
                phone: phone,
                purpose: ContactPurpose.text(task.purpose, with: .representative), validUntil: nil,
                context: context(task),
                attempt: task.attempt)
            return ProposedContact(
                queue: topology.callQueue(specialist: task.specialistId), call: call, expiresAt: nil, priority: nil)
        }
        guard let email = representative.email else { return nil }
        let reminder = Reminder(
            taskId: task.taskId, creditorId: task.creditorId, debtorId: task.debtor.id, debtId: task.debt.id,
            channel: .email, to: email,
            template: ContactPurpose.text(task.template, with: .representative), language: task.delivery.language,
            validUntil: nil,
            attempt: task.attempt, parameters: parameters(task), rulebook: task.rulebook, name: task.delivery.name,
            specialistId: task.context?.assignedSpecialist ?? task.specialistId)
        return ProposedContact(queue: topology.reminderQueue(.email), reminder: reminder, expiresAt: nil)
    }

    private func context(_ task: WorkTask) -> CallContext {
        let gentle = task.debtor.holds.contains { [.bereavement, .hardship].contains($0.kind) }
        let context = task.context
        return CallContext(
            name: task.delivery.name, language: task.delivery.language, debt: task.debt,
            recentContacts: task.history.sorted { $0.at < $1.at }, holds: task.debtor.holds,
            tone: context?.tone ?? (gentle ? "gentle" : "standard"),
            assignedSpecialist: context?.assignedSpecialist == task.specialistId ? nil : context?.assignedSpecialist,
            promise: context?.promise, plan: context?.plan, lastOutcome: context?.lastOutcome,
            policy: .init(rulebook: task.rulebook, debtor: task.debtor, history: task.history))
    }

    /// What a reminder's template fills in: the debt (as placed, and what was paid since), and the promise or
    /// instalment it is about.
    private func parameters(_ task: WorkTask) -> [String: String] {
        var values = ["amount": task.debt.amount, "currency": task.debt.currency, "dueDate": task.debt.dueDate]
        if let paid = task.context?.paid { values["paid"] = paid }
        if let promise = task.context?.promise, task.taskPurpose == .promiseReminder {
            values["promisedAmount"] = promise.amount
            values["promisedDate"] = promise.date
        }
        if let plan = task.context?.plan, let current = plan.current {
            values["instalmentAmount"] = plan.instalments[current].amount
            values["instalmentDate"] = plan.instalments[current].dueDate
            values["instalmentNumber"] = String(current + 1)
            values["instalmentCount"] = String(plan.instalments.count)
        }
        return values
    }
}
