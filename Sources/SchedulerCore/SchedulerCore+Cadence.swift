import Cadence
import Contract
import Domain
import Policy
import Store
import TactConfig

// The humane flows of the cadence: what follows a death in the family, hardship, a promise, a plan, a payment,
// a case that closes. Numbers come from the debtor's strategy; every contact planned here still goes through the
// policy, which defers it to the exact moment it becomes permissible.

extension SchedulerCore {
    /// A bereavement or hardship: every automated reminder and planned call stops, and one call is planned instead,
    /// by the same specialist and with a gentle tone, for when the hold ends (the policy defers it to that moment);
    /// never a second one beside a gentle call still to be made.
    func stepBack(
        _ debtor: DebtorRecord, after event: LifeEvent, hold: HoldKind, purpose: Purpose, at now: Instant,
        in store: any StoreTransaction
    ) throws {
        // The validation notice is owed by law: the policy's hold defers it, the step back does not end it.
        try cancelPending(ofDebtor: debtor.id, reason: .hold(hold), in: store) {
            $0.purpose != purpose && $0.purpose != .validationNotice
        }
        // A step back while another's gentle call is still to be made (a death reported twice, hardship after a
        // loss while the call about it waits in a queue): that one call waits for every hold to end, and no second
        // is planned beside it. One merely planned of another kind was cancelled above, and is replaced.
        if try !gentleCallsToBeMade(ofDebtor: debtor.id, in: store).isEmpty { return }
        let open = try store.debts(ofDebtor: debtor.id).filter { $0.status == .open }
        guard let debt = open.first(where: { $0.id == event.debtId }) ?? open.first else { return }
        try schedule(
            "\(event.scopedID)/\(purpose)", debtorID: debtor.id, debtID: debt.id, channel: .call, purpose: purpose,
            due: now, at: now, in: store)
    }

    /// A step back's gentle call is about one debt and stands for all the debtor's debts: when that debt ends (paid,
    /// closed, recalled) before the call was made, and the call ended with it, a call of the same purpose is planned
    /// about another of the debtor's open debts (`<stem>/<debtId>/<purpose>`, due at once: the policy holds it until
    /// the hold ends), so that the debts the call stood for, stepped back, are not left with nothing planned. Not
    /// beside another gentle call still to be made, nor when no debt of the debtor is open.
    func passOnGentleCall(_ call: TaskRecord, at now: Instant, in store: any StoreTransaction) throws {
        guard Self.stepBackCalls.values.contains(call.purpose), try store.task(call.id)?.status == .cancelled,
            try gentleCallsToBeMade(ofDebtor: call.debtorID, in: store).isEmpty,
            let debt = try store.debts(ofDebtor: call.debtorID).first(where: { $0.status == .open })
        else { return }
        // The step back's event names the call: `<eventId>/<purpose>`, `<eventId>/<debtId>/<purpose>` once passed on.
        var stem = call.id
        if stem.hasSuffix("/\(call.purpose)") { stem.removeLast(call.purpose.rawValue.count + 1) }
        if stem.hasSuffix("/\(call.debtID)") { stem.removeLast(call.debtID.count + 1) }
        try schedule(
            "\(stem)/\(debt.id)/\(call.purpose)", debtorID: call.debtorID, debtID: debt.id, channel: .call,
            purpose: call.purpose, due: now, at: now, in: store)
    }

    /// The holds that step back, and the purpose of the one gentle call each plans.
    public static let stepBackCalls: [HoldKind: Purpose] = [
        .bereavement: Strategy.Purpose.afterBereavement, .hardship: Strategy.Purpose.hardshipReview,
    ]

    /// The hold of the step back whose gentle call (other than `task`) is still to be made, if any; none for the
    /// validation notice, which is owed by law whatever the step back (the policy's hold defers it).
    func stepBackInProgress(
        ofDebtor debtorID: String, besides task: TaskRecord, in store: any StoreTransaction
    ) throws -> HoldKind? {
        let gentle = Dictionary(uniqueKeysWithValues: Self.stepBackCalls.map { ($0.value, $0.key) })
        guard gentle[task.purpose] == nil, task.purpose != .validationNotice else { return nil }
        return try gentleCallsToBeMade(ofDebtor: debtorID, in: store).lazy.filter { $0.id != task.id }
            .compactMap { gentle[$0.purpose] }.first
    }

