import Contract
import Domain
import Policy
import Store
import TactConfig
import Testing

@testable import SchedulerCore

/// A case belongs to its creditor: two creditors may both have a `D-1`, a `P-1` and an `E-1`, and never touch each
/// other's cases (issue 12). A person key links one person's cases across creditors for the policy.
@Suite struct SchedulerTenantTests {
    let core = Fixtures.core()

    private static func placement(
        _ creditor: String, _ debtor: String = "D-1", email: String, personKey: String? = nil
    ) -> SchedulerInput {
        var placement = Fixtures.placement("P-1", creditor: creditor, debtor: debtor, email: email)
        placement.debtor.personKey = personKey
        return .placement(placement, userID: nil)
    }

    private static func event(
        _ id: String, _ creditor: String?, debtor: String = "D-1", _ kind: LifeEvent.Kind, debt: String? = nil,
        channel: Channel? = nil, userID: String? = nil
    ) -> SchedulerInput {
        var event = Fixtures.event(id, debtor: debtor, debt: debt, kind, channel: channel)
        event.creditorId = creditor
        return .event(event, userID: userID)
    }

    private static func rejected(_ result: SchedulerCore.Applied?) -> ContractError? {
        guard case .rejected(let error) = result else { return nil }
        return error
    }

    @Test func twoCreditorsWithTheSameIdsKeepTheirOwnCases() async throws {
        let store = try SQLiteStore.inMemory()
        let results = try await core.apply(
            [
                Self.placement("acme", email: "a@example.com"), Self.placement("polbank", email: "b@example.com"),
                Self.event("E-1", "acme", .cease),
                // The same event id from the other creditor is its own event, not a redelivery.
                Self.event("E-1", "polbank", .hardship),
            ], to: store)
        #expect(results == [.applied, .applied, .applied, .applied])
        let (acme, polbank) = try await store.read { store in
            (try store.debtor("acme/D-1"), try store.debtor("polbank/D-1"))
        }
        #expect(acme?.contact.email == "a@example.com" && polbank?.contact.email == "b@example.com")
        #expect(acme?.ref == "D-1" && polbank?.ref == "D-1")
        #expect(try await store.tasks("acme/D-1", [.pending]).isEmpty, "acme's cease ends acme's contacts")
        // polbank's hardship steps its case back to one gentle review call; acme's cease is not polbank's.
        let polbankTasks = try await store.tasks("polbank/D-1", [])
        #expect(polbankTasks.filter { $0.status == .pending }.map(\.id) == ["polbank/E-1/hardship-review"])
        #expect(polbankTasks.compactMap(\.closedReason).allSatisfy { $0 == .hold(.hardship) })
        #expect(try await store.tasks("acme/D-1", []).compactMap(\.closedReason).allSatisfy { $0 == .cease })
        let holds = try await store.read { store in
            (try store.activeHolds(ofDebtor: "acme/D-1"), try store.activeHolds(ofDebtor: "polbank/D-1"))
        }
        #expect(holds.0.map(\.id) == ["acme/E-1"] && holds.0.map(\.kind) == [.cease])
        #expect(holds.1.map(\.id) == ["polbank/E-1"] && holds.1.map(\.kind) == [.hardship])
        // Each hand-out names its creditor; the debtor id is the creditor's own.
        _ = try await core.dispatch(at: Fixtures.now, to: store)
        let tasks = try await store.workTasks()
        #expect(tasks.map(\.creditorId) == ["polbank"] && tasks.map(\.debtor.id) == ["D-1"])
    }

