import Contract
import Domain
import Store
import TactConfig
import Testing

@testable import SchedulerCore

/// With an `identity` section, intake messages act for a creditor only under a broker user the section allows for it
/// (issue 12: a creditor's user publishing without `user_id` placed and ceased another creditor's debtors).
@Suite struct SchedulerIdentityTests {
    let core = Fixtures.core {
        $0.identity = Identity(creditors: ["acme": ["acme", "acme-batch"], "other": ["other"]], operators: ["ops"])
    }

    private func refusal(_ input: SchedulerInput, _ store: SQLiteStore) async throws -> ContractError? {
        guard case .rejected(let error) = try await core.apply([input], to: store).first else { return nil }
        return error
    }

    @Test func placementsNeedAUserAllowedForTheirCreditor() async throws {
        let store = try SQLiteStore.inMemory()
        let missing = try await refusal(.placement(Fixtures.placement("P-1"), userID: nil), store)
        #expect(missing?.code == .identity && missing?.field == "user_id")
        #expect(missing?.reason.contains("no user_id") == true)
        let stranger = try await refusal(.placement(Fixtures.placement("P-2"), userID: "other"), store)
        #expect(stranger?.reason == "identity: user_id: broker user other may not act for this creditor")
        #expect(try await store.tasks().isEmpty, "nothing of a refused placement is kept")

        #expect(try await refusal(.placement(Fixtures.placement("P-3"), userID: "acme-batch"), store) == nil)
        #expect(
            try await refusal(.placement(Fixtures.placement("P-4", debtor: "D-4"), userID: "ops"), store) == nil,
            "an operator acts for any creditor")
        #expect(try await store.read { try $0.debtor("acme/D-1")?.creditorID } == "acme")
    }

    @Test func eventsNeedAUserAllowedForTheDebtorsCreditor() async throws {
        let store = try SQLiteStore.inMemory()
        try await core.apply([.placement(Fixtures.placement(), userID: "acme")], to: store)
        let missing = try await refusal(.event(Fixtures.event("E-1", .cease), userID: nil), store)
        #expect(missing?.code == .identity)
        // Another creditor's user: without the creditor named it finds no debtor of its own; naming acme, it is
        // refused for who it is.
        let stranger = try await refusal(.event(Fixtures.event("E-2", .cease), userID: "other"), store)
        #expect(stranger?.code == .unknownReference)
        var named = Fixtures.event("E-2", .cease)
        named.creditorId = "acme"
        #expect(try await refusal(.event(named, userID: "other"), store)?.code == .identity)
        #expect(try await store.read { try $0.activeHolds(ofDebtor: "acme/D-1") }.isEmpty, "no cease was recorded")
        #expect(try await refusal(.event(Fixtures.event("E-3", .hardship), userID: "acme"), store) == nil)
        #expect(try await store.read { try $0.activeHolds(ofDebtor: "acme/D-1") }.count == 1)
    }

    @Test func specialistChangesNeedAnOperator() async throws {
        let store = try SQLiteStore.inMemory()
        let change = SpecialistChange(changeId: "S-1", action: .join, specialistId: "dora")
        #expect(try await refusal(.specialist(change, userID: nil), store)?.code == .identity)
        #expect(try await refusal(.specialist(change, userID: "acme"), store)?.code == .identity)
        #expect(try await refusal(.specialist(change, userID: "ops"), store) == nil)
    }

    /// Without the section, a message without `user_id` is accepted, and one with it must name its creditor.
    @Test func withoutTheSectionOnlyAGivenUserIsChecked() async throws {
        let store = try SQLiteStore.inMemory()
        let open = Fixtures.core()
        #expect(try await open.apply([.placement(Fixtures.placement("P-1"), userID: nil)], to: store) == [.applied])
        let results = try await open.apply([.placement(Fixtures.placement("P-2"), userID: "other")], to: store)
        guard case .rejected(let error) = results.first else {
            Issue.record("expected a refusal, got \(results)")
            return
        }
        #expect(error.code == .creditorMismatch)
    }
}
