import Contract
import Domain
import Policy
import Store
import TactConfig
import Testing

@testable import SchedulerCore

/// Workers decide on a snapshot; the scheduler publishes a contact only for the hand-out the task is still waiting
/// on, and recalls a hand-out whose snapshot an input made stale.
@Suite("Scheduler: contacts are published only for current hand-outs")
struct SchedulerRecallTests {
    let core = Fixtures.core()

    /// D-1 placed with an e-mail address: its first task (the first notice) handed out.
    private func handedOut() async throws -> (SQLiteStore, WorkTask) {
        let store = try SQLiteStore.inMemory()
        try await core.apply([.placement(Fixtures.placement(), userID: nil)], to: store)
        _ = try await core.dispatch(at: Fixtures.now, to: store)
        let task = try #require(try await store.workTasks().first)
        try await store.write { try $0.removeFromOutbox(try $0.outbox(limit: 100).map(\.sequence)) }
        return (store, task)
    }

    private func contacts(_ store: SQLiteStore) async throws -> [OutboxMessage] {
        try await store.outboxMessages().filter { $0.type == Reminder.messageType || $0.type == Call.messageType }
    }

    private func rules(_ store: SQLiteStore, _ task: WorkTask) async throws -> [[String]] {
        try await store.read { try $0.decisions(ofDebtor: "acme/\(task.debtor.id)") }.filter {
            $0.taskID == task.taskId
        }
        .map { $0.reasons.map(\.rule.rawValue) }
    }

    @Test func aCurrentAllowPublishesItsContactOnceUnderTheTaskID() async throws {
        let (store, task) = try await handedOut()
        #expect(task.channel == .call)
        var decision = Fixtures.decision(task, .allow)
        let end = Fixtures.now.adding(seconds: 3600)
        decision.contact?.expiresAt = end
        decision.contact?.priority = 5
        try await core.apply([.decision(decision)], to: store)
        let published = try await contacts(store)
        #expect(published.count == 1)
        #expect(published.first?.messageID == task.taskId)
        #expect(published.first?.routingKey == "tact.calls.pool")
        #expect(published.first?.type == "call")
        #expect(published.first?.expiresAt == end)
        #expect(published.first?.priority == 5)
        #expect(published.first.map { try? MessageCoding.decode(Call.self, from: $0.body) }??.taskId == task.taskId)
        #expect(try await store.read { try $0.task(task.taskId) }?.status == .done)
        #expect(try await store.read { try $0.ledgerEntry(taskID: task.taskId) }?.result == .pending)

        // The same hand-out decided again (a worker died before acknowledging): nothing more goes out.
        try await core.apply([.decision(Fixtures.decision(task, .allow, worker: "other"))], to: store)
        #expect(try await contacts(store).count == 1)
        #expect(try await rules(store, task) == [[], ["superseded"]])
    }

    @Test func aCeaseThatArrivesWhileAWorkerDecidesStopsTheContact() async throws {
        let (store, task) = try await handedOut()
        let later = Fixtures.now.adding(seconds: 5)
        try await core.apply([.event(Fixtures.event("E-1", .cease, at: later), userID: nil)], at: later, to: store)
        // The worker's answer, decided on the snapshot from before the cease.
        try await core.apply([.decision(Fixtures.decision(task, .allow, at: later))], at: later, to: store)
        #expect(try await contacts(store).isEmpty)
        let record = try #require(try await store.read { try $0.task(task.taskId) })
        #expect(record.status == .cancelled)
        #expect(try await store.read { try $0.ledgerEntry(taskID: task.taskId) } == nil)
        #expect(try await rules(store, task) == [["superseded"]])
        // Nothing is handed out for the debtor again.
        #expect(try await core.dispatch(at: later.adding(seconds: 60), to: store) == 0)
    }

