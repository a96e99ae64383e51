import Contract
import Domain
import Policy
import Store
import Testing

@testable import SchedulerCore

/// Payments with amounts and the balance they leave; promises the creditor reports. The debt is 120.50 USD.
@Suite("Scheduler: payments, balances and creditors' promises")
struct SchedulerPaymentTests {
    let core = Fixtures.core()

    private func placed() async throws -> SQLiteStore {
        let store = try SQLiteStore.inMemory()
        try await core.apply([.placement(Fixtures.placement(specialist: "anna"), userID: nil)], to: store)
        return store
    }

    private func payment(_ id: String, _ amount: String?, currency: String? = nil) -> SchedulerInput {
        .event(
            LifeEvent(
                eventId: id, debtorId: "D-1", debtId: "C-1", kind: .payment, at: Fixtures.now, amount: amount,
                currency: currency), userID: nil)
    }

    private func storedDebt(_ store: SQLiteStore) async throws -> DebtRecord {
        try #require(try await store.read { try $0.debt("C-1", ofDebtor: "acme/D-1") })
    }

    @Test func partialPaymentsLowerTheBalanceAndTheLastClosesTheDebtWithItsSurvey() async throws {
        let store = try await placed()
        try await core.apply([payment("E-PAY-1", "20.50")], to: store)
        var debt = try await storedDebt(store)
        #expect(debt.status == .open && debt.paid == "20.50" && debt.balance?.amount == "100.00")
        #expect(Set(try await store.tasks("acme/D-1", [.pending]).map(\.purpose)) == [.firstNotice, .firstCall])
        try await core.apply([payment("E-PAY-2", "100", currency: "USD")], to: store)
        debt = try await storedDebt(store)
        #expect(debt.status == .paid && debt.balance?.amount == "0.00")
        #expect(try await store.tasks("acme/D-1", [.pending]).map(\.purpose) == [.survey])
        let payments = try await store.read { try $0.payments(ofDebtor: "acme/D-1") }
        #expect(payments.map(\.amount) == ["20.50", "100.00"])
    }

    @Test func aPaymentWithoutAnAmountSettlesTheBalanceLeft() async throws {
        let store = try await placed()
        try await core.apply([payment("E-PAY-1", "20.00"), payment("E-PAY-2", nil)], to: store)
        let debt = try await storedDebt(store)
        #expect(debt.status == .paid && debt.paid == "120.50")
        #expect(try await store.read { try $0.payments(ofDebtor: "acme/D-1") }.map(\.amount) == ["20.00", "100.50"])
    }