    /// The debtor's gentle calls still to be made (``tasksToBeMade(ofDebtor:in:where:)``).
    func gentleCallsToBeMade(ofDebtor debtorID: String, in store: any StoreTransaction) throws -> [TaskRecord] {
        let purposes = Set(Self.stepBackCalls.values)
        return try tasksToBeMade(ofDebtor: debtorID, in: store) { purposes.contains($0.purpose) }
    }

    /// A plan replaces what chasing was planned about the debt: a reminder before each instalment, and a gentle call
    /// the day after one is missed (cancelled when it is paid).
    func startPlan(
        _ event: LifeEvent, debtID: String, instalments: [LifeEvent.Instalment], for debtor: DebtorRecord,
        at now: Instant, in store: any StoreTransaction
    ) throws {
        guard let debt = try store.debt(debtID, ofDebtor: debtor.id), debt.status == .open else {
            throw ContractError(.conflict, field: "debtId", "a plan needs an open debt")
        }
        try ArrangementCheck.plan(instalments, debt: debt)
        try withdrawPromisesAndPlans(of: debtor.id, debtID: debtID, in: store)
        try cancelPending(ofDebtor: debtor.id, reason: .replacedByPlan, in: store) {
            $0.debtID == debtID && Strategy.Purpose.chasing.contains($0.purpose)
        }
        let plan = PlanRecord(
            id: event.scopedID, debtorID: debtor.id, debtID: debtID,
            instalments: instalments.map { PlanRecord.Instalment(amount: $0.amount, dueDate: $0.dueDate) },
            createdAt: now)
        try store.save(plan)
        try planInstalments(of: plan, for: debtor, at: now, in: store)
        // The plan in writing at once, so that the person has what they agreed (on the plan's reminder channels).
        if let strategy = strategy(of: debtor),
            let channel = try reachableChannel(strategy.plan.reminderChannels, for: debtor, in: store),
            let first = plan.instalments.firstIndex(where: { $0.paidAt == nil })
        {
            try schedule(
                "\(plan.id)/plan-confirmation", debtorID: debtor.id, debtID: debtID, channel: channel,
                purpose: .planConfirmation, link: .instalment(planID: plan.id, number: first + 1), due: now, at: now,
                in: store)
        }
    }

    /// A reminder before each unpaid instalment and a gentle call after it, for those still ahead: an instalment
    /// already past (a backdated plan, or one that fell in a cooling-off) is not chased.
    func planInstalments(of plan: PlanRecord, for debtor: DebtorRecord, at now: Instant, in store: any StoreTransaction)
        throws
    {
        guard let strategy = strategy(of: debtor) else { return }
        let reminderChannel = try reachableChannel(strategy.plan.reminderChannels, for: debtor, in: store)
        for (index, instalment) in plan.instalments.enumerated() where instalment.paidAt == nil {
            if let channel = reminderChannel,
                let due = startOfDay(instalment.dueDate, for: debtor, addingDays: -strategy.plan.reminderDaysBefore),
                due >= now
            {
                try scheduleAgain(
                    "\(plan.id)/\(index + 1)/instalment-reminder", debtorID: debtor.id, debtID: plan.debtID,
                    channel: channel, purpose: Strategy.Purpose.instalmentReminder,
                    link: .instalment(planID: plan.id, number: index + 1), due: due, at: now, in: store)
            }
            if let due = startOfDay(instalment.dueDate, for: debtor, addingDays: strategy.plan.missedCallAfterDays),
                due >= now
            {
                try scheduleAgain(
                    "\(plan.id)/\(index + 1)/missed-instalment", debtorID: debtor.id, debtID: plan.debtID,
                    channel: .call, purpose: Strategy.Purpose.missedInstalment,
                    link: .instalment(planID: plan.id, number: index + 1), due: due, at: now, in: store)
            }
        }
    }

