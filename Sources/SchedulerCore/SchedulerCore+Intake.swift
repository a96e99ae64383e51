import Cadence
import Contract
import Domain
import Policy
import Store
import TactConfig

extension SchedulerCore {
    /// A placement creates (or refreshes) the debtor and the open debt and schedules, due at once, a first notice on
    /// the first channel of the strategy's list the debtor can be reached on, and a first call. Both go through
    /// the policy. The same placement with changed content amends the case instead: the debtor and the debt take the
    /// new content, no first contact is planned again, and the tasks already planned are decided again on it.
    func place(_ placement: Placement, userID: String?, at now: Instant, in store: any StoreTransaction) throws {
        try authorize(
            userID, for: placement.creditorId,
            mismatch: ContractError(.creditorMismatch, field: "creditorId", "differs from the authenticated AMQP user"))
        let rulebook = configuration.rulebook(placement: placement.rulebook, creditor: placement.creditorId)
        guard rulebooks[rulebook] != nil else {
            throw ContractError(.invalidField, field: "rulebook", "no rulebook with this id is configured")
        }
        let strategyID = configuration.strategy(placement: placement.strategy, creditor: placement.creditorId)
        guard let strategy = strategies[strategyID] else {
            throw ContractError(.invalidField, field: "strategy", "no strategy with this id is configured")
        }
        if let specialist = placement.specialistId {
            try requireOnRoster(specialist, field: "specialistId", in: store)
        }
        let placed = placement.debtor
        // A debt that was paid or closed stays so: placing it again would send a first notice about money the
        // person no longer owes. A new debt gets a new id.
        // A placementId names one debt of one debtor for good: the same id with another debtor or debt would leave
        // that debt without first contacts (their task ids exist), so it is refused.
        let prefix = "\(placement.creditorId)/\(placement.placementId)"
        let key = placement.debtorKey
        if let first = try store.task("\(prefix)/first-call"),
            first.debtorID != key || first.debtID != placement.debt.id
        {
            throw ContractError(
                .conflict, field: "placementId", "already names another debtor or debt; a new debt needs a new id")
        }
        let known = try store.debt(placement.debt.id, ofDebtor: key)
        if let known, known.status != .open {
            throw ContractError(
                .conflict, field: "debt.id", "this debt is \(known.status.rawValue); a new debt needs a new id")
        }
        var debtor = DebtorRecord(
            id: key, creditorID: placement.creditorId, rulebook: rulebook, strategy: strategyID,
            specialistID: placement.specialistId,
            contact: ContactDetails(
                name: placed.name, phone: placed.phone, sms: placed.sms, email: placed.email,
                postalAddress: placed.address, language: placed.language),
            timeZones: placed.timeZones, inconvenient: placed.inconvenient ?? [], createdAt: now,
            personKey: placed.personKey)
        // One person's cases are few; a key shared by many is a placeholder (a hash of an empty id, say) that would
        // make strangers one person, their holds and opt-outs each other's.
        if let personKey = placed.personKey,
            try store.debtors(personKey: personKey).filter({ $0.id != key }).count >= Self.maxLinkedCases
        {
            throw ContractError(
                .conflict, field: "debtor.personKey", "already links \(Self.maxLinkedCases) cases; is it a placeholder?"
            )
        }
        let existing = try store.debtor(key)
        if let existing {
            // What the person asked for (opt-outs), who represents them, and the specialist they have come to
            // trust outlive a new placement.
            debtor.optOuts = existing.optOuts
            debtor.representative = existing.representative
            debtor.createdAt = existing.createdAt
            debtor.specialistID = existing.specialistID ?? placement.specialistId
        }
        try store.save(debtor)
        let debt = placement.debt
        // Payments already reported stay paid: an amendment changes what is owed, not what was paid.
        if let known, known.currency != debt.currency, Money(known.paid, currency: known.currency)?.minorUnits != 0 {
            throw ContractError(
                .conflict, field: "debt.currency", "payments were recorded in \(known.currency); it cannot change")
        }
        // The placement that first placed the debt names it for good (its first contacts' ids derive from it).
        try store.save(
            DebtRecord(
                debtorID: debtor.id, id: debt.id, placementID: known?.placementID ?? placement.placementId,
                amount: debt.amount, currency: debt.currency, dueDate: debt.dueDate, paid: known?.paid ?? "0.00"))
        // An amendment, under the same placementId or a new one: the first contacts were planned when the debt was
        // placed, and a second first notice or first call would be a second demand for the same money; what is
        // planned now is decided again on the new content (zones, hours, channels, rulebook).
        if let known {
            var detail = AuditDetail()
            detail.add("placementId", placement.placementId)
            detail.add("placedAs", known.placementID)
            try store.audit("placement.amended", subject: debt.id, debtorID: debtor.id, detail)
            // A call or reminder waiting in a queue carries the details it was published with: published again, it
            // carries the amended ones.
            try publishQueuedAgain(ofDebtor: debtor.id, at: now, in: store)
            // A lower amount that payments already cover settles the debt.
            if let balance = try store.debt(debt.id, ofDebtor: debtor.id)?.balance, balance.minorUnits <= 0 {
                try close(debt.id, of: debtor, status: .paid, reason: .paid, at: now, in: store)
            }
            return try reconsider(debtor.id, at: now, in: store)
        }

        if let channel = try reachableChannel(strategy.placement.noticeChannels, for: debtor, in: store) {
            try schedule(
                "\(prefix)/first-notice", debtorID: debtor.id, debtID: debt.id, channel: channel,
                purpose: Strategy.Purpose.firstNotice, due: now, at: now, in: store, newDebtor: existing == nil)
        }
        try schedule(
            "\(prefix)/first-call", debtorID: debtor.id, debtID: debt.id, channel: .call,
            purpose: Strategy.Purpose.firstCall, due: now, at: now, in: store, newDebtor: existing == nil)
    }