    @Test func aConversationRecordedMeanwhileSendsTheTaskOutAgainWithItInTheHistory() async throws {
        let store = try SQLiteStore.inMemory()
        try await core.apply([.placement(Fixtures.placement(email: nil, sms: "+15550101"), userID: nil)], to: store)
        _ = try await core.dispatch(at: Fixtures.now, to: store)
        let first = try #require(try await store.workTasks().first)
        try await core.apply([.decision(Fixtures.decision(first, .allow))], to: store)
        // The next task (the first call) goes out; meanwhile the debtor answers the first contact.
        _ = try await core.dispatch(at: Fixtures.now.adding(seconds: 1), to: store)
        let second = try #require(try await store.workTasks().last)
        #expect(second.taskId != first.taskId)
        let outcome = Outcome(
            outcomeId: "O-1", taskId: first.taskId, debtorId: "D-1", debtId: "C-1", channel: first.channel,
            at: Fixtures.now.adding(seconds: 2), result: .conversation)
        try await core.apply([.outcome(outcome)], at: Fixtures.now.adding(seconds: 2), to: store)
        #expect(try await store.read { try $0.task(second.taskId) }?.status == .pending, "recalled")
        let published = try await contacts(store).count
        try await core.apply([.decision(Fixtures.decision(second, .allow))], to: store)
        #expect(try await contacts(store).count == published, "the stale allow publishes nothing")

        _ = try await core.dispatch(at: Fixtures.now.adding(seconds: 3), to: store)
        let again = try #require(try await store.workTasks().last)
        #expect(again.taskId == second.taskId && again.attempt == second.attempt + 1)
        #expect(again.history.contains { $0.result == .conversation })
    }

    @Test func anInputAboutAnotherDebtorRecallsNothing() async throws {
        let (store, task) = try await handedOut()
        try await core.apply(
            [.placement(Fixtures.placement("P-2", debtor: "D-2", debt: "C-2"), userID: nil)], to: store)
        #expect(try await store.read { try $0.task(task.taskId) }?.status == .inFlight)
    }

    @Test func aRefusedInputRecallsNothing() async throws {
        let (store, task) = try await handedOut()
        let outcome = Outcome(
            outcomeId: "O-1", taskId: "nope", debtorId: "D-1", debtId: "C-1", channel: .call, at: Fixtures.now,
            result: .conversation)
        let results = try await core.apply([.outcome(outcome)], to: store)
        guard case .rejected = results.first else {
            Issue.record("expected a refusal")
            return
        }
        #expect(try await store.read { try $0.task(task.taskId) }?.status == .inFlight)
    }

    @Test func aContactForAnotherQueueOrAnAllowWithoutOneIsRefused() async throws {
        let (store, task) = try await handedOut()
        var elsewhere = Fixtures.decision(task, .allow)
        elsewhere.contact?.queue = "tact.scheduler.intake"
        var missing = Fixtures.decision(task, .allow)
        missing.contact = nil
        let results = try await core.apply([.decision(elsewhere), .decision(missing)], to: store)
        let fields = results.map { (applied: SchedulerCore.Applied) -> String? in
            if case .rejected(let error) = applied { error.field } else { nil }
        }
        #expect(fields == ["contact.queue", "contact"])
        #expect(try await contacts(store).isEmpty)
        #expect(try await store.read { try $0.task(task.taskId) }?.status == .inFlight)
    }

