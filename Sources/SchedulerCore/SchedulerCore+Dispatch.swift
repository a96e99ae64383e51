import Cadence
import Contract
import Domain
import Policy
import Store
import TactConfig

extension SchedulerCore {
    /// What one round of dispatch did.
    public struct Dispatched: Sendable, Equatable {
        /// Tasks handed to the workers.
        public var handedOut = 0
        /// Tasks taken from the store: handed out, cancelled because they could no longer be sent, or given up. A
        /// full batch taken means more may be due.
        public var taken = 0
        /// Tasks given up because no worker decided them.
        public var givenUp = 0
        /// Reminders handed out, by channel: what the senders' pace spends.
        public var reminders: [Channel: Int] = [:]
        /// Due tasks read and left in the store because their call queue filled or their channel's pace ran out
        /// during the round (not counted in ``taken``). Tasks already held when the round began are not read.
        public var heldBack = 0
    }

    /// Hands due tasks to the workers: tasks whose lease ran out first (again, under the same id), then due ones,
    /// highest priority first, at most one per debtor in flight.
    ///
    /// Backpressure: with `scheduler.callQueueDepth`, a call goes out only while fewer calls than that wait in the
    /// queue it is routed to (or are being decided for it); `reminderAllowance` caps the reminders handed out per
    /// channel (a channel not named is not paced). What is held back stays due in the store, in priority order, and
    /// the store's query leaves it out: when a queue fills or a channel runs out during the round, the rest of the
    /// batch is read again without them.
    public func dispatch(
        at now: Instant, in store: any StoreTransaction, reminderAllowance: [Channel: Int] = [:]
    ) throws -> Dispatched {
        store.attribute(to: .scheduler, at: now)
        let batch = configuration.scheduler.dispatchBatch
        var result = Dispatched()
        var pace = try DispatchPace(core: self, allowance: reminderAllowance, at: now, in: store)
        for var task in try store.expiredLeases(at: now, limit: batch) {
            result.taken += 1
            // Hand-outs a worker answered (a deferral, say) or that were recalled do not count: only those since.
            guard task.attempts - task.settledAttempts < configuration.scheduler.maxAttempts else {
                // No worker ever decided it: stop, and leave it visible to operators as cancelled.
                try task.apply(.closed(.noDecision))
                try store.save(task)
                result.givenUp += 1
                continue
            }
            // Counted where it waits already: not held, but routed again, as its decision will be.
            let routed = task.queuedFor
            if try handOut(&task, callQueue: pace.callQueue(of: task, in: store), at: now, in: store) {
                result.handedOut += 1
                pace.move(from: routed, to: task.queuedFor)
                if task.channel != .call { result.reminders[task.channel, default: 0] += 1 }
            }
        }
        // Each read that holds a task back leaves out, next time, the queue or channel that held it: the loop ends
        // (and stops should a hold ever fail to grow).
        while result.taken < batch {
            let hold = pace.hold
            let due = try store.dueTasks(at: now, limit: batch - result.taken, holding: hold)
            var held = false
            for var task in due {
                guard let admission = try pace.admit(task, in: store) else {
                    result.heldBack += 1
                    held = true
                    continue
                }
                result.taken += 1
                if try handOut(&task, callQueue: admission.callQueue, at: now, in: store) {
                    result.handedOut += 1
                    pace.spend(task, admission)
                    if task.channel != .call { result.reminders[task.channel, default: 0] += 1 }
                }
            }
            if !held || pace.hold == hold { break }
        }
        return result
    }

    /// Whether the task went out; a task that can no longer be sent is cancelled instead.
    private func handOut(
        _ task: inout TaskRecord, callQueue: String?, at now: Instant, in store: any StoreTransaction
    ) throws -> Bool {
        if task.purpose == Strategy.Purpose.brokenPromise { try markPromiseBroken(checkedBy: task, in: store) }
        guard let message = try workTask(for: task, attempt: task.attempts + 1, at: now, in: store) else {
            let debt = try store.debt(task.debtID, ofDebtor: task.debtorID)
            try task.apply(.closed(debt == nil || debt?.status == .open ? .unresolvable : .debtNoLongerOpen))
            try store.save(task)
            // A gentle call whose debt ended while it was out (it came back, expired or unreported) stands for the
            // debtor's other debts still.
            if debt != nil { try passOnGentleCall(task, at: now, in: store) }
            return false
        }
        let lease = now.adding(seconds: Int64(configuration.scheduler.leaseSeconds))
        try task.apply(.handOut(leaseUntil: lease, callQueue: task.channel == .call ? callQueue : nil))
        try store.save(task)
        try store.enqueue(
            OutboxMessage(
                exchange: "", routingKey: topology.tasksQueue, messageID: task.id, type: WorkTask.messageType,
                body: MessageCoding.encode(message)))
        return true
    }