    /// After the call that follows a bereavement or hardship, the active plans' reminders and checks resume for the
    /// instalments still ahead: the step back was for the cooling-off, not for the rest of the plan.
    func resumePlans(ofDebtor debtorID: String, at now: Instant, in store: any StoreTransaction) throws {
        guard let debtor = try store.debtor(debtorID) else { return }
        for plan in try store.plans(ofDebtor: debtorID) where plan.status == .active {
            try planInstalments(of: plan, for: debtor, at: now, in: store)
        }
    }

    /// ``schedule(_:debtorID:debtID:channel:purpose:link:due:at:in:)``, reviving the task if a step back
    /// (bereavement, hardship) or a promise since corrected away cancelled it (``revive(_:dueAt:channel:in:)``); one
    /// that another hold or event closed stays closed.
    private func scheduleAgain(
        _ id: String, debtorID: String, debtID: String, channel: Channel, purpose: Purpose, link: TaskRecord.Link,
        due: Instant, at now: Instant, in store: any StoreTransaction
    ) throws {
        if let task = try store.task(id) { return try revive(task, dueAt: due, channel: channel, in: store) }
        try schedule(
            id, debtorID: debtorID, debtID: debtID, channel: channel, purpose: purpose, link: link, due: due, at: now,
            in: store)
    }

    /// Plans a cancelled task again at `dueAt` (on `channel`, reachable now: an opt-out may have come since), if what
    /// cancelled it allows (``ClosedReason/isRevivable``). While a step back is in progress, one a step back cancelled
    /// stays so; one a promise cancelled is closed for that step back's hold at once, as a task planned then is.
    func revive(_ task: TaskRecord, dueAt: Instant, channel: Channel, in store: any StoreTransaction) throws {
        var task = task
        let revived = TaskRecord.Transition.revived(dueAt: dueAt, channel: channel)
        guard task.allows(revived) else { return }
        let hold = try stepBackInProgress(ofDebtor: task.debtorID, besides: task, in: store)
        if hold != nil, task.closedReason?.isStepBack ?? false { return }
        try task.apply(revived)
        if let hold { try task.apply(.closed(.hold(hold))) }
        try store.save(task)
    }

    /// A payment lowers the debt's balance. Counting every payment recorded since each was made, it keeps an open
    /// promise once they reach its amount, and pays the plan's instalments they cover in order. The debt closes,
    /// with its survey, when the balance reaches zero or the plan's last instalment is paid. Without an amount a
    /// payment is the plan's next instalment, or (with no plan) the whole balance.
    func recordPayment(
        _ event: LifeEvent, debtID: String, amount text: String?, currency: String?, for debtor: DebtorRecord,
        at now: Instant, in store: any StoreTransaction
    ) throws {
        guard var debt = try store.debt(debtID, ofDebtor: debtor.id), let balance = debt.balance else { return }
        if debt.status == .recalled {
            throw ContractError(.conflict, field: "debtId", "this debt is recalled")
        }
        if let currency, currency != debt.currency {
            throw ContractError(.invalidField, field: "currency", "differs from the debt's currency")
        }
        let plan = try activePlan(of: debtor.id, debtID: debtID, in: store)
        let amount: Money
        if let text {
            guard let parsed = Money(text, currency: debt.currency) else {
                throw ContractError(.invalidField, field: "amount", "must be a decimal amount such as 120.50")
            }
            amount = parsed
        } else if let plan, let next = plan.nextUnpaid,
            let instalment = Money(plan.instalments[next].amount, currency: debt.currency)
        {
            amount = instalment
        } else {
            amount = Money(minorUnits: max(balance.minorUnits, 0), currency: debt.currency)
        }
        try store.save(
            PaymentRecord(
                id: event.scopedID, debtorID: debtor.id, debtID: debtID, amount: amount.amount, at: event.at,
                createdAt: now))
        debt.paid = Money(debt.paid, currency: debt.currency).map { $0.plus(amount).amount } ?? amount.amount
        try store.save(debt)
        // A payment on a debt already paid or closed is recorded; nothing else follows from it.
        guard debt.status == .open else { return }
        let payments = try store.payments(ofDebtor: debtor.id).filter { $0.debtID == debtID }
        func paidSince(_ instant: Instant) -> Int64 {
            payments.filter { $0.createdAt >= instant }
                .compactMap { Money($0.amount, currency: debt.currency)?.minorUnits }.reduce(0, +)
        }
        let settled = (debt.balance?.minorUnits ?? 0) <= 0
        var kept: PromiseRecord?
        for var promise in try store.promises(ofDebtor: debtor.id)
        where promise.debtID == debtID && promise.status == .open {
            let promised = Money(promise.amount, currency: debt.currency)?.minorUnits ?? 0
            guard settled || paidSince(promise.createdAt) >= promised else { continue }
            promise.status = .kept
            try store.save(promise)
            try cancelPending(ofDebtor: debtor.id, reason: .promiseKept, in: store) {
                $0.link == .promise(id: promise.id)
            }
            kept = promise
        }
        if var plan {
            var covered = paidSince(plan.createdAt)
            for index in plan.instalments.indices {
                let due = Money(plan.instalments[index].amount, currency: debt.currency)?.minorUnits ?? 0
                guard covered >= due || settled else { break }
                covered -= due
                guard plan.instalments[index].paidAt == nil else { continue }
                plan.instalments[index].paidAt = event.at
                try cancelPending(ofDebtor: debtor.id, reason: .instalmentPaid, in: store) {
                    $0.link == .instalment(planID: plan.id, number: index + 1)
                }
            }
            if plan.nextUnpaid == nil {
                plan.status = .completed
                try store.save(plan)
                return try close(debtID, of: debtor, status: .paid, reason: .planCompleted, at: now, in: store)
            }
            try store.save(plan)
        }
        if settled { return try close(debtID, of: debtor, status: .paid, reason: .paid, at: now, in: store) }
        if let kept, plan == nil { try followUp(kept, by: event, for: debtor, at: now, in: store) }
    }