    @Test func aLateDecisionStillAppliesIfNothingWasRecalledSinceItsHandOut() async throws {
        let (store, task) = try await handedOut()
        _ = try await core.dispatch(at: Fixtures.now.adding(seconds: 120), to: store)  // the lease ran out
        #expect(try await store.read { try $0.task(task.taskId) }?.attempts == 2)
        // The first worker's answer arrives late: its snapshot still holds, so it counts.
        try await core.apply([.decision(Fixtures.decision(task, .allow, attempt: 1))], to: store)
        #expect(try await store.read { try $0.task(task.taskId) }?.status == .done)
        // The second hand-out's answer is then superseded: one contact in all.
        try await core.apply([.decision(Fixtures.decision(task, .allow, attempt: 2, worker: "other"))], to: store)
        let published = try await contacts(store)
        #expect(published.map(\.messageID) == [task.taskId])
        #expect(try await rules(store, task) == [[], ["superseded"]])
        // It is published as the latest hand-out, so that its expiry (or a call check) names what the task knows.
        let call = try MessageCoding.decode(Call.self, from: try #require(published.first).body)
        #expect(call.attempt == 2)
        try await core.apply([.expired(taskID: task.taskId, attempt: 2)], to: store)
        #expect(try await store.read { try $0.task(task.taskId) }?.status == .pending, "planned again")
    }

    @Test func recallsDoNotCountAsHandOutsWithoutADecision() async throws {
        let (store, task) = try await handedOut()
        var now = Fixtures.now
        // maxAttempts is 3: three recalls, each followed by a hand-out, then a lease that runs out.
        for index in 1...3 {
            now = now.adding(seconds: 10)
            let event = Fixtures.event("E-\(index)", .optOut, at: now, channel: .letter)
            try await core.apply([.event(event, userID: nil)], at: now, to: store)
            #expect(try await core.dispatch(at: now, to: store) == 1)
        }
        _ = try await core.dispatch(at: now.adding(seconds: 61), to: store)
        let record = try #require(try await store.read { try $0.task(task.taskId) })
        #expect(record.status == .inFlight, "handed out again, not given up")
        #expect(record.attempts == 5)
    }

    @Test func aVersionOneDecisionIsRefused() async throws {
        // Version 1 (workers that published contacts themselves) never shipped: no reader is kept for it.
        let (_, task) = try await handedOut()
        var decision = Fixtures.decision(task, .allow)
        decision.version = 1
        #expect(throws: ContractError.self) {
            _ = try SchedulerInput.decode(
                body: MessageCoding.encode(decision), routingKey: "", userID: nil, from: .decisions)
        }
    }

    @Test func aProposedContactMustBeAboutItsOwnTaskAndHandOut() async throws {
        let (store, task) = try await handedOut()
        var otherTask = Fixtures.decision(task, .allow)
        otherTask.contact?.call?.taskId = "another"
        var otherAttempt = Fixtures.decision(task, .allow)
        otherAttempt.contact?.call?.attempt = 7
        var wrongChannel = Fixtures.decision(task, .allow)
        wrongChannel.contact = ProposedContact(
            queue: "tact.reminders.sms",
            reminder: Reminder(
                taskId: task.taskId, creditorId: "acme", debtorId: "D-1", debtId: "C-1", channel: .sms, to: "+15550101",
                template: "first-call", language: "en", validUntil: nil, attempt: task.attempt),
            expiresAt: nil)
        var wrongQueue = wrongChannel
        wrongQueue.contact?.queue = "tact.reminders.email"
        let results = try await core.apply(
            [.decision(otherTask), .decision(otherAttempt), .decision(wrongChannel), .decision(wrongQueue)], to: store)
        let reasons = results.map { (applied: SchedulerCore.Applied) -> String? in
            if case .rejected(let error) = applied { error.reason } else { nil }
        }
        #expect(
            reasons == [
                "invalid-field: contact: names another task, hand-out or debtor",
                "invalid-field: contact: names another task, hand-out or debtor",
                "invalid-field: contact: not on the task's channel",
                "invalid-field: contact.queue: a reminder goes to its channel's queue",
            ])
        #expect(try await contacts(store).isEmpty)
    }
}

/// `tact next` asks before showing a call: the scheduler answers from what it knows now.
@Suite("Scheduler: call checks")
struct SchedulerCallCheckTests {
    let core = Fixtures.core()

    /// D-1 placed for specialist anna, without e-mail: the first call handed out and allowed, its contact published.
    private func publishedCall() async throws -> (SQLiteStore, WorkTask) {
        let store = try SQLiteStore.inMemory()
        try await core.apply(
            [.placement(Fixtures.placement(email: nil, specialist: "anna"), userID: nil)], to: store)
        _ = try await core.dispatch(at: Fixtures.now, to: store)
        let call = try #require(try await store.workTasks().first { $0.channel == .call })
        try await core.apply([.decision(Fixtures.decision(call, .allow))], to: store)
        return (store, call)
    }

