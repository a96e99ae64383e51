import Cadence
import Contract
import Domain
import Policy
import Store

@testable import SchedulerCore

// The inputs of a random run that come from outside the scheduler's own loop: creditors' placements and events,
// `tact next`'s checks, the broker's expiries, operators' changes of specialists, and redeliveries. Most are valid;
// some are refused on purpose, and where the contract says an input must be refused the model checks that it is.

extension RandomRun {
    /// A first placement of a debt, or its amendment (same placement id, new content), or the same placement again;
    /// now and then one the scheduler must refuse.
    func place() async throws {
        let index = random.number(in: 1...Self.debtorIDs.count)
        let debtorID = Self.debtorIDs[index - 1]
        let debtIndex = random.number(in: 1...3)
        let debtID = "C-\(index)-\(debtIndex)"
        let creditor = index == 3 ? "polbank" : "acme"
        let key = "\(creditor)/P-\(index)-\(debtIndex)"
        var placement: Placement
        var mustBeRefused = false
        var amends = false
        let exactly: Bool
        if let known = placements[key] {
            placement = known
            switch random.weighted([(0, 55), (1, 18), (2, 10), (3, 10), (4, 7)]) {
            case 0:
                amend(&placement, index: index)
                amends = true
            case 1:
                break
            case 2:
                // Another placement id for a debt already placed.
                placement.placementId = "P-\(index)-\(debtIndex)-\(nextID("again"))"
            case 3:
                // A placement id names one debt for good.
                placement.debt.id = "C-\(index)-\(debtIndex % 3 + 1)"
                mustBeRefused = true
            default:
                placement.debt.currency = placement.debt.currency == "USD" ? "EUR" : "USD"
                amends = true
            }
            exactly = placement == known
        } else {
            placement = fresh(index: index, debtID: debtID, creditor: creditor)
            exactly = false
        }
        if let debt = debts[placement.debt.id], debt.status != .open { mustBeRefused = true }
        doing =
            "placement \(placement.placementId) of \(debtorID)/\(placement.debt.id)"
            + (exactly ? " again" : amends ? " amended" : "")
        guard (try? placement.validate()) != nil else { return }
        let before = Set(last.cases.first { $0.debtor.ref == debtorID }?.tasks.map(\.id) ?? [])
        let result = try await apply(.placement(placement, userID: nil))
        if exactly, result != .duplicate { fail("the same placement again was \(result), not a duplicate") }
        guard result == .applied else { return }
        if mustBeRefused { fail("placement \(placement.placementId) of \(placement.debt.id) was applied") }
        let placedID = placement.debt.id
        let isAmendment = debts[placedID]?.placementID == placement.placementId
        placements["\(creditor)/\(placement.placementId)"] = placement
        if debtors[debtorID] == nil {
            debtors[debtorID] = DebtorModel()
        }
        debtors[debtorID]?.zone = placement.debtor.timeZones.first ?? "UTC"
        let amount = Money(placement.debt.amount, currency: placement.debt.currency)?.minorUnits ?? 0
        if var debt = debts[placedID] {
            debt.amount = amount
            debt.currency = placement.debt.currency
            debt.placementID = placement.placementId
            debts[placedID] = debt
        } else {
            debts[placedID] = DebtModel(
                debtorID: debtorID, placementID: placement.placementId, currency: placement.debt.currency,
                amount: amount)
        }
        // An amendment plans no first contact again: the debtor's tasks are those it had, but the survey when it
        // lowered the amount to what payments already cover (the debt is then paid).
        guard isAmendment else { return }
        let (store, id) = (store, debtorID)
        let after = Set(try await store.read { try $0.tasks(ofDebtor: id, statuses: []) }.map(\.id))
        var created = after.subtracting(before)
        if let debt = debts[placedID], debt.status == .open, debt.amount - debt.paid <= 0 {
            created.remove("\(debtorID)/\(placedID)/survey")
        }
        if !created.isEmpty { fail("the amendment created tasks \(created.sorted())") }
    }