    /// A promise kept by payments short of the balance: the chasing it replaced resumes with a follow-up call
    /// (`<eventId>/<debtId>/follow-up-call`, the payment's event), due when the promise's check would have been (the
    /// day after the promised date; at once if that is past), unless a call about the debt is still to be made.
    private func followUp(
        _ kept: PromiseRecord, by event: LifeEvent, for debtor: DebtorRecord, at now: Instant,
        in store: any StoreTransaction
    ) throws {
        let calls = try tasksToBeMade(ofDebtor: debtor.id, in: store) {
            $0.channel == .call && $0.debtID == kept.debtID
        }
        guard calls.isEmpty else { return }
        let due = max(startOfDay(kept.date, for: debtor, addingDays: 1) ?? now, now)
        try schedule(
            "\(event.scopedID)/\(kept.debtID)/follow-up-call", debtorID: debtor.id, debtID: kept.debtID, channel: .call,
            purpose: Strategy.Purpose.followUpCall, due: due, at: now, in: store)
    }

    /// A debt paid, closed or recalled: everything planned about it stops, and after the strategy's delay the person
    /// is asked how they were treated, on their preferred digital channel; but not about a recalled debt, which is
    /// the creditor's again (its survey, if one was planned, stops too).
    func close(
        _ debtID: String, of debtor: DebtorRecord, status: DebtRecord.Status, reason: ClosedReason, at now: Instant,
        in store: any StoreTransaction
    ) throws {
        guard var debt = try store.debt(debtID, ofDebtor: debtor.id) else { return }
        // A recalled debt is the creditor's again: nothing changes it any more. Only an open debt is recalled.
        if debt.status == .recalled || (status == .recalled && debt.status != .open) {
            throw ContractError(.conflict, field: "debtId", "this debt is \(debt.status.rawValue)")
        }
        let wasOpen = debt.status == .open
        debt.status = status
        try store.save(debt)
        try withdrawPromisesAndPlans(of: debtor.id, debtID: debtID, in: store)
        let recalled = status == .recalled
        let gentle = try gentleCallsToBeMade(ofDebtor: debtor.id, in: store).filter { $0.debtID == debtID }
        try cancelPending(ofDebtor: debtor.id, reason: reason, in: store) {
            $0.debtID == debtID && (recalled || $0.purpose != Strategy.Purpose.survey)
        }
        for call in gentle { try passOnGentleCall(call, at: now, in: store) }
        guard wasOpen, !recalled, let strategy = strategy(of: debtor),
            let channel = try reachableChannel(strategy.closing.surveyChannels, for: debtor, in: store)
        else { return }
        let due = startOfNextDay(
            after: now.adding(seconds: Int64(strategy.closing.surveyAfterDays - 1) * 86_400), for: debtor)
        try schedule(
            "\(debtor.id)/\(debtID)/survey", debtorID: debtor.id, debtID: debtID, channel: channel,
            purpose: Strategy.Purpose.survey, due: due, at: now, in: store)
    }