    /// Issue 11: a bereavement reported while the first call waited in a specialist's queue; the call comes back
    /// (given back at the desk, or expired). It must not be planned again beside the one gentle call.
    @Test func aCallQueuedBeforeABereavementIsNotPlannedAgainWhenItComesBack() async throws {
        let (store, call) = try await publishedCall()
        let grief = Fixtures.event("E-GRIEF", .bereavement, at: Fixtures.now.adding(seconds: 30))
        try await core.apply([.event(grief, userID: nil)], at: Fixtures.now.adding(seconds: 30), to: store)
        try await core.apply(
            [.expired(taskID: call.taskId, attempt: call.attempt)], at: Fixtures.now.adding(seconds: 60), to: store)
        let first = try #require(try await store.read { try $0.task(call.taskId) })
        #expect(first.status == .cancelled && first.closedReason == .hold(.bereavement))
        #expect(try await store.read { try $0.ledgerEntry(taskID: call.taskId) } == nil, "it reached nobody")
        let open = try await store.read { try $0.tasks(ofDebtor: "acme/D-1", statuses: [.pending, .inFlight]) }
        #expect(open.map(\.purpose) == [.afterBereavement], "exactly the one gentle call")
    }

    /// The gentle call itself may already wait in the queue, unanswered, when the first call comes back.
    @Test func aCallThatComesBackWhileTheGentleCallIsQueuedIsNotPlannedAgain() async throws {
        let (store, call) = try await publishedCall()
        let grief = Fixtures.event("E-GRIEF", .bereavement, at: Fixtures.now.adding(seconds: 30))
        try await core.apply([.event(grief, userID: nil)], at: Fixtures.now.adding(seconds: 30), to: store)
        _ = try await core.dispatch(at: Fixtures.now.adding(seconds: 40), to: store)
        let gentle = try #require(try await store.workTasks().first { $0.purpose == "after-bereavement" })
        try await core.apply(
            [.decision(Fixtures.decision(gentle, .allow))], at: Fixtures.now.adding(seconds: 45), to: store)
        #expect(try await store.read { try $0.task(gentle.taskId) }?.status == .done, "published, not answered yet")
        try await core.apply(
            [.expired(taskID: call.taskId, attempt: call.attempt)], at: Fixtures.now.adding(seconds: 60), to: store)
        #expect(try await store.read { try $0.task(call.taskId) }?.closedReason == .hold(.bereavement))
    }

    @Test func aCallThatComesBackWithoutAStepBackIsPlannedAgain() async throws {
        let (store, call) = try await publishedCall()
        try await core.apply(
            [.expired(taskID: call.taskId, attempt: call.attempt)], at: Fixtures.now.adding(seconds: 60), to: store)
        #expect(try await store.read { try $0.task(call.taskId) }?.status == .pending)
    }

    private func check(
        _ task: WorkTask, attempt: Int? = nil, by specialist: String = "anna", validUntil: Instant? = nil,
        at now: Instant = Fixtures.now.adding(seconds: 60), core: SchedulerCore? = nil, _ store: SQLiteStore
    ) async throws -> CallCheckReply {
        let request = CallCheck(
            taskId: task.taskId, attempt: attempt ?? task.attempt, specialistId: specialist, validUntil: validUntil)
        return try await store.write { [core = core ?? self.core] in try core.check(request, at: now, in: $0) }
    }

    private func returnUnreported(at now: Instant, _ store: SQLiteStore) async throws -> Int {
        try await store.write { [core] in try core.returnUnreported(at: now, in: $0).returned }
    }

