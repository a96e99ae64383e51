import Cadence
import Contract
import Domain
import Policy
import Store
import TactConfig
import Testing

@testable import SchedulerCore

/// When more falls due than specialists and senders can take: calls wait in the store while their queue is full,
/// reminders beyond their channel's pace wait, and what waits goes out highest priority first.
@Suite("Scheduler: backpressure")
struct SchedulerBackpressureTests {
    private func place(
        _ debtors: [String], creditor: String = "acme", email: String? = nil, in store: SQLiteStore,
        core: SchedulerCore, specialist: String? = nil
    ) async throws {
        for debtor in debtors {
            try await core.apply(
                [
                    .placement(
                        Fixtures.placement(
                            "P-\(debtor)", creditor: creditor, debtor: debtor, email: email, specialist: specialist),
                        userID: nil)
                ], to: store)
        }
    }

    private func inFlight(_ store: SQLiteStore) async throws -> [TaskRecord] {
        try await store.read { try $0.tasks(statuses: [.inFlight], limit: 100) }
    }

    @Test func callsWaitInTheStoreWhileTheirQueueIsFullAndGoWhenItHasRoom() async throws {
        let core = Fixtures.core { $0.scheduler.callQueueDepth = 2 }
        let store = try SQLiteStore.inMemory()
        try await place(["D-1", "D-2", "D-3", "D-4", "D-5"], in: store, core: core)
        try await place(["D-6"], in: store, core: core, specialist: "anna")

        let first = try await store.write { try core.dispatch(at: Fixtures.now, in: $0) }
        // Two for the pool (calls being decided count), one for anna's own queue.
        #expect(first.handedOut == 3)
        #expect(first.heldBack >= 1)
        let out = try await inFlight(store)
        #expect(out.filter { $0.queuedFor == "pool" }.count == 2 && out.filter { $0.queuedFor == "anna" }.count == 1)
        #expect(try await store.read { try $0.waitingCalls() } == ["pool": 2, "anna": 1])
        // Nothing more while the pool is full: the rest stay pending, and are not even read.
        let second = try await store.write { try core.dispatch(at: Fixtures.now, in: $0) }
        #expect(second.handedOut == 0 && second.taken == 0)

        // A call published to the pool still waits there; one deferred frees its place.
        let tasks = try await store.workTasks()
        let pooled = tasks.filter { message in out.contains { $0.id == message.taskId && $0.queuedFor == "pool" } }
        #expect(pooled.count == 2)
        try await core.apply([.decision(Fixtures.decision(pooled[0], .allow))], to: store)
        #expect(try await core.dispatch(at: Fixtures.now, to: store) == 0, "the published call still waits")
        try await core.apply(
            [.decision(Fixtures.decision(pooled[1], .defer, earliest: Fixtures.now.adding(seconds: 3600)))], to: store)
        #expect(try await core.dispatch(at: Fixtures.now, to: store) == 1)
        #expect(try await store.read { try $0.waitingCalls() }["pool"] == 2)
    }

    @Test func aFullSpecialistsQueueHoldsOnlyTheirCalls() async throws {
        let core = Fixtures.core { $0.scheduler.callQueueDepth = 1 }
        let store = try SQLiteStore.inMemory()
        try await place(["D-1", "D-2"], in: store, core: core, specialist: "anna")
        #expect(try await core.dispatch(at: Fixtures.now, to: store) == 1)
        // anna's queue is full; debtors of nobody, and of bob, still get their calls.
        try await place(["D-3"], in: store, core: core)
        try await place(["D-4"], in: store, core: core, specialist: "bob")
        #expect(try await core.dispatch(at: Fixtures.now, to: store) == 2)
        #expect(try await store.read { try $0.waitingCalls() } == ["anna": 1, "pool": 1, "bob": 1])
    }

    /// A backlog larger than a batch, held back: the round reads past it instead of counting it as work done and
    /// going round again at once (which starved everything behind it).
    @Test func aHeldBacklogIsLeftOutAndWhatIsBehindItStillGoes() async throws {
        let core = Fixtures.core { $0.scheduler.callQueueDepth = 1 }
        #expect(core.configuration.scheduler.dispatchBatch == 100)
        let store = try SQLiteStore.inMemory()
        try await place((1...150).map { "D-\($0)" }, in: store, core: core)
        // anna's debtor sorts after the pool's backlog.
        try await place(["Z"], in: store, core: core, specialist: "anna")
        let round = try await store.write { try core.dispatch(at: Fixtures.now, in: $0) }
        #expect(round.handedOut == 2 && round.taken == 2, "one call for the pool, one for anna: \(round)")
        #expect(round.heldBack >= 1)
        #expect(Set(try await inFlight(store).compactMap(\.queuedFor)) == ["pool", "anna"])
        let next = try await store.write { try core.dispatch(at: Fixtures.now, in: $0) }
        #expect(next.taken == 0 && next.heldBack == 0, "both queues full: nothing is read")
    }