    private func fresh(index: Int, debtID: String, creditor: String) -> Placement {
        // D-3 is polbank's (pl-respectful), D-4 is placed under uk-fca; the others under the default us-regf.
        let zones: [String] =
            switch index {
            case 3: ["Europe/Warsaw"]
            case 4: ["Europe/London"]
            default: random.pick([["America/New_York"], ["America/Chicago", "America/New_York"], []]) ?? []
            }
        return Placement(
            placementId: "P-\(debtID.dropFirst(2))", creditorId: creditor, rulebook: index == 4 ? "uk-fca" : nil,
            specialistId: specialist(),
            debtor: .init(
                id: Self.debtorIDs[index - 1], name: "Test Person", timeZones: zones, phone: "+15550100",
                sms: random.chance(40) ? "+1555010\(index)" : nil,
                email: random.chance(60) ? "d\(index)@example.com" : nil,
                address: random.chance(30) ? "1 Example Way" : nil, language: "en"),
            debt: .init(
                id: debtID, amount: random.pick(Self.amounts) ?? "120.50",
                currency: ["USD", "USD", "PLN", "GBP"][index - 1],
                dueDate: "2026-11-01"))
    }

    static let amounts = ["120.50", "80.00", "300.00", "45.99"]

    private func specialist() -> String? {
        random.weighted([(nil, 30), ("anna", 20), ("bob", 20), ("carol", 15), ("dave", 10), ("zed", 5)])
    }

    /// One or two fields of the placement changed.
    private func amend(_ placement: inout Placement, index: Int) {
        for _ in 0...random.below(2) {
            switch random.below(7) {
            case 0: placement.debt.amount = random.pick(Self.amounts) ?? "120.50"
            case 1:
                placement.debtor.timeZones =
                    random.pick([["America/New_York"], ["Europe/Warsaw"], ["America/Chicago"], []]) ?? []
            case 2: placement.debtor.email = placement.debtor.email == nil ? "d\(index)@example.com" : nil
            case 3: placement.debtor.sms = placement.debtor.sms == nil ? "+1555010\(index)" : nil
            case 4: placement.debtor.address = placement.debtor.address == nil ? "1 Example Way" : nil
            case 5: placement.specialistId = specialist()
            default: placement.debt.dueDate = random.chance(50) ? "2026-11-15" : "2026-10-01"
            }
        }
    }