    func activePlan(of debtorID: String, debtID: String, in store: any StoreTransaction) throws -> PlanRecord? {
        try store.plans(ofDebtor: debtorID).last { $0.debtID == debtID && $0.status == .active }
    }

    /// A newer arrangement (promise, plan) or the end of the debt supersedes the older ones: open promises are
    /// withdrawn, and a broken one's check and reminder still to be made (deferred, given back, or waiting in a
    /// queue) end with the open ones', as no longer what follows the debt.
    func withdrawPromisesAndPlans(of debtorID: String, debtID: String, in store: any StoreTransaction) throws {
        for var promise in try store.promises(ofDebtor: debtorID)
        where promise.debtID == debtID && [.open, .broken].contains(promise.status) {
            if promise.status == .open {
                promise.status = .withdrawn
                try store.save(promise)
            }
            try cancelPending(ofDebtor: debtorID, reason: .promiseWithdrawn, in: store) {
                $0.link == .promise(id: promise.id)
            }
        }
        for var plan in try store.plans(ofDebtor: debtorID) where plan.debtID == debtID && plan.status == .active {
            plan.status = .withdrawn
            try store.save(plan)
            try cancelPending(ofDebtor: debtorID, reason: .planWithdrawn, in: store) {
                $0.link?.planID == plan.id
            }
        }
    }

    // MARK: Outcomes

    /// A promise to pay, made in a call (`inCall`) or reported by the creditor: a reminder before the date, and a
    /// call the day after it in case no payment came, to the same specialist and with the promise in its context.
    /// Chasing planned about the debt stops meanwhile.
    func recordPromise(
        id: String, _ promise: Outcome.Promise, debtID: String, madeAt: Instant, inCall taskID: String?,
        for debtor: DebtorRecord, at now: Instant, in store: any StoreTransaction
    ) throws {
        guard let debt = try store.debt(debtID, ofDebtor: debtor.id) else {
            throw ContractError(.unknownReference, field: "debtId", "no such debt of this debtor")
        }
        guard debt.status == .open else {
            throw ContractError(.conflict, field: "debtId", "this debt is \(debt.status.rawValue)")
        }
        // The debtor's today when the promise was made, not when it reached the scheduler.
        try ArrangementCheck.promise(
            promise, debt: debt, today: today(at: madeAt, for: debtor),
            maxDaysAhead: strategy(of: debtor)?.promise.horizonDays ?? Strategy.Promise.defaultHorizonDays)
        try withdrawPromisesAndPlans(of: debtor.id, debtID: debtID, in: store)
        try cancelPending(ofDebtor: debtor.id, reason: .replacedByPromise, in: store) {
            $0.debtID == debtID && Strategy.Purpose.chasing.contains($0.purpose)
        }
        let record = PromiseRecord(
            id: id, debtorID: debtor.id, debtID: debtID, taskID: taskID, amount: promise.amount, date: promise.date,
            createdAt: now)
        try store.save(record)
        try planFollowUps(of: record, for: debtor, at: now, in: store)
    }

    /// A promise's reminder before its date (if not past) and its check the day after; planned again, if cancelled,
    /// for a promise in force again (``restoreWhatItReplaced(_:correction:at:in:)``).
    private func planFollowUps(
        of promise: PromiseRecord, for debtor: DebtorRecord, at now: Instant, in store: any StoreTransaction
    ) throws {
        guard let strategy = strategy(of: debtor) else { return }
        if let channel = try reachableChannel(strategy.promise.reminderChannels, for: debtor, in: store),
            let due = startOfDay(promise.date, for: debtor, addingDays: -strategy.promise.reminderDaysBefore),
            due >= now
        {
            try scheduleAgain(
                "\(promise.id)/promise-reminder", debtorID: debtor.id, debtID: promise.debtID, channel: channel,
                purpose: Strategy.Purpose.promiseReminder, link: .promise(id: promise.id), due: due, at: now,
                in: store)
        }
        if let due = startOfDay(promise.date, for: debtor, addingDays: 1) {
            try scheduleAgain(
                "\(promise.id)/broken-promise", debtorID: debtor.id, debtID: promise.debtID, channel: .call,
                purpose: Strategy.Purpose.brokenPromise, link: .promise(id: promise.id), due: max(due, now), at: now,
                in: store)
        }
    }