    @Test func aPaymentInAnotherCurrencyIsRefusedAndChangesNothing() async throws {
        let store = try await placed()
        let results = try await core.apply([payment("E-PAY-1", "20.00", currency: "EUR")], to: store)
        #expect(
            results == [.rejected(ContractError(.invalidField, field: "currency", "differs from the debt's currency"))])
        #expect(try await storedDebt(store).paid == "0.00")
        #expect(try await store.read { try $0.payments(ofDebtor: "acme/D-1") }.isEmpty)
    }

    @Test func aPromiseIsKeptOnlyWhenThePaymentsSinceReachItsAmount() async throws {
        let store = try await placed()
        let promise = LifeEvent(
            eventId: "E-PROMISE", debtorId: "D-1", debtId: "C-1", kind: .promise, at: Fixtures.now,
            promise: .init(amount: "50.00", date: "2026-12-10"))
        try await core.apply([.event(promise, userID: nil)], to: store)
        var promises = try await store.read { try $0.promises(ofDebtor: "acme/D-1") }
        #expect(promises.map(\.status) == [.open] && promises.first?.taskID == nil)
        // The creditor's promise is followed up as a specialist's is; the first call stops (the first notice, with
        // the disclosures it carries, still goes out).
        let pending = Set(try await store.tasks("acme/D-1", [.pending]).map(\.id))
        #expect(
            pending == ["acme/E-PROMISE/promise-reminder", "acme/E-PROMISE/broken-promise", "acme/P-1/first-notice"])

        try await core.apply([payment("E-PAY-1", "30.00")], to: store)
        promises = try await store.read { try $0.promises(ofDebtor: "acme/D-1") }
        #expect(promises.map(\.status) == [.open], "30.00 of 50.00 is not the promise kept")
        try await core.apply([payment("E-PAY-2", "20.00")], to: store)
        promises = try await store.read { try $0.promises(ofDebtor: "acme/D-1") }
        #expect(promises.map(\.status) == [.kept])
        let left = try await store.tasks("acme/D-1", [.pending])
        #expect(
            Set(left.map(\.purpose)) == [.firstNotice, .followUpCall],
            "its reminder and check are no longer needed; the balance left is followed up")
        #expect(try await storedDebt(store).balance?.amount == "70.50")
    }

    /// Found by the seeded random runs (no-next-step): a promise kept by payments short of the balance planned nothing
    /// after it. Its reminder and check end, the chasing it replaced had ended with it, and the debt was stranded. A
    /// follow-up call is planned for when the check would have been, unless a call about the debt is still to be made.
    @Test func aPromiseKeptShortOfTheBalanceIsFollowedUp() async throws {
        let store = try SQLiteStore.inMemory()
        try await core.apply([.placement(Fixtures.placement(email: nil, specialist: "anna"), userID: nil)], to: store)
        let promise = LifeEvent(
            eventId: "E-PROMISE", debtorId: "D-1", debtId: "C-1", kind: .promise, at: Fixtures.now,
            promise: .init(amount: "50.00", date: "2026-12-10"))
        try await core.apply([.event(promise, userID: nil), payment("E-PAY-1", "50.00")], to: store)
        #expect(try await store.read { try $0.promises(ofDebtor: "acme/D-1") }.map(\.status) == [.kept])
        let pending = try await store.tasks("acme/D-1", [.pending])
        #expect(pending.map(\.id) == ["acme/E-PAY-1/C-1/follow-up-call"])
        #expect(pending.first?.dueAt == Fixtures.instant("2026-12-11T05:00:00Z"), "when its check would have been")
        #expect(try await store.read { try $0.task("acme/E-PROMISE/broken-promise") }?.closedReason == .promiseKept)
        // Paid in full, it closes: the follow-up ends with it.
        try await core.apply([payment("E-PAY-2", nil)], to: store)
        #expect(try await store.read { try $0.task("acme/E-PAY-1/C-1/follow-up-call") }?.closedReason == .paid)
        #expect(try await store.tasks("acme/D-1", [.pending]).isEmpty, "no survey: no e-mail or SMS on file")
    }

    /// Found by the seeded random runs (duplicate-open-purpose): a broken promise's check, deferred by the policy or
    /// waiting in a queue, was not cancelled when a new promise replaced the arrangement (only open promises were
    /// withdrawn), and the new promise planned its own check beside it.
    @Test func aNewPromiseEndsTheBrokenPromisesCheckStillToBeMade() async throws {
        let store = try SQLiteStore.inMemory()
        try await core.apply([.placement(Fixtures.placement(email: nil, specialist: "anna"), userID: nil)], to: store)
        func promise(_ id: String, on date: String, at: Instant) -> SchedulerInput {
            .event(
                LifeEvent(
                    eventId: id, debtorId: "D-1", debtId: "C-1", kind: .promise, at: at,
                    promise: .init(amount: "50.00", date: date)), userID: nil)
        }
        // Its day passes without a payment: the check is handed out (the promise is broken), and put off.
        try await core.apply([promise("E-P1", on: "2026-12-02", at: Fixtures.now)], to: store)
        let first = Fixtures.instant("2026-12-03T14:00:00Z")
        #expect(try await core.dispatch(at: first, to: store) == 1)
        let check = try #require(try await store.workTasks().last)
        #expect(check.taskId == "acme/E-P1/broken-promise")
        try await core.apply(
            [.decision(Fixtures.decision(check, .defer, earliest: first.adding(seconds: 3_600), at: first))],
            at: first, to: store)
        #expect(try await store.read { try $0.promises(ofDebtor: "acme/D-1") }.map(\.status) == [.broken])
        try await core.apply([promise("E-P2", on: "2026-12-05", at: first)], at: first, to: store)
        #expect(try await store.read { try $0.task(check.taskId) }?.closedReason == .promiseWithdrawn)
        #expect(try await store.tasks("acme/D-1", [.pending]).map(\.id) == ["acme/E-P2/broken-promise"])

        // Broken too, its check waits in a queue when a third promise comes: it is withdrawn from there.
        let second = Fixtures.instant("2026-12-06T14:00:00Z")
        #expect(try await core.dispatch(at: second, to: store) == 1)
        let queued = try #require(try await store.workTasks().last)
        #expect(queued.taskId == "acme/E-P2/broken-promise")
        try await core.apply([.decision(Fixtures.decision(queued, .allow, at: second))], at: second, to: store)
        try await core.apply([promise("E-P3", on: "2026-12-10", at: second)], at: second, to: store)
        let withdrawn = try #require(try await store.read { try $0.task(queued.taskId) })
        #expect(withdrawn.status == .cancelled && withdrawn.closedReason == .promiseWithdrawn)
        #expect(try await store.read { try $0.ledgerEntry(taskID: queued.taskId) } == nil, "nobody made it")
        #expect(try await store.tasks("acme/D-1", [.pending]).map(\.id) == ["acme/E-P3/broken-promise"])
    }

    @Test func aPromiseOrPlanIsCheckedAgainstTheBalanceLeft() async throws {
        let store = try await placed()
        try await core.apply([payment("E-PAY-1", "100.00")], to: store)
        let promise = LifeEvent(
            eventId: "E-PROMISE", debtorId: "D-1", debtId: "C-1", kind: .promise, at: Fixtures.now,
            promise: .init(amount: "50.00", date: "2026-12-10"))
        let plan = LifeEvent(
            eventId: "E-PLAN", debtorId: "D-1", debtId: "C-1", kind: .plan, at: Fixtures.now,
            instalments: [.init(amount: "10.00", dueDate: "2026-12-15"), .init(amount: "10.50", dueDate: "2027-01-15")])
        let results = try await core.apply([.event(promise, userID: nil), .event(plan, userID: nil)], to: store)
        #expect(
            results == [
                .rejected(ContractError(.invalidField, field: "promise.amount", "is more than the debt's balance")),
                .applied,
            ])
    }

    @Test func paymentsPayThePlansInstalmentsTheyCoverInOrder() async throws {
        let store = try await placed()
        let plan = LifeEvent(
            eventId: "E-PLAN", debtorId: "D-1", debtId: "C-1", kind: .plan, at: Fixtures.now,
            instalments: [
                .init(amount: "40.00", dueDate: "2026-12-15"), .init(amount: "40.00", dueDate: "2027-01-15"),
                .init(amount: "40.50", dueDate: "2027-02-15"),
            ])
        try await core.apply([.event(plan, userID: nil), payment("E-PAY-1", "30.00")], to: store)
        var stored = try #require(try await store.read { try $0.plans(ofDebtor: "acme/D-1") }.first)
        #expect(stored.instalments.map { $0.paidAt != nil } == [false, false, false], "30.00 covers no instalment")
        try await core.apply([payment("E-PAY-2", "55.00")], to: store)
        stored = try #require(try await store.read { try $0.plans(ofDebtor: "acme/D-1") }.first)
        #expect(stored.instalments.map { $0.paidAt != nil } == [true, true, false], "85.00 covers two")
        #expect(!(try await store.tasks("acme/D-1", [.pending]).map(\.id).contains { $0.hasPrefix("acme/E-PLAN/2/") }))
        // Without an amount: the next instalment, which completes the plan and closes the debt.
        try await core.apply([payment("E-PAY-3", nil)], to: store)
        stored = try #require(try await store.read { try $0.plans(ofDebtor: "acme/D-1") }.first)
        #expect(stored.status == .completed)
        let debt = try await storedDebt(store)
        #expect(debt.status == .paid && debt.paid == "125.50")
    }

    @Test func anAmendmentKeepsWhatWasPaid() async throws {
        let store = try await placed()
        try await core.apply([payment("E-PAY-1", "20.50")], to: store)
        var amended = Fixtures.placement(specialist: "anna")
        amended.debt.amount = "200.00"
        try await core.apply([.placement(amended, userID: nil)], to: store)
        #expect(try await storedDebt(store).balance?.amount == "179.50")
        amended.debt.currency = "EUR"
        let results = try await core.apply([.placement(amended, userID: nil)], to: store)
        #expect(
            results == [
                .rejected(
                    ContractError(.conflict, field: "debt.currency", "payments were recorded in USD; it cannot change"))
            ])
    }

    @Test func theContractRefusesAmountsAndPromisesWhereTheyDoNotBelong() {
        func refusal(_ event: LifeEvent) -> String? {
            do throws(ContractError) {
                try event.validate()
                return nil
            } catch {
                return error.reason
            }
        }
        let at = Fixtures.now
        #expect(
            refusal(LifeEvent(eventId: "E", debtorId: "D-1", debtId: "C-1", kind: .closed, at: at, amount: "1"))
                == "invalid-field: amount: only for a payment")
        #expect(
            refusal(LifeEvent(eventId: "E", debtorId: "D-1", debtId: "C-1", kind: .payment, at: at, amount: "-1"))?
                .hasPrefix("invalid-field: amount:") == true)
        #expect(
            refusal(LifeEvent(eventId: "E", debtorId: "D-1", debtId: "C-1", kind: .closed, at: at, currency: "USD"))
                == "invalid-field: currency: only for a payment")
        #expect(
            refusal(LifeEvent(eventId: "E", debtorId: "D-1", debtId: "C-1", kind: .promise, at: at))
                == "missing-field: promise: required for promise")
        #expect(
            refusal(
                LifeEvent(
                    eventId: "E", debtorId: "D-1", debtId: "C-1", kind: .promise, at: at,
                    promise: .init(amount: "10", date: "2026-13-01")))?.hasPrefix("invalid-field: promise.date") == true
        )
    }
}
