import Contract
import Domain
import Policy
import Store
import Testing

@testable import SchedulerCore

@Suite("Scheduler: dispatch, decisions, outcomes, expiry")
struct SchedulerDispatchTests {
    let core = Fixtures.core()

    private func placed(_ count: Int = 1) async throws -> SQLiteStore {
        let store = try SQLiteStore.inMemory()
        for index in 1...count {
            try await core.apply(
                [.placement(Fixtures.placement("P-\(index)", debtor: "D-\(index)"), userID: nil)], to: store)
        }
        return store
    }

    @Test func aTaskThatCanNoLongerBeSentIsCancelledAndNotCountedAsHandedOut() async throws {
        let store = try await placed(2)
        // The debtors' rulebook was removed from the configuration since they were placed.
        let withoutBook = SchedulerCore(
            configuration: core.configuration, rulebooks: Fixtures.rulebooks.filter { $0.key != "us-regf" },
            strategies: Fixtures.strategies)
        let dispatched = try await store.write { try withoutBook.dispatch(at: Fixtures.now, in: $0) }
        #expect(dispatched.handedOut == 0 && dispatched.taken == 2)
        #expect(try await store.workTasks().isEmpty)
        let cancelled = try await store.tasks("acme/D-1", [.cancelled])
        #expect(cancelled.count == 1 && cancelled.first?.closedReason == .unresolvable)
    }

    @Test func dueTasksAreHandedOutOnePerDebtorWithASnapshot() async throws {
        let store = try await placed(3)
        let handedOut = try await core.dispatch(at: Fixtures.now, to: store)
        #expect(handedOut == 3)
        let messages = try await store.workTasks()
        #expect(Set(messages.map(\.debtor.id)) == ["D-1", "D-2", "D-3"])
        let first = try #require(messages.first)
        #expect(first.attempt == 1)
        #expect(first.rulebook == "us-regf")
        #expect(first.debtor.timeZones == ["America/New_York"])
        #expect(first.delivery.phone == "+15550100")
        #expect(try await store.tasks("acme/D-1", [.inFlight]).count == 1)
        // Nothing more until a decision frees the debtor.
        #expect(try await core.dispatch(at: Fixtures.now, to: store) == 0)
    }

    @Test func aLeaseThatRunsOutHandsTheSameTaskOutAgainThenGivesUp() async throws {
        let store = try await placed()
        _ = try await core.dispatch(at: Fixtures.now, to: store)
        let taskID = try #require(try await store.tasks("acme/D-1", [.inFlight]).first?.id)
        for attempt in 2...3 {
            #expect(try await core.dispatch(at: Fixtures.now.adding(seconds: 61 * Int64(attempt)), to: store) == 1)
            let task = try #require(try await store.read { try $0.task(taskID) })
            #expect(task.attempts == attempt)
            #expect(task.status == .inFlight)
        }
        let core = core
        let last = try await store.write { try core.dispatch(at: Fixtures.now.adding(seconds: 1000), in: $0) }
        #expect(last.givenUp == 1, "counted for tact_tasks_given_up_total")
        let task = try #require(try await store.read { try $0.task(taskID) })
        #expect(task.status == .cancelled)
        #expect(task.closedReason == .noDecision)
        #expect(try await store.monitor { try $0.givenUpCount() } == 1, "and shown by tact status")
        let ids = try await store.workTasks().filter { $0.taskId == taskID }.map(\.attempt)
        #expect(ids == [1, 2, 3])
    }

    @Test func deferralsDoNotCountTowardTheHandOutsWithoutADecision() async throws {
        let store = try SQLiteStore.inMemory()
        try await core.apply([.placement(Fixtures.placement(email: nil), userID: nil)], to: store)
        var now = Fixtures.now
        _ = try await core.dispatch(at: now, to: store)
        let taskID = try #require(try await store.workTasks().first?.taskId)
        // Deferred five times (more than maxAttempts = 3): each hand-out was answered.
        for _ in 1...5 {
            let task = try #require(try await store.workTasks().last { $0.taskId == taskID })
            now = now.adding(seconds: 10)
            try await core.apply(
                [decision(task, .defer, earliest: now.adding(seconds: 5), at: now)], at: now, to: store)
            now = now.adding(seconds: 5)
            _ = try await core.dispatch(at: now, to: store)
        }
        // Then a worker dies with it: handed out again, not given up.
        _ = try await core.dispatch(at: now.adding(seconds: 61), to: store)
        let task = try #require(try await store.read { try $0.task(taskID) })
        #expect(task.status == .inFlight)
        #expect(task.attempts == 7)
    }

    private func decision(
        _ task: WorkTask, _ kind: PolicyDecision.Kind, earliest: Instant? = nil, attempt: Int? = nil,
        at: Instant = Fixtures.now
    ) -> SchedulerInput {
        .decision(Fixtures.decision(task, kind, earliest: earliest, attempt: attempt, at: at))
    }