    @Test func aCallReportedWithoutTactNextNoLongerWaits() async throws {
        let core = Fixtures.core { $0.scheduler.callQueueDepth = 1 }
        let store = try SQLiteStore.inMemory()
        try await place(["D-1", "D-2"], in: store, core: core)
        #expect(try await core.dispatch(at: Fixtures.now, to: store) == 1)
        let call = try #require(try await store.workTasks().first)
        try await core.apply([.decision(Fixtures.decision(call, .allow))], to: store)
        #expect(try await core.dispatch(at: Fixtures.now, to: store) == 0)
        // A dialler took it from the queue and reported it directly.
        try await core.apply(
            [
                .outcome(
                    Outcome(
                        outcomeId: "O-1", taskId: call.taskId, debtorId: call.debtor.id, debtId: call.debt.id,
                        channel: .call, at: Fixtures.now, result: .noAnswer))
            ], to: store)
        #expect(try await store.read { try $0.waitingCalls() }["pool"] == nil)
        #expect(try await core.dispatch(at: Fixtures.now, to: store) == 1)
    }

    @Test func whatWaitsGoesOutHighestPriorityFirst() async throws {
        // bigbank's first calls are urgent (9), acme's ordinary (5, the default strategy's).
        var strategies = Fixtures.strategies
        var urgent = try #require(strategies["default"])
        urgent.id = "urgent"
        urgent.priorities["first-call"] = 9
        strategies["urgent"] = urgent
        var configuration = Fixtures.core().configuration
        configuration.creditorStrategies = ["bigbank": "urgent"]
        configuration.scheduler.callQueueDepth = 1
        let core = SchedulerCore(
            configuration: configuration, rulebooks: Fixtures.rulebooksWithoutValidationNotices, strategies: strategies)
        let store = try SQLiteStore.inMemory()
        // acme's debtors are placed (and due) first, and sort first by id.
        try await place(["D-1", "D-2"], in: store, core: core)
        try await place(["D-3"], creditor: "bigbank", in: store, core: core)
        #expect(try await store.read { try $0.task("bigbank/P-D-3/first-call")?.priority } == 9)
        #expect(try await store.read { try $0.task("acme/P-D-1/first-call")?.priority } == 5)

        #expect(try await core.dispatch(at: Fixtures.now.adding(seconds: 60), to: store) == 1)
        #expect(try await inFlight(store).map(\.debtorID) == ["bigbank/D-3"])
    }

    @Test func remindersBeyondTheirChannelsAllowanceWait() async throws {
        let core = Fixtures.core()
        let store = try SQLiteStore.inMemory()
        try await place(["D-1", "D-2", "D-3", "D-4"], email: "d@example.com", in: store, core: core)
        // Each debtor's first call goes first (one task per debtor at a time); answered, the first notices are due.
        #expect(try await core.dispatch(at: Fixtures.now, to: store) == 4)
        for call in try await store.workTasks() {
            try await core.apply(
                [.decision(Fixtures.decision(call, .defer, earliest: Fixtures.now.adding(seconds: 86_400)))],
                to: store)
        }
        let paced = try await store.write {
            try core.dispatch(at: Fixtures.now, in: $0, reminderAllowance: [.email: 3])
        }
        #expect(paced.handedOut == 3 && paced.reminders == [.email: 3] && paced.heldBack == 1)
        let spent = try await store.write {
            try core.dispatch(at: Fixtures.now, in: $0, reminderAllowance: [.email: 0])
        }
        #expect(spent.handedOut == 0 && spent.taken == 0, "a spent channel's reminders are not even read")
        let unpaced = try await store.write {
            try core.dispatch(at: Fixtures.now, in: $0, reminderAllowance: [.sms: 0])
        }
        #expect(unpaced.handedOut == 1 && unpaced.reminders == [.email: 1])
    }

    @Test func thePaceRefillsAtItsRateAndHoldsOneSecondAtMost() {
        var pace = ReminderPace(rates: [.email: 10, .letter: 0.5])
        #expect(pace.allowance(after: .zero) == [.email: 10, .letter: 1])
        pace.spend([.email: 10, .letter: 1, .sms: 7])
        #expect(pace.allowance(after: .milliseconds(500)) == [.email: 5, .letter: 0])
        #expect(pace.allowance(after: .seconds(1)) == [.email: 10, .letter: 0], "never more than a second's worth")
        #expect(pace.allowance(after: .seconds(1)) == [.email: 10, .letter: 1])
    }
}
