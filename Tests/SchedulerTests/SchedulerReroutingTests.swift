import Contract
import Domain
import Policy
import Testing

@testable import SchedulerCore
@testable import Store

/// An absence, a hand-over or a retirement moves at once the calls not taken yet that it routes elsewhere: those
/// waiting in a queue and those being decided. Calls taken stay with whoever took them.
@Suite("Scheduler: calls move with absences and hand-overs")
struct SchedulerReroutingTests {
    let core = Fixtures.core()
    let until = Fixtures.instant("2026-12-24T00:00:00Z")
    let later = Fixtures.now.adding(seconds: 120)

    private func change(
        _ id: String, _ action: SpecialistChange.Action, _ specialist: String, backup: String? = nil,
        debtor: String? = nil, until: Instant? = nil
    ) -> SchedulerInput {
        .specialist(
            SpecialistChange(
                changeId: id, action: action, specialistId: specialist, until: until, backupId: backup,
                debtorId: debtor))
    }

    /// `debtor`'s first call (no e-mail, so the only task) handed out and allowed: it waits in its queue.
    private func queuedCall(
        _ debtor: String = "D-1", specialist: String?, in store: SQLiteStore
    ) async throws -> WorkTask {
        let number = debtor.dropFirst(2)
        try await core.apply(
            [
                .placement(
                    Fixtures.placement(
                        "P-\(number)", debtor: debtor, debt: "C-\(number)", email: nil,
                        specialist: specialist), userID: nil)
            ], to: store)
        _ = try await core.dispatch(at: Fixtures.now, to: store)
        let call = try #require(try await store.workTasks().last { $0.debtor.id == debtor && $0.channel == .call })
        try await core.apply([.decision(Fixtures.decision(call, .allow))], to: store)
        return call
    }

    private func task(_ id: String, _ store: SQLiteStore) async throws -> TaskRecord? {
        try await store.read { try $0.task(id) }
    }

    private func check(_ call: WorkTask, by specialist: String, _ store: SQLiteStore) async throws -> CallCheckReply {
        let request = CallCheck(taskId: call.taskId, attempt: call.attempt, specialistId: specialist)
        return try await store.write { [core, later] in try core.check(request, at: later, in: $0) }
    }

    /// The task's next hand-out, after `at`.
    private func nextHandOut(of taskID: String, at: Instant, _ store: SQLiteStore) async throws -> WorkTask? {
        _ = try await core.dispatch(at: at, to: store)
        return try await store.workTasks().last { $0.taskId == taskID }
    }

    @Test func anAbsenceMovesTheCallQueuedForTheSpecialistToTheBackup() async throws {
        let store = try SQLiteStore.inMemory()
        let call = try await queuedCall(specialist: "anna", in: store)
        let queued = try #require(try await task(call.taskId, store))
        #expect(queued.status == .done && queued.queuedFor == "anna")
        #expect(try await store.read { try $0.ledgerEntry(taskID: call.taskId) }?.result == .pending)

        try await core.apply([change("S-1", .away, "anna", backup: "bob", until: until)], at: later, to: store)
        let moved = try #require(try await task(call.taskId, store))
        #expect(moved.status == .pending && moved.dueAt == later && moved.queuedFor == nil)
        #expect(try await store.read { try $0.ledgerEntry(taskID: call.taskId) } == nil, "nobody made that call")
        // anna's copy is refused at her desk; the call goes out again, for bob.
        #expect(try await check(call, by: "anna", store).refusal == "superseded")
        let again = try #require(try await nextHandOut(of: call.taskId, at: later, store))
        #expect(again.attempt == 2 && again.specialistId == "bob" && again.context?.assignedSpecialist == "anna")
        try await core.apply([.decision(Fixtures.decision(again, .allow))], at: later, to: store)
        #expect(try await task(call.taskId, store)?.queuedFor == "bob")
        // anna's copy, given back, changes nothing.
        try await core.apply([.expired(taskID: call.taskId, attempt: 1)], at: later, to: store)
        #expect(try await task(call.taskId, store)?.status == .done)
        #expect(try await check(again, by: "bob", store).refusal == nil)
    }

    @Test func aCallAlreadyTakenStaysWithWhoeverTookIt() async throws {
        let store = try SQLiteStore.inMemory()
        let call = try await queuedCall(specialist: "anna", in: store)
        #expect(try await check(call, by: "anna", store).refusal == nil)
        try await core.apply([change("S-1", .away, "anna", backup: "bob", until: until)], at: later, to: store)
        let taken = try #require(try await task(call.taskId, store))
        #expect(taken.status == .taken && taken.takenBy == "anna")
        #expect(try await store.read { try $0.ledgerEntry(taskID: call.taskId) }?.result == .pending)
    }