    /// A life event of any kind about a placed debtor (now and then an unknown one), in random order.
    func lifeEvent() async throws {
        // Half the time about a debtor a worker is deciding for: the race the scheduler must win (a cease, an opt-out
        // or a death recorded always beats a contact decided before it).
        let deciding = Set(undecided.map(\.debtor.id)).sorted()
        let placed = random.chance(50) && !deciding.isEmpty ? deciding : debtors.keys.sorted()
        guard let debtorID = random.chance(3) ? "D-9" : random.pick(placed) else {
            doing = "event (nobody placed)"
            return
        }
        // Those that stop contact come more often while a worker decides.
        let racing = deciding.contains(debtorID) ? 4 : 1
        let kind: LifeEvent.Kind = random.weighted([
            (.payment, 8), (.promise, 8), (.plan, 8), (.dispute, 6), (.disputeResolved, 6), (.cease, 1 * racing),
            (.optOut, 4 * racing), (.optIn, 6), (.bereavement, 5), (.hardship, 5), (.breathingSpace, 4),
            (.closed, 3), (.recall, 3), (.deceased, 3), (.attorney, 4),
        ])
        let ofDebtor = debts.filter { $0.value.debtorID == debtorID }.keys.sorted()
        let needsDebt: Set<LifeEvent.Kind> = [.payment, .promise, .plan, .closed, .recall]
        let debtID = needsDebt.contains(kind) || random.chance(30) ? random.pick(ofDebtor) : nil
        let id = nextID("E")
        var event = LifeEvent(
            eventId: id, debtorId: debtorID, debtId: debtID, kind: kind,
            at: now.adding(seconds: -Int64(random.number(in: 0...600))))
        if kind.hold != nil, random.chance(40) {
            event.until = now.adding(seconds: Int64(random.number(in: 3_600...20 * 86_400)))
        }
        switch kind {
        case .attorney:
            event.representative = Representative(kind: "attorney", name: "Sam Counsel", phone: "+15550199")
        case .deceased where random.chance(50):
            event.representative = Representative(kind: "estate", name: "Alex Estate", email: "estate@example.org")
        case .optOut, .optIn:
            let handedOut = undecided.filter { $0.debtor.id == debtorID }.map(\.channel)
            event.channel = random.pick(random.chance(50) && !handedOut.isEmpty ? handedOut : Channel.allCases)
        case .payment:
            if let debtID, random.chance(70) {
                let balance = debts[debtID].map { $0.amount - $0.paid } ?? 0
                let amount = random.weighted([(balance, 15), (Int64(random.number(in: 100...6_000)), 80), (99_999, 5)])
                event.amount = money(max(amount, 1), of: debtID)
            }
            event.currency = random.weighted([(nil, 80), (debtID.flatMap { debts[$0]?.currency }, 15), ("EUR", 5)])
        case .promise:
            event.promise = debtID.map { promise(about: $0, of: debtorID) }
        case .plan:
            event.instalments = debtID.map { instalments(about: $0, of: debtorID) }
        default:
            break
        }
        doing = "event \(id) \(kind.rawValue) of \(debtorID)" + (debtID.map { "/\($0)" } ?? "")
        guard (try? event.validate()) != nil else { return }
        let debt = debtID.flatMap { debts[$0] }
        var mustBeRefused = debtors[debtorID] == nil
        if let debt {
            if debt.status == .recalled, needsDebt.contains(kind) { mustBeRefused = true }
            if debt.status != .open, [.recall, .plan, .promise].contains(kind) { mustBeRefused = true }
        }
        // What a payment without an amount pays: the active plan's next instalment, else the balance left.
        var paying = event.amount.flatMap { text in debt.flatMap { Money(text, currency: $0.currency)?.minorUnits } }
        if kind == .payment, paying == nil, let debtID, let debt {
            let plan = last.cases.first { $0.debtor.ref == debtorID }?.plans.last {
                $0.debtID == debtID && $0.status == .active
            }
            paying =
                plan.flatMap { plan in
                    plan.nextUnpaid.flatMap { Money(plan.instalments[$0].amount, currency: debt.currency)?.minorUnits }
                } ?? max(debt.amount - debt.paid, 0)
        }
        let result = try await apply(.event(event, userID: nil))
        guard result == .applied else { return }
        if mustBeRefused { fail("event \(id) (\(kind.rawValue)) was applied") }
        switch kind {
        case .cease:
            if let debtID { debtors[debtorID]?.ceasedDebts.insert(debtID) } else { debtors[debtorID]?.ceased = true }
        case .optOut: debtors[debtorID]?.optOuts.insert(event.channel!)
        case .optIn: debtors[debtorID]?.optOuts.remove(event.channel!)
        case .payment:
            guard let debtID, var debt = debts[debtID] else { break }
            debt.paid += paying ?? 0
            // The balance reaching zero settles an open debt.
            if debt.status == .open, debt.amount - debt.paid <= 0 { debt.status = .paid }
            debts[debtID] = debt
        case .plan:
            if let debtID { debts[debtID]?.planAgreed = true }
        case .closed:
            if let debtID { debts[debtID]?.status = .closed }
        case .recall:
            if let debtID { debts[debtID]?.status = .recalled }
        default:
            break
        }
        // A debt that ended (paid, its plan completed, closed, recalled) stops everything planned about it, but its
        // survey unless it was recalled.
        guard let debtID, debt?.status == .open else { return }
        let (store, debtor) = (store, debtorID)
        let (ended, planned) = try await store.read { store in
            (
                try store.debt(debtID, ofDebtor: debtor),
                try store.tasks(ofDebtor: debtor, statuses: [.pending, .inFlight])
            )
        }
        guard let ended, ended.status != .open else { return }
        let left = planned.filter {
            $0.debtID == debtID && ($0.purpose != Strategy.Purpose.survey || ended.status == .recalled)
        }
        if !left.isEmpty { fail("debt \(debtID) is \(ended.status) and still has \(left.map(\.id)) planned") }
    }

    /// One to three instalments, weekly from a few days on (now and then backdated, or more than the balance).
    private func instalments(about debtID: String, of debtorID: String) -> [LifeEvent.Instalment] {
        let count = random.number(in: 1...3)
        let balance = debts[debtID].map { $0.amount - $0.paid } ?? 1_000
        let each = random.chance(90) ? max(balance / Int64(count), 1) : balance
        let start = today(of: debtorID).adding(days: random.chance(90) ? random.number(in: 1...10) : -3)
        return (0..<count).map { index in
            LifeEvent.Instalment(amount: money(each, of: debtID), dueDate: start.adding(days: 7 * index).description)
        }
    }