    /// The task message: a snapshot of everything the policy needs, and where to send the contact. `nil` when
    /// the debt is no longer open (except for the survey, which follows its closing).
    func workTask(
        for task: TaskRecord, attempt: Int, at now: Instant, in store: any StoreTransaction
    ) throws -> WorkTask? {
        // The survey is the one contact about a debt that is no longer open.
        guard let debtor = try store.debtor(task.debtorID),
            let debt = try store.debt(task.debtID, ofDebtor: task.debtorID),
            debt.status == .open || task.purpose == Strategy.Purpose.survey,
            let rulebook = rulebooks[debtor.rulebook]
        else { return nil }
        let person = try PolicySnapshot.person(of: debtor, under: rulebook, at: now, in: store)
        let history = person.history()
        let snapshot = try person.debtor(debtor, aboutDebt: task.debtID)
        let strategy = strategy(of: debtor)
        return WorkTask(
            taskId: task.id, attempt: attempt, creditorId: debtor.creditorID, rulebook: debtor.rulebook,
            channel: task.channel,
            purpose: task.purpose.rawValue,
            template: task.purpose.rawValue,
            // A redirect calls the representative from the same queues: any task may become a call then.
            specialistId: task.channel == .call || debtor.representative != nil
                ? try routeCall(for: debtor, at: now, in: store) : debtor.specialistID,
            debt: Placement.Debt(id: debt.id, amount: debt.amount, currency: debt.currency, dueDate: debt.dueDate),
            debtor: snapshot, history: history, delivery: WorkTask.Delivery(debtor.contact),
            priority: task.channel == .call ? strategy?.priority(of: task.purpose) : nil,
            context: try context(
                for: task, debtor: debtor, holds: person.holds, strategy: strategy, history: history, at: now,
                in: store))
    }

    /// Days after a bereavement or hardship began during which calls are suggested a gentle tone.
    static let gentleDays: Int64 = 180

    /// The promise a broken-promise check is about is broken once its day has passed without a payment (a
    /// payment would have cancelled the check).
    private func markPromiseBroken(checkedBy task: TaskRecord, in store: any StoreTransaction) throws {
        for var promise in try store.promises(ofDebtor: task.debtorID)
        where task.link == .promise(id: promise.id) && promise.status == .open {
            promise.status = .broken
            try store.save(promise)
        }
    }

    /// What the specialist (or the reminder's template) should know about the case.
    /// `holds` are the person's (``PolicySnapshot/Person``): a bereavement reported to another creditor colours
    /// this call too.
    private func context(
        for task: TaskRecord, debtor: DebtorRecord, holds: [HoldRecord], strategy: Strategy?, history: [HistoryEvent],
        at now: Instant, in store: any StoreTransaction
    ) throws -> TaskContext {
        let promises = try store.promises(ofDebtor: debtor.id).filter { $0.debtID == task.debtID }
        let promise = promises.last { task.link == .promise(id: $0.id) } ?? promises.last
        let plan = try store.plans(ofDebtor: debtor.id).last { $0.debtID == task.debtID && $0.status == .active }
        let current = plan.flatMap { plan in
            plan.instalments.indices.first { task.link == .instalment(planID: plan.id, number: $0 + 1) }
        }
        let gentlePurposes = [
            Strategy.Purpose.afterBereavement, Strategy.Purpose.hardshipReview, Strategy.Purpose.missedInstalment,
        ]
        // A death in the family or hardship colours conversations for months after the hold itself has ended.
        let recently = now.adding(seconds: -Self.gentleDays * 86_400)
        let grieving = holds.contains {
            [.bereavement, .hardship].contains($0.kind) && $0.since >= recently
        }
        let gentle = gentlePurposes.contains(task.purpose) || strategy?.tone == "gentle" || grieving
        return TaskContext(
            assignedSpecialist: debtor.specialistID, tone: gentle ? "gentle" : "standard",
            promise: promise.map { .init(amount: $0.amount, date: $0.date, status: $0.status.rawValue) },
            plan: plan.map { plan in
                .init(
                    instalments: plan.instalments.map { .init(amount: $0.amount, dueDate: $0.dueDate) },
                    paid: plan.instalments.filter { $0.paidAt != nil }.count, current: current)
            },
            lastOutcome: history.last { $0.debtId == task.debtID && $0.result != .pending },
            paid: try store.debt(task.debtID, ofDebtor: debtor.id).flatMap { $0.paid == "0.00" ? nil : $0.paid })
    }
}

extension WorkTask.Delivery {
    init(_ contact: ContactDetails) {
        self.init(
            name: contact.name, phone: contact.phone ?? "", sms: contact.sms, email: contact.email,
            address: contact.postalAddress, language: contact.language)
    }
}