    @Test func decisionsMoveTasksAndAllowEntersTheLedgerAsPending() async throws {
        let store = try await placed(3)
        _ = try await core.dispatch(at: Fixtures.now, to: store)
        let tasks = try await store.workTasks()
        let later = Fixtures.instant("2026-12-02T14:00:00Z")
        try await core.apply(
            [decision(tasks[0], .allow), decision(tasks[1], .defer, earliest: later), decision(tasks[2], .suppress)],
            to: store)
        let allowed = try #require(try await store.read { try $0.task(tasks[0].taskId) })
        #expect(allowed.status == .done)
        let entry = try await store.read { try $0.ledgerEntry(taskID: tasks[0].taskId) }
        #expect(entry?.result == .pending)
        let deferred = try #require(try await store.read { try $0.task(tasks[1].taskId) })
        #expect(deferred.status == .pending)
        #expect(deferred.dueAt == later)
        let suppressed = try #require(try await store.read { try $0.task(tasks[2].taskId) })
        #expect(suppressed.status == .cancelled)
        #expect(suppressed.closedReason == .suppressed(.contactHours))
        #expect(try await store.read { try $0.decisions(ofDebtor: "acme/\(tasks[0].debtor.id)") }.count == 1)
    }

    @Test func theNextTaskOfADebtorCarriesTheEmittedContactInItsHistory() async throws {
        let store = try await placed()
        _ = try await core.dispatch(at: Fixtures.now, to: store)
        let first = try #require(try await store.workTasks().first)
        try await core.apply([decision(first, .allow)], to: store)
        _ = try await core.dispatch(at: Fixtures.now.adding(seconds: 5), to: store)
        let second = try #require(try await store.workTasks().last)
        #expect(second.taskId != first.taskId)
        #expect(
            second.history == [HistoryEvent(at: Fixtures.now, channel: first.channel, debtId: "C-1", result: .pending)])
    }

    @Test func anEventBringsDeferredTasksBackToBeDecidedAgainButNotCadenceTasks() async throws {
        let store = try await placed()
        _ = try await core.dispatch(at: Fixtures.now, to: store)
        let first = try #require(try await store.workTasks().first)
        let tomorrow = Fixtures.instant("2026-12-02T14:00:00Z")
        try await core.apply([decision(first, .defer, earliest: tomorrow)], to: store)
        try await store.write { store in
            try store.save(
                TaskRecord(
                    id: "later", debtorID: "acme/D-1", debtID: "C-1", channel: .call, purpose: .retryCall,
                    dueAt: tomorrow, createdAt: Fixtures.now))
        }
        let later = Fixtures.now.adding(seconds: 600)
        let dispute = Fixtures.event("E-1", .dispute, at: later, until: later.adding(seconds: 86_400))
        try await core.apply([.event(dispute, userID: nil)], at: later, to: store)
        #expect(try await store.read { try $0.task(first.taskId) }?.dueAt == later)
        #expect(try await store.read { try $0.task("later") }?.dueAt == tomorrow)
    }

    @Test func anUnansweredCallIsRecordedAndTriedAgainTheNextLocalDay() async throws {
        let store = try await placed()
        _ = try await core.dispatch(at: Fixtures.now, to: store)
        let first = try #require(try await store.workTasks().first)
        try await core.apply([decision(first, .allow)], to: store)
        _ = try await core.dispatch(at: Fixtures.now, to: store)
        let call = try #require(try await store.workTasks().first { $0.channel == .call })
        try await core.apply([decision(call, .allow)], to: store)
        let outcome = Outcome(
            outcomeId: "O-1", taskId: call.taskId, debtorId: "D-1", debtId: "C-1", channel: .call,
            at: Fixtures.now.adding(seconds: 60), result: .noAnswer)
        try await core.apply([.outcome(outcome)], to: store)
        #expect(try await store.read { try $0.ledgerEntry(taskID: call.taskId) }?.result == .noAnswer)
        let retry = try #require(try await store.tasks("acme/D-1", [.pending]).first { $0.purpose == .retryCall })
        // Midnight in New York after 2026-12-01T15:01Z.
        #expect(retry.dueAt == Fixtures.instant("2026-12-02T05:00:00Z"))
    }

    @Test func anOutcomeForAnUnknownTaskIsRefused() async throws {
        let store = try await placed()
        let outcome = Outcome(
            outcomeId: "O-1", taskId: "nope", debtorId: "D-1", debtId: "C-1", channel: .call, at: Fixtures.now,
            result: .conversation)
        let results = try await core.apply([.outcome(outcome)], to: store)
        guard case .rejected(let error) = results.first else {
            Issue.record("expected a refusal")
            return
        }
        #expect(error.field == "taskId")
    }

    @Test func anExpiredContactLeavesTheLedgerAndIsDueAgain() async throws {
        let store = try await placed()
        _ = try await core.dispatch(at: Fixtures.now, to: store)
        let first = try #require(try await store.workTasks().first)
        try await core.apply([decision(first, .allow)], to: store)
        let later = Fixtures.now.adding(seconds: 3600)
        try await core.apply([.expired(taskID: first.taskId, attempt: 1)], at: later, to: store)
        #expect(try await store.read { try $0.ledgerEntry(taskID: first.taskId) } == nil)
        let task = try #require(try await store.read { try $0.task(first.taskId) })
        #expect(task.status == .pending)
        #expect(task.dueAt == later.adding(seconds: SchedulerCore.expiryPause))
    }

    @Test func aContactThatExpiresBeforeItsDecisionArrivesIsNotCountedAsMade() async throws {
        let store = try await placed()
        _ = try await core.dispatch(at: Fixtures.now, to: store)
        let first = try #require(try await store.workTasks().first)
        try await core.apply([.expired(taskID: first.taskId, attempt: 1)], to: store)
        try await core.apply([decision(first, .allow)], to: store)
        #expect(try await store.read { try $0.ledgerEntry(taskID: first.taskId) } == nil)
        let task = try #require(try await store.read { try $0.task(first.taskId) })
        #expect(task.status == .pending)
    }
}
