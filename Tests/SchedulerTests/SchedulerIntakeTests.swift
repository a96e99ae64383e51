import Contract
import Domain
import Policy
import Testing

@testable import SchedulerCore
@testable import Store

@Suite("Scheduler: placements and events")
struct SchedulerIntakeTests {
    let core = Fixtures.core()

    @Test func placementCreatesTheDebtorAndAFirstNoticeAndAFirstCallDueNow() async throws {
        let store = try SQLiteStore.inMemory()
        let results = try await core.apply([.placement(Fixtures.placement(), userID: nil)], to: store)
        #expect(results == [.applied])
        let tasks = try await store.tasks()
        #expect(Set(tasks.map(\.purpose)) == [.firstNotice, .firstCall])
        #expect(tasks.first { $0.purpose == .firstNotice }?.channel == .email)
        #expect(tasks.allSatisfy { $0.dueAt == Fixtures.now && $0.status == .pending })
        let debtor = try #require(try await store.read { try $0.debtor("acme/D-1") })
        #expect(debtor.rulebook == "us-regf")
        #expect(debtor.creditorID == "acme")
    }

    @Test(arguments: [
        (
            email: "e@x.io" as String?, sms: "+1555" as String?, address: "1 Way" as String?,
            expected: Channel?.some(.email)
        ),
        (nil, "+1555", "1 Way", .sms), (nil, nil, "1 Way", .letter), (nil, nil, nil, nil),
    ])
    func firstNoticeTakesTheFirstAvailableOfEmailSMSAndLetter(
        email: String?, sms: String?, address: String?, expected: Channel?
    ) async throws {
        let store = try SQLiteStore.inMemory()
        try await core.apply(
            [.placement(Fixtures.placement(email: email, sms: sms, address: address), userID: nil)], to: store)
        let notice = try await store.tasks().first { $0.purpose == .firstNotice }
        #expect(notice?.channel == expected)
    }

    @Test func aRepeatedPlacementChangesNothing() async throws {
        let store = try SQLiteStore.inMemory()
        let placement = SchedulerInput.placement(Fixtures.placement(), userID: nil)
        let results = try await core.apply([placement, placement], to: store)
        #expect(results == [.applied, .duplicate])
        #expect(try await store.tasks().count == 2)
    }