    @Test func anEventWithoutItsCreditorNamesTheOnlyCaseOrIsRefused() async throws {
        let store = try SQLiteStore.inMemory()
        let first = try await core.apply(
            [Self.placement("acme", email: "a@example.com"), Self.event("E-1", nil, .hardship)], to: store)
        #expect(first == [.applied, .applied])
        #expect(try await store.read { try $0.activeHolds(ofDebtor: "acme/D-1") }.map(\.id) == ["acme/E-1"])

        let second = try await core.apply(
            [Self.placement("polbank", email: "b@example.com"), Self.event("E-2", nil, .cease)], to: store)
        #expect(
            Self.rejected(second.last)
                == ContractError(
                    .missingField, field: "creditorId",
                    "several creditors have a debtor with this id; name the creditor"))
        let unknown = try await core.apply([Self.event("E-3", nil, debtor: "D-404", .cease)], to: store)
        #expect(Self.rejected(unknown.first)?.code == .unknownReference)
        #expect(try await store.read { try $0.activeHolds(ofDebtor: "polbank/D-1") }.isEmpty)
    }

    /// With an `identity` section, a creditor's user finds its own case without naming the creditor, and cannot
    /// reach another creditor's by naming it.
    @Test func aCreditorsUserReachesOnlyItsOwnCases() async throws {
        let core = Fixtures.core {
            $0.identity = Identity(creditors: ["acme": ["acme"], "polbank": ["polbank"]], operators: ["ops"])
        }
        let store = try SQLiteStore.inMemory()
        var acme = Fixtures.placement("P-1", creditor: "acme", email: "a@example.com")
        var polbank = Fixtures.placement("P-1", creditor: "polbank", email: "b@example.com")
        acme.debtor.personKey = nil
        polbank.debtor.personKey = nil
        try await core.apply(
            [.placement(acme, userID: "acme"), .placement(polbank, userID: "polbank")], to: store)

        let own = try await core.apply([Self.event("E-1", nil, .cease, userID: "acme")], to: store)
        #expect(own == [.applied], "acme's user means acme's D-1")
        let other = try await core.apply([Self.event("E-2", "polbank", .cease, userID: "acme")], to: store)
        #expect(Self.rejected(other.first)?.code == .identity)
        #expect(try await store.read { try $0.activeHolds(ofDebtor: "polbank/D-1") }.isEmpty)
        #expect(try await store.read { try $0.activeHolds(ofDebtor: "acme/D-1") }.map(\.id) == ["acme/E-1"])
        // An operator acts for any creditor, so it must say which.
        let ambiguous = try await core.apply([Self.event("E-3", nil, .hardship, userID: "ops")], to: store)
        #expect(Self.rejected(ambiguous.first)?.field == "creditorId")
    }

    @Test func anOutcomeNamingAnotherCreditorIsRefused() async throws {
        let store = try SQLiteStore.inMemory()
        try await core.apply([Self.placement("acme", email: "a@example.com")], to: store)
        let outcome = Outcome(
            outcomeId: "O-1", taskId: "acme/P-1/first-call", creditorId: "polbank", debtorId: "D-1", debtId: "C-1",
            channel: .call, at: Fixtures.now, result: .noAnswer)
        let result = try await core.apply([.outcome(outcome)], to: store)
        #expect(Self.rejected(result.first)?.code == .unknownReference)
    }

    @Test func aHandoverWithoutItsCreditorNamesTheOnlyCase() async throws {
        let store = try SQLiteStore.inMemory()
        try await core.apply([Self.placement("acme", email: "a@example.com")], to: store)
        let change = SpecialistChange(changeId: "S-1", action: .handover, specialistId: "bob", debtorId: "D-1")
        #expect(try await core.apply([.specialist(change)], to: store) == [.applied])
        #expect(try await store.read { try $0.debtor("acme/D-1")?.specialistID } == "bob")
    }

    // MARK: The same person across creditors

    /// The snapshot the workers decide a task of `debtor` on, after a dispatch.
    private func snapshot(of creditor: String, in store: SQLiteStore) async throws -> WorkTask? {
        _ = try await core.dispatch(at: Fixtures.now, to: store)
        return try await store.workTasks().last { $0.creditorId == creditor }
    }

    @Test func casesThatShareAPersonKeyShareHoldsOptOutsAndContacts() async throws {
        let store = try SQLiteStore.inMemory()
        try await core.apply(
            [
                Self.placement("acme", email: "a@example.com", personKey: "pk-1"),
                Self.placement("polbank", "D-7", email: "b@example.com", personKey: "pk-1"),
                Self.event("E-1", "acme", .bereavement),
                Self.event("E-2", "acme", .optOut, channel: .sms),
                // About acme's debt only: a dispute is between the person and one creditor.
                Self.event("E-3", "acme", .dispute, debt: "C-1"),
            ], to: store)
        try await store.write { store in
            try store.save(
                LedgerEntry(
                    taskID: "acme/P-1/first-notice", debtorID: "acme/D-1", debtID: "C-1", channel: .email,
                    at: Fixtures.now.adding(seconds: -3_600), result: .delivered))
        }
        let task = try #require(try await snapshot(of: "polbank", in: store))
        #expect(task.debtor.id == "D-7")
        #expect(task.debtor.holds.map(\.kind) == [.bereavement])
        #expect(task.debtor.optOuts == [.sms])
        #expect(task.history.map(\.debtId) == ["acme/D-1/C-1"], "acme's contact counts, as another debt")
        // And the other way round: explain, the call check and the snapshot read the person the same way.
        let person = try await store.read { store in
            try PolicySnapshot.person(
                of: try store.debtor("polbank/D-7")!, since: Instant(secondsSinceEpoch: 0), in: store)
        }
        #expect(person.linked == ["acme/D-1"])
    }

    @Test func withoutAPersonKeyNothingIsShared() async throws {
        let store = try SQLiteStore.inMemory()
        try await core.apply(
            [
                Self.placement("acme", email: "a@example.com", personKey: "pk-1"),
                Self.placement("polbank", "D-7", email: "b@example.com", personKey: "pk-2"),
                Self.event("E-1", "acme", .bereavement), Self.event("E-2", "acme", .optOut, channel: .sms),
            ], to: store)
        let task = try #require(try await snapshot(of: "polbank", in: store))
        #expect(task.debtor.holds.isEmpty && task.debtor.optOuts.isEmpty && task.history.isEmpty)
    }

    /// acme's D-1 and polbank's D-7, one person, each with a task being decided.
    private func handedOutLinkedPair() async throws -> SQLiteStore {
        let store = try SQLiteStore.inMemory()
        try await core.apply(
            [
                Self.placement("acme", email: "a@example.com", personKey: "pk-1"),
                Self.placement("polbank", "D-7", email: "b@example.com", personKey: "pk-1"),
            ], to: store)
        _ = try await core.dispatch(at: Fixtures.now, to: store)
        return store
    }

    /// A person-wide event recalls the linked case's hand-out: its snapshot is stale.
    @Test func anEventAboutThePersonRecallsTheLinkedCasesHandOut() async throws {
        let store = try await handedOutLinkedPair()
        #expect(try await store.tasks("polbank/D-7", [.inFlight]).count == 1)
        try await core.apply([Self.event("E-1", "acme", .cease)], to: store)
        #expect(try await store.tasks("polbank/D-7", [.inFlight]).isEmpty)
    }

    /// Two linked cases decided at once would each count without the other's contact: an allow for one recalls
    /// the other's hand-out, to be decided again with it.
    @Test func anAllowForOneCaseRecallsTheLinkedCasesHandOut() async throws {
        let store = try await handedOutLinkedPair()
        let acme = try #require(try await store.workTasks().first { $0.creditorId == "acme" })
        #expect(try await store.tasks("polbank/D-7", [.inFlight]).count == 1)
        try await core.apply([.decision(Fixtures.decision(acme, .allow))], to: store)
        #expect(try await store.tasks("polbank/D-7", [.inFlight]).isEmpty)
        _ = try await core.dispatch(at: Fixtures.now, to: store)
        let again = try #require(try await store.workTasks().last { $0.creditorId == "polbank" })
        #expect(again.history.map(\.debtId) == ["acme/D-1/C-1"])
    }

    /// An opt-out is the person's: a new linked case's first notice takes another channel, and an opt-in under
    /// either case lifts it under both.
    @Test func optOutsAndOptInsAreThePersons() async throws {
        let store = try SQLiteStore.inMemory()
        var texted = Fixtures.placement("P-1", creditor: "polbank", debtor: "D-7", email: "b@example.com", sms: "+1555")
        texted.debtor.personKey = "pk-1"
        try await core.apply(
            [
                Self.placement("acme", email: "a@example.com", personKey: "pk-1"),
                Self.event("E-1", "acme", .optOut, channel: .email),
                .placement(texted, userID: nil),
            ], to: store)
        let notice = try await store.tasks("polbank/D-7", [.pending]).first { $0.purpose == .firstNotice }
        #expect(notice?.channel == .sms, "the person opted out of e-mail with acme")
        try await core.apply([Self.event("E-2", "polbank", debtor: "D-7", .optIn, channel: .email)], to: store)
        let optOuts = try await store.read { store in
            (try store.debtor("acme/D-1")?.optOuts, try store.debtor("polbank/D-7")?.optOuts)
        }
        #expect(optOuts.0 == [] && optOuts.1 == [])
    }

    /// A sender learns nothing about another creditor's case: an event that names no creditor finds only the
    /// sender's own.
    @Test func anotherCreditorsCaseIsNotFoundWithoutTheCreditor() async throws {
        let core = Fixtures.core {
            $0.identity = Identity(creditors: ["acme": ["acme"], "polbank": ["polbank"]], operators: [])
        }
        let store = try SQLiteStore.inMemory()
        var polbank = Fixtures.placement("P-1", creditor: "polbank", debtor: "D-5", email: "b@example.com")
        polbank.debtor.personKey = nil
        try await core.apply([.placement(polbank, userID: "polbank")], to: store)
        let result = try await core.apply([Self.event("E-1", nil, debtor: "D-5", .cease, userID: "acme")], to: store)
        #expect(
            Self.rejected(result.first)
                == ContractError(.unknownReference, field: "debtorId", "no debtor with this id was placed"))
    }

    @Test func aPersonKeyLinksAtMostTwentyCases() async throws {
        let store = try SQLiteStore.inMemory()
        let placements = (0...SchedulerCore.maxLinkedCases).map {
            Self.placement("creditor-\($0)", email: "p@example.com", personKey: "pk-empty")
        }
        let results = try await core.apply(placements, to: store)
        #expect(results.dropLast().allSatisfy { $0 == .applied })
        #expect(
            Self.rejected(results.last)
                == ContractError(
                    .conflict, field: "debtor.personKey", "already links 20 cases; is it a placeholder?"))
    }

    @Test func aCreditorIdWithASlashIsRefused() async throws {
        let placement = Fixtures.placement("P-1", creditor: "ac/me")
        #expect(throws: ContractError(.invalidField, field: "creditorId", "must not contain \"/\"")) {
            try placement.validate()
        }
    }
}
