import Contract
import Policy

/// What a worker decides about one task, free of I/O: the policy's decision, the contact to emit if any, and the
/// decision message for the scheduler. The ``WorkerService`` publishes what this returns.
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

    /// A reminder or call ready to publish.
    public struct Contact: Sendable, Equatable {
        /// The queue it goes to (through the default exchange).
        public var queue: String
        /// `reminder` or `call`.
        public var type: String
        public var body: [UInt8]
        /// Milliseconds until the end of the permitted window; `nil` for letters and unlimited windows.
        public var expirationMilliseconds: Int64?
        /// AMQP priority 0–9, for calls: urgent work first in a specialist's queue.
        public var priority: UInt8?
    }

    public struct Output: Sendable, Equatable {
        public var decision: TaskDecision
        public var contact: Contact?
    }

    public func handle(_ task: WorkTask, at now: Instant) -> Output {
        guard let engine = engines[task.rulebook] else {
            return output(task, now, PolicyDecision(decision: .suppress, reasons: [
                .init(rule: RuleID(rawValue: "unknown-rulebook"), until: nil, detail: "this worker has no rulebook \(task.rulebook)")
            ]), contact: nil)
        }
        let request = PolicyRequest(
            now: now, contact: Policy.Contact(channel: task.channel, debtId: task.debt.id), debtor: task.debtor,
            history: task.history)
        let decision = engine.evaluate(request)
        switch decision.decision {
        case .allow:
            guard let contact = contact(for: task, validUntil: decision.validUntil, at: now) else {
                return output(task, now, noAddress(task), contact: nil)
            }
            return output(task, now, decision, contact: contact)
        case .redirect:
            return output(task, now, decision, contact: decision.redirectTo.flatMap { redirect(task, to: $0, at: now) })
        case .defer, .suppress:
            return output(task, now, decision, contact: nil)
        }
    }

    private func output(_ task: WorkTask, _ now: Instant, _ decision: PolicyDecision, contact: Contact?) -> Output {
        Output(
            decision: TaskDecision(
                taskId: task.taskId, attempt: task.attempt, debtorId: task.debtor.id, decidedAt: now,
                decision: decision, emittedTo: contact?.queue, worker: workerID),
            contact: contact)
    }

    private func noAddress(_ task: WorkTask) -> PolicyDecision {
        PolicyDecision(decision: .suppress, reasons: [
            .init(rule: RuleID(rawValue: "no-address"), until: nil, detail: "no \(task.channel.rawValue) address on file")
        ])
    }

    private func contact(for task: WorkTask, validUntil: Instant?, at now: Instant) -> Contact? {
        let expiration = validUntil.map { ($0.secondsSinceEpoch - now.secondsSinceEpoch) * 1000 }
        if task.channel == .call {
            let call = Call(
                taskId: task.taskId, debtorId: task.debtor.id, debtId: task.debt.id, phone: task.delivery.phone,
                purpose: task.purpose, validUntil: validUntil, context: context(task), attempt: task.attempt)
            return Contact(
                queue: topology.callQueue(specialist: task.specialistId), type: Call.messageType,
                body: MessageCoding.encode(call), expirationMilliseconds: expiration,
                priority: task.priority.map { UInt8(clamping: min(max($0, 0), TactTopology.maximumCallPriority)) })
        }
        guard let to = task.delivery.address(for: task.channel) else { return nil }
        // A letter cannot miss its window once posted.
        let letter = task.channel == .letter
        let reminder = Reminder(
            taskId: task.taskId, debtorId: task.debtor.id, debtId: task.debt.id, channel: task.channel, to: to,
            template: task.template, language: task.delivery.language, validUntil: letter ? nil : validUntil,
            attempt: task.attempt, parameters: parameters(task))
        return Contact(
            queue: topology.reminderQueue(task.channel), type: Reminder.messageType,
            body: MessageCoding.encode(reminder), expirationMilliseconds: letter ? nil : expiration)
    }

    /// The representative is called (or written to) instead; the specialist sees why in the purpose.
    private func redirect(_ task: WorkTask, to representative: Representative, at now: Instant) -> Contact? {
        if let phone = representative.phone {
            let call = Call(
                taskId: task.taskId, debtorId: task.debtor.id, debtId: task.debt.id, phone: phone,
                purpose: "representative:\(task.purpose)", validUntil: nil, context: context(task),
                attempt: task.attempt)
            return Contact(
                queue: topology.callQueue(specialist: task.specialistId), type: Call.messageType,
                body: MessageCoding.encode(call), expirationMilliseconds: nil)
        }
        guard let email = representative.email else { return nil }
        let reminder = Reminder(
            taskId: task.taskId, debtorId: task.debtor.id, debtId: task.debt.id, channel: .email, to: email,
            template: "representative:\(task.template)", language: task.delivery.language, validUntil: nil,
            attempt: task.attempt)
        return Contact(
            queue: topology.reminderQueue(.email), type: Reminder.messageType, body: MessageCoding.encode(reminder),
            expirationMilliseconds: nil)
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

    /// What a reminder's template fills in: the debt, and the promise or instalment it is about.
    private func parameters(_ task: WorkTask) -> [String: String] {
        var values = ["amount": task.debt.amount, "currency": task.debt.currency, "dueDate": task.debt.dueDate]
        if let promise = task.context?.promise, task.purpose.hasPrefix("promise") {
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