    /// A promise corrected away (the outcome that carried it was not a promise after all) is undone with what it
    /// replaced, as if it had never been made. The arrangement it superseded (the debt's latest promise or plan
    /// recorded before it, not corrected away itself) is in force again: a promise it withdrew is open again, a plan
    /// active again, each with its reminders and checks still ahead, and the chasing calls stay replaced. With no such
    /// arrangement, the chasing calls it cancelled (those about the debt created since the one before it, if any) are
    /// planned again (``reviveChasing(replacedBy:since:correction:at:in:)``). Nothing is restored about a debt no
    /// longer open, nor while a newer arrangement is in force. `correction` is the correcting outcome's id.
    func restoreWhatItReplaced(
        _ corrected: PromiseRecord, correction: String, at now: Instant, in store: any StoreTransaction
    ) throws {
        guard let debtor = try store.debtor(corrected.debtorID),
            try store.debt(corrected.debtID, ofDebtor: debtor.id)?.status == .open
        else { return }
        let promises = try store.promises(ofDebtor: debtor.id).filter {
            $0.debtID == corrected.debtID && $0.id != corrected.id
        }
        let plans = try store.plans(ofDebtor: debtor.id).filter { $0.debtID == corrected.debtID }
        guard !promises.contains(where: { $0.createdAt > corrected.createdAt }),
            !plans.contains(where: { $0.createdAt > corrected.createdAt })
        else { return }
        let earlierPromise = try promises.filter { try !isCorrectedAway($0, in: store) }.last {
            $0.createdAt <= corrected.createdAt
        }
        let earlierPlan = plans.last { $0.createdAt <= corrected.createdAt }
        if var plan = earlierPlan, earlierPromise.map({ plan.createdAt > $0.createdAt }) ?? true {
            guard plan.status == .withdrawn else {
                return try reviveChasing(
                    replacedBy: corrected, since: plan.createdAt, correction: correction, at: now, in: store)
            }
            plan.status = .active
            try store.save(plan)
            try cancelPending(ofDebtor: debtor.id, reason: .replacedByPlan, in: store) {
                $0.debtID == plan.debtID && Strategy.Purpose.chasing.contains($0.purpose)
            }
            return try planInstalments(of: plan, for: debtor, at: now, in: store)
        }
        guard var promise = earlierPromise, [.withdrawn, .broken].contains(promise.status) else {
            return try reviveChasing(
                replacedBy: corrected, since: earlierPromise?.createdAt, correction: correction, at: now, in: store)
        }
        if promise.status == .withdrawn {
            promise.status = .open
            try store.save(promise)
        }
        try cancelPending(ofDebtor: debtor.id, reason: .replacedByPromise, in: store) {
            $0.debtID == promise.debtID && Strategy.Purpose.chasing.contains($0.purpose)
        }
        try planFollowUps(of: promise, for: debtor, at: now, in: store)
    }

    /// Whether the promise was corrected away: the outcome that carried it has a correction.
    private func isCorrectedAway(_ promise: PromiseRecord, in store: any StoreTransaction) throws -> Bool {
        guard let taskID = promise.taskID else { return false }
        return try store.outcomes(ofTask: taskID).contains { $0.corrects == promise.id }
    }