    /// `tact next` asks about a call: mostly one waiting in a queue or taken, by whoever it is queued for, sometimes
    /// an older copy or by someone else. An allowed call is the task's latest contact, about an open debt.
    func checkCall() async throws {
        let queued = last.cases.flatMap { records in
            records.tasks.filter { task in
                task.status == .done && task.queuedFor != nil
                    && records.ledger.last { $0.taskID == task.id }?.result == .pending
            }
        }
        let taken = last.tasks(.taken)
        // A copy left behind by an earlier hand-out of a call published again (expired, given back, moved).
        let copies = (queued + taken).filter { $0.attempts > 1 }
        var request: CallCheck
        let choice = random.weighted([(0, 60), (1, 25), (2, 15)])
        if choice == 0, let task = random.pick(random.chance(80) && !queued.isEmpty ? queued : taken) {
            let own = task.status == .taken ? task.takenBy : task.queuedFor
            let specialist = random.weighted([(own, 70), (random.pick(Self.roster), 20), (nil, 10)])
            request = CallCheck(taskId: task.id, attempt: task.attempts, specialistId: specialist)
        } else if choice == 1, let task = random.pick(copies) {
            request = CallCheck(
                taskId: task.id, attempt: random.number(in: 1...task.attempts - 1),
                specialistId: task.takenBy ?? task.queuedFor)
        } else if let taskID = random.pick(deliveredOrder), let attempt = delivered[taskID] {
            request = CallCheck(
                taskId: taskID, attempt: max(attempt - random.below(2), 1), specialistId: random.pick(Self.roster))
        } else {
            doing = "call check (no call)"
            return
        }
        if random.chance(50) {
            request.validUntil = now.adding(seconds: Int64(random.number(in: 300...14_400)))
        }
        doing = "call check \(request.taskId)#\(request.attempt) by \(request.specialistId ?? "nobody")"
        let (core, now, checked) = (core, now, request)
        let reply = try await store.write { try core.check(checked, at: now, in: $0) }
        tally["call check \(reply.refusal ?? "taken")", default: 0] += 1
        guard reply.refusal == nil else { return }
        if delivered[request.taskId] != request.attempt || handOuts[request.taskId]?.attempt != request.attempt {
            fail("call check allowed attempt \(request.attempt), not the task's latest contact")
        }
        if let debtID = last.task(request.taskId)?.debtID, let debt = debts[debtID], debt.status != .open {
            fail("call check allowed a call about the \(debt.status) debt \(debtID)")
        }
    }

    /// A contact expires in its queue or is given back: mostly the latest one, sometimes an older copy or one whose
    /// decision has not arrived.
    func expire() async throws {
        let target: (String, Int)?
        switch random.weighted([(0, 70), (1, 15), (2, 15)]) {
        case 0: target = random.pick(deliveredOrder).flatMap { id in delivered[id].map { (id, $0) } }
        case 1: target = random.pick(deliveredOrder).flatMap { id in delivered[id].map { (id, max($0 - 1, 1)) } }
        default: target = random.pick(undecided).map { ($0.taskId, $0.attempt) }
        }
        guard let (taskID, attempt) = target else {
            doing = "expiry (nothing published)"
            return
        }
        doing = "expiry \(taskID)#\(attempt)"
        try await apply(.expired(taskID: taskID, attempt: attempt))
    }

    /// An operator's change of specialists, some naming one off the roster.
    func changeSpecialists() async throws {
        let action: SpecialistChange.Action = random.weighted([
            (.away, 35), (.back, 20), (.handover, 25), (.join, 10), (.retire, 10),
        ])
        let change = SpecialistChange(
            changeId: nextID("S"), action: action, specialistId: random.pick(Self.roster) ?? "anna",
            until: action == .away ? now.adding(seconds: Int64(random.number(in: 3_600...10 * 86_400))) : nil,
            backupId: random.chance(60) ? random.pick(Self.roster) : nil,
            debtorId: action == .handover ? (random.chance(5) ? "D-9" : random.pick(Self.debtorIDs)) : nil)
        doing =
            "specialist \(change.changeId) \(action.rawValue) \(change.specialistId)"
            + (change.backupId.map { " backup \($0)" } ?? "") + (change.debtorId.map { " for \($0)" } ?? "")
        guard (try? change.validate()) != nil else { return }
        try await apply(.specialist(change))
    }

    /// An input applied before, delivered again: a duplicate that changes nothing.
    func redeliver() async throws {
        guard let input = random.pick(applied) else {
            doing = "redelivery (nothing applied yet)"
            return
        }
        doing = "redelivery of \(input.messageID)"
        let result = try await apply(input)
        if result != .duplicate { fail("a redelivered input was \(result), not a duplicate") }
    }
}