    @Test func aCheckedCallIsTakenUntilTheEndOfItsWindowAndNoOneElseMayTakeIt() async throws {
        let (store, call) = try await publishedCall()
        let taken = Fixtures.now.adding(seconds: 60)
        let reply = try await check(call, validUntil: taken.adding(seconds: 7_200), store)
        #expect(reply.refusal == nil && reply.outcomeDue == taken.adding(seconds: 7_200))
        let task = try #require(try await store.read { try $0.task(call.taskId) })
        #expect(task.status == .taken && task.takenBy == "anna" && task.leaseUntil == taken.adding(seconds: 7_200))
        #expect(try await check(call, by: "bob", store).refusal == "taken", "a duplicate copy reaches nobody else")
        #expect(try await check(call, validUntil: taken.adding(seconds: 7_200), store).refusal == nil, "asked again")
        // A window about to close still leaves time to report; the service file may set the wait instead.
        let (other, second) = try await publishedCall()
        #expect(
            try await check(second, validUntil: taken.adding(seconds: 60), other).outcomeDue
                == taken.adding(seconds: 900))
        let fixed = Fixtures.core { $0.scheduler.outcomeWaitSeconds = 120 }
        let (third, thirdCall) = try await publishedCall()
        let due = try await check(thirdCall, validUntil: taken.adding(seconds: 7_200), core: fixed, third).outcomeDue
        #expect(due == taken.adding(seconds: 120))
    }

    @Test func aTakenCallReportedOnIsDone() async throws {
        let (store, call) = try await publishedCall()
        _ = try await check(call, store)
        let outcome = Outcome(
            outcomeId: "O-1", taskId: call.taskId, debtorId: "D-1", debtId: "C-1", channel: .call,
            at: Fixtures.now.adding(seconds: 120), result: .conversation)
        try await core.apply([.outcome(outcome)], at: Fixtures.now.adding(seconds: 120), to: store)
        let task = try #require(try await store.read { try $0.task(call.taskId) })
        #expect(task.status == .done && task.takenBy == "anna" && task.leaseUntil == nil)
        #expect(try await returnUnreported(at: Fixtures.now.adding(seconds: 86_400), store) == 0)
    }

    /// Issue 11: a call taken and never reported on stopped its case for good.
    @Test func aTakenCallWithoutAnOutcomeReturnsAndALateOutcomeIsNotCalledTwice() async throws {
        let (store, call) = try await publishedCall()
        _ = try await check(call, store)  // due back 15 minutes later: the window is unknown
        #expect(try await returnUnreported(at: Fixtures.now.adding(seconds: 900), store) == 0, "not yet")
        let back = Fixtures.now.adding(seconds: 961)
        #expect(try await returnUnreported(at: back, store) == 1)
        let task = try #require(try await store.read { try $0.task(call.taskId) })
        #expect(task.status == .pending && task.takenBy == nil && task.dueAt == back.adding(seconds: 600))
        #expect(
            try await store.read { try $0.ledgerEntry(taskID: call.taskId) }?.result == .pending,
            "it may have been made: it still counts toward caps")
        // The specialist reports after all: the call was made, and is not made again.
        let outcome = Outcome(
            outcomeId: "O-LATE", taskId: call.taskId, debtorId: "D-1", debtId: "C-1", channel: .call,
            at: back.adding(seconds: 60), result: .noAnswer)
        try await core.apply([.outcome(outcome)], at: back.adding(seconds: 60), to: store)
        let closed = try #require(try await store.read { try $0.task(call.taskId) })
        #expect(closed.status == .cancelled && closed.closedReason == .reportedLate)
        #expect(try await store.read { try $0.ledgerEntry(taskID: call.taskId) }?.result == .noAnswer)
        let open = try await store.read { try $0.tasks(ofDebtor: "acme/D-1", statuses: [.pending]) }
        #expect(open.map(\.purpose) == [.retryCall], "the unanswered call is followed up once")
    }

    @Test func aCallTakenWhenABereavementIsReportedDoesNotReturnBesideTheGentleCall() async throws {
        let (store, call) = try await publishedCall()
        _ = try await check(call, store)
        let grief = Fixtures.event("E-GRIEF", .bereavement, at: Fixtures.now.adding(seconds: 90))
        try await core.apply([.event(grief, userID: nil)], at: Fixtures.now.adding(seconds: 90), to: store)
        #expect(try await returnUnreported(at: Fixtures.now.adding(seconds: 1_000), store) == 1)
        #expect(try await store.read { try $0.task(call.taskId) }?.closedReason == .hold(.bereavement))
        let open = try await store.read { try $0.tasks(ofDebtor: "acme/D-1", statuses: [.pending, .inFlight]) }
        #expect(open.map(\.purpose) == [.afterBereavement], "exactly the one gentle call")
    }

    @Test func aTakenCallGivenBackIsPlannedAgain() async throws {
        let (store, call) = try await publishedCall()
        _ = try await check(call, store)
        try await core.apply(
            [.expired(taskID: call.taskId, attempt: call.attempt)], at: Fixtures.now.adding(seconds: 70), to: store)
        let task = try #require(try await store.read { try $0.task(call.taskId) })
        #expect(task.status == .pending && task.takenBy == nil)
    }

    @Test func aCurrentCallGetsTheDebtorAsNowWithoutItselfInTheHistory() async throws {
        let (store, call) = try await publishedCall()
        let reply = try await check(call, store)
        #expect(reply.refusal == nil)
        #expect(reply.policy?.rulebook == "us-regf")
        #expect(reply.policy?.history == [], "its own pending entry does not count against it")
        #expect(reply.policy?.debtor.holds == [])
    }

    /// A hold that does not end the call (a dispute, until it is resolved) is in the answer, for the policy to
    /// decide at the moment of calling.
    @Test func aDisputeRecordedAfterTheCallWasQueuedIsInTheAnswer() async throws {
        let (store, call) = try await publishedCall()
        try await core.apply(
            [.event(Fixtures.event("E-1", .dispute, at: Fixtures.now.adding(seconds: 30)), userID: nil)], to: store)
        let reply = try await check(call, store)
        #expect(reply.refusal == nil)
        #expect(reply.policy?.debtor.holds.map(\.kind) == [.dispute])
        let engine = try PolicyEngine(rulebook: try #require(Fixtures.rulebooks["us-regf"]))
        let decision = engine.evaluate(
            PolicyRequest(
                now: Fixtures.now.adding(seconds: 60), contact: Contact(channel: .call, debtId: "C-1"),
                debtor: try #require(reply.policy).debtor, history: try #require(reply.policy).history))
        #expect(decision.decision != .allow)
    }

    /// Review of issue 11: only a step back ended a call already queued; a cease, an opt-out, a promise or a plan
    /// left it for the specialist to make.
    @Test(arguments: [LifeEvent.Kind.cease, .promise, .plan, .closed, .recall])
    func aCallStillQueuedEndsWithWhatEndsItsTask(kind: LifeEvent.Kind) async throws {
        let (store, call) = try await publishedCall()
        let at = Fixtures.now.adding(seconds: 30)
        let event = LifeEvent(
            eventId: "E-1", debtorId: "D-1", debtId: "C-1", kind: kind, at: at,
            instalments: kind == .plan ? [.init(amount: "10.00", dueDate: "2026-12-20")] : nil,
            promise: kind == .promise ? .init(amount: "10.00", date: "2026-12-10") : nil)
        #expect(try await core.apply([.event(event, userID: nil)], at: at, to: store) == [.applied])
        let task = try #require(try await store.read { try $0.task(call.taskId) })
        #expect(task.status == .cancelled && task.queuedFor == nil, "\(kind): \(task.status)")
        #expect(try await store.read { try $0.ledgerEntry(taskID: call.taskId) } == nil, "nobody made it")
        #expect(try await check(call, store).refusal == "superseded", "the copy in the queue is not made")
    }

    @Test func refusals() async throws {
        let (store, call) = try await publishedCall()
        #expect(try await check(call, attempt: call.attempt + 1, store).refusal == "superseded")
        var unknown = call
        unknown.taskId = "nope"
        #expect(try await check(unknown, store).refusal == "unknown-task")

        let outcome = Outcome(
            outcomeId: "O-1", taskId: call.taskId, debtorId: "D-1", debtId: "C-1", channel: .call,
            at: Fixtures.now.adding(seconds: 10), result: .conversation)
        try await core.apply([.outcome(outcome)], to: store)
        #expect(try await check(call, store).refusal == "reported")
        // Given back after it was reported (a duplicate copy, say): it is not planned again.
        try await core.apply([.expired(taskID: call.taskId, attempt: call.attempt)], to: store)
        #expect(try await store.read { try $0.task(call.taskId) }?.status == .done)
        #expect(try await store.read { try $0.ledgerEntry(taskID: call.taskId) }?.result == .conversation)

        try await core.apply([.event(Fixtures.event("E-2", debt: "C-1", .closed), userID: nil)], to: store)
        #expect(try await check(call, store).refusal == "debt-closed")
    }
}