    /// The chasing calls about the debt that `promise` cancelled when it was recorded, planned again: those it ended
    /// as replaced by a promise, created after the arrangement before it (`since`), if any, and not after it. Not
    /// beside a call about the debt still to be made (a retry planned since, say). The retry of an outcome corrected
    /// since stays cancelled, as that correction would have ended it; if only such retries were replaced, a follow-up
    /// call (`<correctionId>/<debtId>/follow-up-call`) stands in for them, since the correction's own retry, if any,
    /// was not planned beside the promise.
    private func reviveChasing(
        replacedBy promise: PromiseRecord, since: Instant?, correction: String, at now: Instant,
        in store: any StoreTransaction
    ) throws {
        let calls = try tasksToBeMade(ofDebtor: promise.debtorID, in: store) {
            $0.channel == .call && $0.debtID == promise.debtID
        }
        guard calls.isEmpty else { return }
        let replaced = try store.tasks(ofDebtor: promise.debtorID, statuses: [.cancelled]).filter { task in
            task.debtID == promise.debtID && task.closedReason == .replacedByPromise
                && Strategy.Purpose.chasing.contains(task.purpose) && task.createdAt <= promise.createdAt
                && since.map { task.createdAt > $0 } ?? true
        }
        guard let due = replaced.map(\.dueAt).max().map({ max($0, now) }) else { return }
        var corrected: Set<String> = []
        for task in try store.tasks(ofDebtor: promise.debtorID, statuses: []) where task.debtID == promise.debtID {
            corrected.formUnion(try store.outcomes(ofTask: task.id).compactMap(\.corrects))
        }
        let revivable = replaced.filter { task in
            guard case .outcome(let id) = task.link else { return true }
            return !corrected.contains(id)
        }
        for task in revivable { try revive(task, dueAt: max(task.dueAt, now), channel: task.channel, in: store) }
        guard revivable.isEmpty else { return }
        try schedule(
            "\(correction)/\(promise.debtID)/follow-up-call", debtorID: promise.debtorID, debtID: promise.debtID,
            channel: .call, purpose: Strategy.Purpose.followUpCall, due: due, at: now, in: store)
    }

    /// An unanswered call (or one that did not connect, or failed) is tried again after the strategy's delay; after
    /// several unanswered in a row, the person gets a message asking them to call back, and calls pause for a few
    /// days. A call that did not connect or failed counts toward none: the phone never rang.
    func followUpUnanswered(
        _ outcome: Outcome, task: TaskRecord, debtor: DebtorRecord, at now: Instant, in store: any StoreTransaction
    ) throws {
        // A call about the debt still to be made, queued or taken included, is the next attempt already.
        let planned = try tasksToBeMade(ofDebtor: debtor.id, in: store) {
            $0.channel == .call && $0.debtID == task.debtID
        }
        guard planned.isEmpty, let strategy = strategy(of: debtor) else { return }
        let rules = strategy.unansweredCalls
        var waitDays = rules.retryAfterDays
        if try unansweredInARow(debtor.id, debtID: task.debtID, in: store) >= rules.nudgeAfter,
            let channel = try reachableChannel(rules.nudgeChannels, for: debtor, in: store)
        {
            try schedule(
                "\(outcome.outcomeId)/call-back-request", debtorID: debtor.id, debtID: task.debtID, channel: channel,
                purpose: Strategy.Purpose.callBackRequest, link: .outcome(id: outcome.outcomeId), due: now, at: now,
                in: store)
            waitDays += rules.pauseDays
        }
        let due = startOfNextDay(after: outcome.at.adding(seconds: Int64(waitDays - 1) * 86_400), for: debtor)
        try schedule(
            "\(outcome.outcomeId)/retry-call", debtorID: debtor.id, debtID: task.debtID, channel: .call,
            purpose: Strategy.Purpose.retryCall, link: .outcome(id: outcome.outcomeId), due: due, at: now, in: store)
    }

    /// Unanswered calls about the debt since the last conversation or the last call-back request, whichever is later.
    private func unansweredInARow(_ debtorID: String, debtID: String, in store: any StoreTransaction) throws -> Int {
        let tasks = try store.tasks(ofDebtor: debtorID, statuses: [.done])
        let nudges = Set(tasks.filter { $0.purpose == Strategy.Purpose.callBackRequest }.map(\.id))
        var count = 0
        for entry in try store.ledger(ofDebtor: debtorID, since: Instant(secondsSinceEpoch: 0)).reversed()
        where entry.debtID == debtID {
            if nudges.contains(entry.taskID) || entry.result == .conversation { break }
            if entry.channel == .call, [.noAnswer, .voicemail].contains(entry.result) { count += 1 }
        }
        return count
    }
}