    /// Issue 11: placing again with the same placementId and a new amount was acknowledged and ignored.
    @Test func aPlacementWithChangedContentAmendsTheCaseAndPlansNoNewContact() async throws {
        let store = try SQLiteStore.inMemory()
        let original = Fixtures.placement("P-1")
        try await core.apply([.placement(original, userID: nil)], to: store)
        let planned = try await store.tasks().map(\.id).sorted()
        #expect(planned == ["acme/P-1/first-call", "acme/P-1/first-notice"])

        var amended = original
        amended.debt.amount = "99.00"
        amended.debt.dueDate = "2026-12-01"
        amended.debtor.phone = "+15550199"
        amended.debtor.timeZones = ["America/Chicago"]
        let results = try await core.apply(
            [
                .placement(amended, userID: nil), .placement(amended, userID: nil),
                .placement(original, userID: nil),
            ], to: store)
        #expect(
            results == [.applied, .duplicate, .duplicate], "applied once; an old version sent again changes nothing")
        let debt = try #require(try await store.read { try $0.debt("C-1", ofDebtor: "acme/D-1") })
        #expect(debt.amount == "99.00" && debt.dueDate == "2026-12-01" && debt.placementID == "P-1")
        let debtor = try #require(try await store.read { try $0.debtor("acme/D-1") })
        #expect(debtor.contact.phone == "+15550199" && debtor.timeZones == ["America/Chicago"])
        #expect(try await store.tasks().map(\.id).sorted() == planned, "no new first notice or first call")
    }

    @Test func aPlacementIdNamesOneDebtForGood() async throws {
        let store = try SQLiteStore.inMemory()
        let results = try await core.apply(
            [
                .placement(Fixtures.placement("P-1"), userID: nil),
                .placement(Fixtures.placement("P-1", debt: "C-2"), userID: nil),
                .placement(Fixtures.placement("P-1", debtor: "D-2"), userID: nil),
            ], to: store)
        let conflict = ContractError(
            .conflict, field: "placementId", "already names another debtor or debt; a new debt needs a new id")
        #expect(results == [.applied, .rejected(conflict), .rejected(conflict)])
        #expect(try await store.read { try $0.debt("C-2", ofDebtor: "acme/D-1") } == nil)
        #expect(try await store.read { try $0.debtor("acme/D-2") } == nil)
    }

    @Test func anAmendmentDecidesAgainWhatThePolicyDeferred() async throws {
        let store = try SQLiteStore.inMemory()
        try await core.apply([.placement(Fixtures.placement(), userID: nil)], to: store)
        _ = try await core.dispatch(at: Fixtures.now, to: store)
        let handedOut = try #require(try await store.workTasks().first)
        let later = Fixtures.now.adding(seconds: 86_400)
        try await core.apply([.decision(Fixtures.decision(handedOut, .defer, earliest: later))], to: store)
        var amended = Fixtures.placement()
        amended.debtor.timeZones = ["Europe/Warsaw"]
        try await core.apply([.placement(amended, userID: nil)], at: Fixtures.now.adding(seconds: 60), to: store)
        let task = try #require(try await store.read { try $0.task(handedOut.taskId) })
        #expect(task.status == .pending && task.dueAt == Fixtures.now.adding(seconds: 60), "due again at once")
    }

    /// Issue 11: a creditor can recall a debt; everything about it stops, and the person is not surveyed.
    @Test func aRecalledDebtStopsEverythingAndPlansNoSurvey() async throws {
        let store = try SQLiteStore.inMemory()
        let results = try await core.apply(
            [
                .placement(Fixtures.placement("P-1"), userID: nil),
                .placement(Fixtures.placement("P-2", debt: "C-2"), userID: nil),
                .event(Fixtures.event("E-1", debt: "C-1", .recall), userID: nil),
                .placement(Fixtures.placement("P-1"), userID: nil),
            ], to: store)
        #expect(results.prefix(3) == [.applied, .applied, .applied])
        #expect(results[3] == .duplicate)
        #expect(try await store.read { try $0.debt("C-1", ofDebtor: "acme/D-1")?.status } == .recalled)
        let tasks = try await store.tasks()
        #expect(
            tasks.filter { $0.debtID == "C-1" }.allSatisfy {
                $0.status == .cancelled && $0.closedReason == .debtRecalled
            })
        #expect(!tasks.contains { $0.purpose == .survey }, "no survey about a recalled debt")
        #expect(tasks.filter { $0.debtID == "C-2" }.allSatisfy { $0.status == .pending }, "the other debt goes on")
        // Placed again under a new id, a recalled debt is refused like a paid one.
        let again = try await core.apply([.placement(Fixtures.placement("P-3"), userID: nil)], to: store)
        #expect(
            again == [
                .rejected(
                    ContractError(.conflict, field: "debt.id", "this debt is recalled; a new debt needs a new id"))
            ])
        // A recalled debt is the creditor's again: a later payment or closure is a conflict, as is recalling a debt
        // that is no longer open.
        let later = try await core.apply(
            [
                .event(Fixtures.event("E-3", debt: "C-1", .payment), userID: nil),
                .event(Fixtures.event("E-4", debt: "C-2", .payment), userID: nil),
                .event(Fixtures.event("E-5", debt: "C-2", .recall), userID: nil),
            ], to: store)
        #expect(later[0] == .rejected(ContractError(.conflict, field: "debtId", "this debt is recalled")))
        #expect(later[1] == .applied)
        #expect(later[2] == .rejected(ContractError(.conflict, field: "debtId", "this debt is paid")))
        // The contract refuses a recall that names no debt before it reaches the scheduler.
        #expect(throws: ContractError(.missingField, field: "debtId", "required for recall")) {
            try Fixtures.event("E-2", .recall).validate()
        }
    }

    @Test(arguments: [LifeEvent.Kind.payment, .closed])
    func aPaidOrClosedDebtIsNotReopenedByAnotherPlacement(kind: LifeEvent.Kind) async throws {
        let store = try SQLiteStore.inMemory()
        let results = try await core.apply(
            [
                .placement(Fixtures.placement("P-1"), userID: nil),
                .event(Fixtures.event("E-1", debt: "C-1", kind), userID: nil),
                .placement(Fixtures.placement("P-2"), userID: nil),
                .placement(Fixtures.placement("P-3", debt: "C-2"), userID: nil),
            ], to: store)
        let status = kind == .payment ? "paid" : "closed"
        #expect(
            results[2]
                == .rejected(
                    ContractError(.conflict, field: "debt.id", "this debt is \(status); a new debt needs a new id")))
        #expect(results[3] == .applied, "a new debt of the same debtor is placed")
        #expect(try await store.read { try $0.debt("C-1", ofDebtor: "acme/D-1")?.status.rawValue } == status)
        #expect(try await store.tasks().filter { $0.id.hasPrefix("acme/P-2/") }.isEmpty, "nothing scheduled for it")
    }

    @Test func rulebookComesFromThePlacementThenTheCreditorThenTheDefault() async throws {
        let store = try SQLiteStore.inMemory()
        try await core.apply(
            [
                .placement(Fixtures.placement("P-1", creditor: "polbank", debtor: "D-1"), userID: nil),
                .placement(
                    Fixtures.placement("P-2", creditor: "polbank", debtor: "D-2", rulebook: "uk-fca"), userID: nil),
                .placement(Fixtures.placement("P-3", creditor: "other", debtor: "D-3"), userID: nil),
            ], to: store)
        let books = try await store.read { store in
            try ["polbank/D-1", "polbank/D-2", "other/D-3"].map { try store.debtor($0)?.rulebook }
        }
        #expect(books == ["pl-respectful", "uk-fca", "us-regf"])
    }

    @Test func refusedPlacementsNameTheirReason() async throws {
        let store = try SQLiteStore.inMemory()
        let results = try await core.apply(
            [
                .placement(Fixtures.placement("P-1"), userID: "mallory"),
                .placement(Fixtures.placement("P-2", rulebook: "no-such-book"), userID: nil),
            ], to: store)
        #expect(
            results[0]
                == .rejected(
                    ContractError(.creditorMismatch, field: "creditorId", "differs from the authenticated AMQP user")))
        guard case .rejected(let unknownBook) = results[1] else {
            Issue.record("expected refusals, got \(results)")
            return
        }
        #expect(unknownBook.field == "rulebook")
    }

    @Test func ceaseCancelsEveryPendingTaskAndOptOutOnlyItsChannel() async throws {
        let store = try SQLiteStore.inMemory()
        try await core.apply(
            [
                .placement(Fixtures.placement("P-1", debtor: "D-1", email: nil, sms: "+1555"), userID: nil),
                .placement(Fixtures.placement("P-2", debtor: "D-2", email: nil, sms: "+1555"), userID: nil),
                .event(Fixtures.event("E-1", debtor: "D-1", .cease), userID: nil),
                .event(Fixtures.event("E-2", debtor: "D-2", .optOut, channel: .sms), userID: nil),
            ], to: store)
        #expect(try await store.tasks("acme/D-1").map(\.status) == [.cancelled, .cancelled])
        let second = try await store.tasks("acme/D-2")
        #expect(second.first { $0.channel == .sms }?.status == .cancelled)
        #expect(second.first { $0.channel == .sms }?.closedReason == .optOut)
        #expect(second.first { $0.channel == .call }?.status == .pending)
        #expect(try await store.read { try $0.debtor("acme/D-2")?.optOuts } == [.sms])
    }

    @Test func holdsWithAnEndKeepTasksForThePolicyToDefer() async throws {
        let store = try SQLiteStore.inMemory()
        try await core.apply(
            [
                .placement(Fixtures.placement(), userID: nil),
                .event(Fixtures.event("E-1", .dispute, until: Fixtures.now.adding(seconds: 86_400)), userID: nil),
            ], to: store)
        #expect(try await store.tasks().allSatisfy { $0.status == .pending })
        let holds = try await store.read { try $0.activeHolds(ofDebtor: "acme/D-1") }
        #expect(holds.map(\.kind) == [.dispute])
    }

    @Test func paymentClosesTheDebtAndItsPendingTasks() async throws {
        let store = try SQLiteStore.inMemory()
        try await core.apply(
            [
                .placement(Fixtures.placement("P-1", debt: "C-1"), userID: nil),
                .placement(Fixtures.placement("P-2", debt: "C-2"), userID: nil),
                .event(Fixtures.event("E-1", debt: "C-1", .payment), userID: nil),
            ], to: store)
        let tasks = try await store.tasks()
        let collection = tasks.filter { $0.debtID == "C-1" && $0.purpose != .survey }
        #expect(collection.allSatisfy { $0.status == .cancelled && $0.closedReason == .paid })
        #expect(tasks.filter { $0.debtID == "C-2" }.allSatisfy { $0.status == .pending })
        #expect(try await store.read { try $0.debt("C-1", ofDebtor: "acme/D-1")?.status } == .paid)
    }

    @Test func disputeResolvedLiftsTheHoldAndResumesCalls() async throws {
        let store = try SQLiteStore.inMemory()
        try await core.apply(
            [
                .placement(Fixtures.placement(), userID: nil),
                .event(Fixtures.event("E-1", .dispute), userID: nil),
            ], to: store)
        // The open dispute suppressed the call.
        try await store.write { store in
            var call = try store.tasks(ofDebtor: "acme/D-1", statuses: []).first { $0.channel == .call }!
            call.status = .cancelled
            try store.save(call)
        }
        try await core.apply([.event(Fixtures.event("E-2", .disputeResolved), userID: nil)], to: store)
        #expect(try await store.read { try $0.activeHolds(ofDebtor: "acme/D-1") }.isEmpty)
        #expect(try await store.tasks("acme/D-1", [.pending]).contains { $0.purpose == .followUpCall })
    }

    @Test func eventsAboutUnknownDebtorsOrDebtsOrOtherCreditorsAreRefused() async throws {
        let store = try SQLiteStore.inMemory()
        try await core.apply([.placement(Fixtures.placement(), userID: nil)], to: store)
        let results = try await core.apply(
            [
                .event(Fixtures.event("E-1", debtor: "D-404", .hardship), userID: nil),
                .event(Fixtures.event("E-2", debt: "C-404", .payment), userID: nil),
                // Another creditor's user finds no such debtor of its own, and learns nothing of acme's.
                .event(Fixtures.event("E-3", .cease), userID: "someone-else"),
            ], to: store)
        let codes = results.map { result -> ContractError.Code? in
            if case .rejected(let error) = result { return error.code }
            return nil
        }
        #expect(codes == [.unknownReference, .unknownReference, .unknownReference])
        var named = Fixtures.event("E-4", .cease)
        named.creditorId = "acme"
        let mismatch = try await core.apply([.event(named, userID: "someone-else")], to: store)
        #expect(
            mismatch == [
                .rejected(
                    ContractError(.creditorMismatch, field: "creditorId", "differs from the authenticated AMQP user"))
            ])
        #expect(try await store.tasks().allSatisfy { $0.status == .pending })
    }

    @Test func aRefusedInputMayBeSentAgainUnderTheSameId() async throws {
        let store = try SQLiteStore.inMemory()
        let early = SchedulerInput.event(Fixtures.event("E-1", .hardship), userID: nil)
        let first = try await core.apply([early], to: store)
        guard case .rejected = first.first else {
            Issue.record("an event before its placement is refused")
            return
        }
        let later = try await core.apply([.placement(Fixtures.placement(), userID: nil), early], to: store)
        #expect(later == [.applied, .applied])
    }

    @Test func twoCreditorsMayUseTheSamePlacementId() async throws {
        let store = try SQLiteStore.inMemory()
        let results = try await core.apply(
            [
                .placement(Fixtures.placement("P-1", creditor: "acme", debtor: "D-1"), userID: nil),
                .placement(Fixtures.placement("P-1", creditor: "polbank", debtor: "D-2"), userID: nil),
            ], to: store)
        #expect(results == [.applied, .applied])
        #expect(
            try await store.tasks("polbank/D-2").map(\.id).sorted() == [
                "polbank/P-1/first-call", "polbank/P-1/first-notice",
            ])
    }

    @Test func theFirstNoticeSkipsAChannelTheDebtorOptedOutOf() async throws {
        let store = try SQLiteStore.inMemory()
        try await core.apply(
            [
                .placement(Fixtures.placement("P-1", email: "e@example.com", sms: "+1555"), userID: nil),
                .event(Fixtures.event("E-1", .optOut, channel: .email), userID: nil),
                .placement(Fixtures.placement("P-2", debt: "C-2", email: "e@example.com", sms: "+1555"), userID: nil),
            ], to: store)
        let notices = try await store.tasks().filter { $0.purpose == .firstNotice && $0.debtID == "C-2" }
        #expect(notices.map(\.channel) == [.sms])
    }

    @Test func refusedInputsAreQueuedForTheDeadLetterQueueWithTheirReason() async throws {
        let store = try SQLiteStore.inMemory()
        let body = Array("{not json".utf8)
        try await store.write { store in
            try core.deadLetter(
                body: body, messageID: "m-1", type: "placement", source: "intake:placement",
                reason: "malformed-json: not a JSON object", at: Fixtures.now, in: store)
        }
        let dead = try #require(try await store.outboxMessages().first)
        #expect(dead.routingKey == "tact.dead")
        #expect(dead.body == body)
        #expect(dead.headers["x-tact-error"] == "malformed-json: not a JSON object")
    }
}
