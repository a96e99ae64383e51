import Contract
import Domain
import Policy
import Testing

@testable import SchedulerCore
@testable import Store

/// The roster of specialists: who may keep cases, be a backup or take a case over (the service file's list, with
/// joins and retirements over it), and what becomes of a retiring specialist's cases.
@Suite("Scheduler: the roster of specialists")
struct SchedulerRosterTests {
    /// anna, bob and carol are listed in the service file.
    let core = Fixtures.core()

    private func change(
        _ id: String, _ action: SpecialistChange.Action, _ specialist: String, backup: String? = nil,
        debtor: String? = nil, until: Instant? = nil
    ) -> SchedulerInput {
        .specialist(
            SpecialistChange(
                changeId: id, action: action, specialistId: specialist, until: until, backupId: backup,
                debtorId: debtor))
    }

    /// The refusal of the one input applied, or `nil` if it was applied.
    private func refusal(_ input: SchedulerInput, _ store: SQLiteStore) async throws -> ContractError? {
        guard case .rejected(let error) = try await core.apply([input], to: store).first else { return nil }
        return error
    }

    @Test func aPlacementForAnUnknownSpecialistIsRefusedAndLeavesNothing() async throws {
        let store = try SQLiteStore.inMemory()
        let error = try await refusal(.placement(Fixtures.placement(specialist: "crol"), userID: nil), store)
        #expect(error?.code == .unknownReference && error?.field == "specialistId")
        #expect(error?.description == "unknown-reference: specialistId: no specialist with this id is on the roster")
        #expect(try await store.read { try $0.debtor("acme/D-1") } == nil)
        #expect(try await store.tasks().isEmpty)
    }

    @Test func handoversAbsencesAndBackupsNamingAnUnknownSpecialistAreRefused() async throws {
        let store = try SQLiteStore.inMemory()
        try await core.apply([.placement(Fixtures.placement(specialist: "anna"), userID: nil)], to: store)
        let until = Fixtures.instant("2026-12-24T00:00:00Z")
        let cases: [(SchedulerInput, String)] = [
            (change("S-1", .handover, "crol", debtor: "D-1"), "specialistId"),
            (change("S-2", .away, "anna", backup: "crol", until: until), "backupId"),
            (change("S-3", .away, "crol", until: until), "specialistId"),
            (change("S-4", .back, "crol"), "specialistId"),
            (change("S-5", .retire, "crol"), "specialistId"),
            (change("S-6", .retire, "anna", backup: "crol"), "backupId"),
        ]
        for (input, field) in cases {
            let error = try await refusal(input, store)
            #expect(error?.code == .unknownReference && error?.field == field, "\(input)")
        }
        #expect(try await store.read { try $0.debtor("acme/D-1")?.specialistID } == "anna")
        #expect(try await store.read { try $0.specialist("anna") } == nil, "no absence recorded")
        #expect(try await store.read { try $0.specialist("crol") } == nil, "no typo is remembered")
    }

    @Test func aSpecialistWhoJoinsMayKeepCasesUntilTheyRetire() async throws {
        let store = try SQLiteStore.inMemory()
        #expect(try await refusal(.placement(Fixtures.placement(specialist: "dave"), userID: nil), store) != nil)
        try await core.apply([change("S-1", .join, "dave")], to: store)
        #expect(try await store.read { try $0.specialist("dave")?.joinedAt } == Fixtures.now)
        #expect(try await refusal(.placement(Fixtures.placement(specialist: "dave"), userID: nil), store) == nil)

        try await core.apply([change("S-2", .retire, "dave")], at: Fixtures.now.adding(seconds: 60), to: store)
        let error = try await refusal(
            .placement(Fixtures.placement("P-2", debtor: "D-2", debt: "C-2", specialist: "dave"), userID: nil), store)
        #expect(error?.description == "unknown-reference: specialistId: this specialist retired from the roster")
        // Retired is retired, whatever the service file lists; a join brings them back.
        try await core.apply([change("S-3", .retire, "bob"), change("S-4", .join, "bob")], to: store)
        #expect(try await store.read { try self.core.standing(of: "bob", in: $0) } == .member)
        try await core.apply([change("S-5", .retire, "carol")], to: store)
        #expect(try await store.read { try self.core.standing(of: "carol", in: $0) } == .retired(Fixtures.now))
    }