    @Test func aCallReportedOnWithoutTakingItWasMadeAndStays() async throws {
        let store = try SQLiteStore.inMemory()
        let call = try await queuedCall(specialist: "anna", in: store)
        let outcome = Outcome(
            outcomeId: "O-1", taskId: call.taskId, debtorId: "D-1", debtId: "C-1", channel: .call, at: Fixtures.now,
            result: .conversation)
        try await core.apply([.outcome(outcome)], to: store)
        try await core.apply([change("S-1", .away, "anna", backup: "bob", until: until)], at: later, to: store)
        #expect(try await task(call.taskId, store)?.status == .done)
        #expect(try await store.read { try $0.ledgerEntry(taskID: call.taskId) }?.result == .conversation)
    }

    @Test func aCallBeingDecidedWhenTheSpecialistGoesAwayIsDecidedAgainForTheBackup() async throws {
        let store = try SQLiteStore.inMemory()
        try await core.apply([.placement(Fixtures.placement(email: nil, specialist: "anna"), userID: nil)], to: store)
        _ = try await core.dispatch(at: Fixtures.now, to: store)
        let forAnna = try #require(try await store.workTasks().first { $0.channel == .call })
        #expect(forAnna.specialistId == "anna")

        try await core.apply([change("S-1", .away, "anna", backup: "bob", until: until)], at: later, to: store)
        #expect(try await task(forAnna.taskId, store)?.status == .pending, "recalled")
        // The worker's answer for anna's queue arrives: it is superseded, and nothing is published for anna.
        let outbox = try await store.outboxMessages().count
        try await core.apply([.decision(Fixtures.decision(forAnna, .allow))], at: later, to: store)
        #expect(try await store.outboxMessages().count == outbox)
        let forBob = try #require(try await nextHandOut(of: forAnna.taskId, at: later, store))
        #expect(forBob.attempt == 2 && forBob.specialistId == "bob")
    }

    @Test func callsQueuedForTheAbsentSpecialistAsABackupMoveOnToThePool() async throws {
        let store = try SQLiteStore.inMemory()
        try await core.apply([change("S-1", .away, "carol", backup: "anna", until: until)], to: store)
        let carols = try await queuedCall("D-2", specialist: "carol", in: store)
        #expect(try await task(carols.taskId, store)?.queuedFor == "anna")
        let pools = try await queuedCall("D-3", specialist: nil, in: store)
        try await core.apply([change("S-2", .away, "anna", until: until)], at: later, to: store)
        #expect(try await task(carols.taskId, store)?.status == .pending, "carol's backup is away too")
        #expect(try await task(pools.taskId, store)?.status == .done, "the pool's calls stay in the pool")
        #expect(try await nextHandOut(of: carols.taskId, at: later, store)?.specialistId == nil)
    }

    @Test func aHandoverMovesTheCasesQueuedCallAndNoOtherCase() async throws {
        let store = try SQLiteStore.inMemory()
        let first = try await queuedCall("D-1", specialist: "anna", in: store)
        let other = try await queuedCall("D-2", specialist: "anna", in: store)
        let pooled = try await queuedCall("D-3", specialist: nil, in: store)
        try await core.apply(
            [change("S-1", .handover, "carol", debtor: "D-1"), change("S-2", .handover, "bob", debtor: "D-3")],
            at: later, to: store)
        #expect(try await task(first.taskId, store)?.status == .pending)
        #expect(try await task(other.taskId, store)?.queuedFor == "anna", "anna keeps D-2")
        #expect(try await task(pooled.taskId, store)?.status == .pending, "from the pool to bob")
        _ = try await core.dispatch(at: later, to: store)
        let routed = try await store.workTasks().filter { $0.attempt == 2 }
        #expect(
            Dictionary(routed.map { ($0.debtor.id, $0.specialistId) }) { a, _ in a } == ["D-1": "carol", "D-3": "bob"])
    }

    @Test func aRetirementMovesTheQueuedCallsWithTheCases() async throws {
        let store = try SQLiteStore.inMemory()
        let call = try await queuedCall(specialist: "anna", in: store)
        try await core.apply([change("S-1", .retire, "anna", backup: "bob")], at: later, to: store)
        #expect(try await task(call.taskId, store)?.status == .pending)
        #expect(try await nextHandOut(of: call.taskId, at: later, store)?.specialistId == "bob")
    }

    @Test func aReturnOnlyRoutesTheNextCalls() async throws {
        let store = try SQLiteStore.inMemory()
        try await core.apply([change("S-1", .away, "anna", backup: "bob", until: until)], to: store)
        let call = try await queuedCall(specialist: "anna", in: store)
        #expect(try await task(call.taskId, store)?.queuedFor == "bob")
        try await core.apply([change("S-2", .back, "anna")], at: later, to: store)
        #expect(try await task(call.taskId, store)?.queuedFor == "bob", "bob may make it")
    }
}