    /// Events set or lift holds and opt-outs, end the tasks they forbid for good, and start the humane flows:
    /// a plan's reminders, the call after a bereavement or in hardship, the survey after a case closes.
    func record(_ event: LifeEvent, userID: String?, at now: Instant, in store: any StoreTransaction) throws {
        // Before the debtor is looked up: a sender learns nothing about another creditor's cases.
        try authorize(
            userID, for: event.creditorId,
            mismatch: ContractError(.creditorMismatch, field: "creditorId", "differs from the authenticated AMQP user"))
        var debtor = try debtor(event.debtorKey, field: "debtorId", in: store)
        if let debtID = event.debtId, try store.debt(debtID, ofDebtor: debtor.id) == nil {
            throw ContractError(.unknownReference, field: "debtId", "the debtor has no debt with this id")
        }
        if let kind = event.kind.hold {
            try store.save(
                HoldRecord(
                    id: event.scopedID, debtorID: debtor.id, debtID: event.debtId, kind: kind, since: event.at,
                    until: event.until))
        }
        switch try event.meaning() {
        case .hold(.cease):
            try cancelPending(ofDebtor: debtor.id, reason: .cease, in: store)
        case .hold(let hold):
            if let purpose = Self.stepBackCalls[hold] {
                try stepBack(debtor, after: event, hold: hold, purpose: purpose, at: now, in: store)
            }
        case .attorney(let representative):
            debtor.representative = representative
            try store.save(debtor)
            try publishQueuedAgain(ofDebtor: debtor.id, at: now, in: store)
        case .deceased(let representative):
            if let representative {
                debtor.representative = representative
                try store.save(debtor)
                try publishQueuedAgain(ofDebtor: debtor.id, at: now, in: store)
            } else if debtor.representative == nil {
                // Nobody to redirect to: nothing may be sent at all.
                try cancelPending(ofDebtor: debtor.id, reason: .hold(.deceased), in: store)
            }
        case .disputeResolved:
            for var hold in try store.activeHolds(ofDebtor: debtor.id) where hold.kind == .dispute {
                hold.liftedAt = event.at
                try store.save(hold)
            }
            try resumeCalls(for: debtor, after: event, at: now, in: store)
        case .optOut(let channel):
            debtor.optOuts.insert(channel)
            try store.save(debtor)
            try cancelPending(ofDebtor: debtor.id, reason: .optOut, in: store) { $0.channel == channel }
            // A validation notice on that channel is still owed: on another, if the person can be reached on one.
            try planValidationNotices(for: debtor, at: now, in: store)
        case .optIn(let channel):
            // An opt-out counts for the person under every case, so an opt-in does too.
            debtor.optOuts.remove(channel)
            try store.save(debtor)
            for linked in try linkedCases(of: debtor.id, in: store) {
                guard var other = try store.debtor(linked), other.optOuts.remove(channel) != nil else { continue }
                try store.save(other)
            }
        case .plan(let debtID, let instalments):
            try startPlan(event, debtID: debtID, instalments: instalments, for: debtor, at: now, in: store)
        case .payment(let debtID, let amount, let currency):
            try recordPayment(
                event, debtID: debtID, amount: amount, currency: currency, for: debtor, at: now, in: store)
        case .promise(let debtID, let promise):
            try recordPromise(
                id: event.scopedID, promise, debtID: debtID, madeAt: event.at, inCall: nil, for: debtor, at: now,
                in: store)
        case .closed(let debtID):
            try close(debtID, of: debtor, status: .closed, reason: .debtClosed, at: now, in: store)
        case .recall(let debtID):
            try close(debtID, of: debtor, status: .recalled, reason: .debtRecalled, at: now, in: store)
        }
        try reconsider(debtor.id, at: now, in: store)
    }

    /// Tasks the policy already deferred are decided again at once, so their next decision (and its explanation)
    /// reflects the event. Tasks never handed out keep their due time: the cadence chose it, not the policy.
    private func reconsider(_ debtorID: String, at now: Instant, in store: any StoreTransaction) throws {
        for var task in try store.tasks(ofDebtor: debtorID, statuses: [.pending])
        where task.attempts > 0 && task.dueAt > now {
            try task.apply(.moved(dueAt: now))
            try store.save(task)
        }
    }

    /// After a dispute is resolved, calls about open debts resume unless one is still to be made (planned, being
    /// decided, queued or taken).
    private func resumeCalls(
        for debtor: DebtorRecord, after event: LifeEvent, at now: Instant, in store: any StoreTransaction
    ) throws {
        let planned = try tasksToBeMade(ofDebtor: debtor.id, in: store) { $0.channel == .call }
        for debt in try store.debts(ofDebtor: debtor.id) where debt.status == .open {
            guard !planned.contains(where: { $0.channel == .call && $0.debtID == debt.id }) else { continue }
            try schedule(
                "\(event.scopedID)/\(debt.id)/follow-up-call", debtorID: debtor.id, debtID: debt.id, channel: .call,
                purpose: Strategy.Purpose.followUpCall, due: now, at: now, in: store)
        }
    }
}