    @Test func aRetiringSpecialistsCasesGoToTheSuccessorElseThePool() async throws {
        let store = try SQLiteStore.inMemory()
        try await core.apply(
            [
                .placement(Fixtures.placement("P-1", debtor: "D-1", debt: "C-1", specialist: "anna"), userID: nil),
                .placement(Fixtures.placement("P-2", debtor: "D-2", debt: "C-2", specialist: "anna"), userID: nil),
                .placement(Fixtures.placement("P-3", debtor: "D-3", debt: "C-3", specialist: "carol"), userID: nil),
                change("S-1", .retire, "anna", backup: "bob"),
            ], to: store)
        let keepers = try await store.read { store in
            try ["acme/D-1", "acme/D-2", "acme/D-3"].map { try store.debtor($0)?.specialistID }
        }
        #expect(keepers == ["bob", "bob", "carol"])
        // Their calls go to bob now; carol's retirement without a successor sends her case to the pool.
        _ = try await core.dispatch(at: Fixtures.now, to: store)
        let calls = try await store.workTasks().filter { $0.channel == .call }
        #expect(
            Dictionary(calls.map { ($0.debtor.id, $0.specialistId) }) { a, _ in a } == [
                "D-1": "bob", "D-2": "bob", "D-3": "carol",
            ])
        try await core.apply([change("S-2", .retire, "carol")], to: store)
        #expect(try await store.read { try $0.debtor("acme/D-3") }?.specialistID == nil)
    }

    @Test func handOversAndRetirementsAreRecordedForTheTimeline() async throws {
        let store = try SQLiteStore.inMemory()
        let later = Fixtures.now.adding(seconds: 3_600)
        try await core.apply(
            [
                .placement(Fixtures.placement(specialist: "anna"), userID: nil),
                change("S-1", .handover, "carol", debtor: "D-1"),
                // To the specialist who already keeps the case: nothing moves, nothing is recorded.
                change("S-2", .handover, "carol", debtor: "D-1"),
            ], to: store)
        try await core.apply([change("S-3", .retire, "carol")], at: later, to: store)
        let handovers = try await store.inspect { try $0.handovers(ofDebtor: "acme/D-1") }
        #expect(
            handovers == [
                HandoverRecord(
                    changeID: "S-1", debtorID: "acme/D-1", fromID: "anna", toID: "carol", at: Fixtures.now,
                    cause: .handover),
                HandoverRecord(
                    changeID: "S-3", debtorID: "acme/D-1", fromID: "carol", toID: nil, at: later, cause: .retirement),
            ])
        // A refused hand-over leaves no trace.
        try await core.apply([change("S-4", .handover, "crol", debtor: "D-1")], to: store)
        #expect(try await store.inspect { try $0.handovers(ofDebtor: "acme/D-1") }.count == 2)
    }

    @Test func callsOfAnAbsenceWhoseBackupRetiredGoToThePool() async throws {
        let store = try SQLiteStore.inMemory()
        let until = Fixtures.instant("2026-12-24T00:00:00Z")
        try await core.apply(
            [
                .placement(Fixtures.placement(email: nil, specialist: "anna"), userID: nil),
                change("S-1", .away, "anna", backup: "bob", until: until),
                change("S-2", .retire, "bob"),
            ], to: store)
        _ = try await core.dispatch(at: Fixtures.now, to: store)
        let call = try #require(try await store.workTasks().first { $0.channel == .call })
        #expect(call.specialistId == nil, "the pool")
        #expect(call.context?.assignedSpecialist == "anna")
    }
}
