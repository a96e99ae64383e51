import AMQP
import Contract
import Domain
import Foundation
import Policy
import Store
import TactTestKit
import Testing

/// The cadence's wiring in real time: the specialist tools against real processes and the real broker.
/// (The multi-week flows run on the virtual clock in CadenceFlowTests.)
@Suite("Pipeline: specialists and cadences", .enabled(if: TestEnvironment.hasBroker), .timeLimit(.minutes(3)))
struct PipelineCadenceTests {
    @Test func aSpecialistTakesACallRecordsAPromiseAndTheCadencePlansItsReminderAndCheck() async throws {
        try await Pipeline().tearingDown { pipeline in
            try pipeline.startScheduler()
            try pipeline.startWorkers(1)
            try await pipeline.place([
                Sample.placement(
                    "P-1", debtor: "D-1", debt: "C-1", zone: Sample.zone(localHour: 13), sms: "+15550177",
                    specialist: "anna")
            ])
            _ = try await pipeline.waitUntilSettled(debtors: true)

            let next = try await pipeline.tool(["next", "--specialist", "anna"])
            #expect(next.status == 0, "\(next.errors)")
            #expect(next.output.contains("Call acme/P-1/first-call — first-call, priority 5"))
            #expect(next.output.contains("Debtor D-1: Personal Name D-1"))

            let date = LocalDateText.days(from: Date(), 10)
            let outcome = try await pipeline.tool([
                "outcome", "acme/P-1/first-call", "--result", "conversation", "--promise", "50.00@\(date)",
            ])
            #expect(outcome.status == 0, "\(outcome.errors)")
            _ = try await pipeline.waitUntilSettled()
            let store = try SQLiteStore(path: pipeline.storePath)
            let promise = try #require(try await store.read { try $0.promises(ofDebtor: "acme/D-1") }.first)
            #expect(promise.amount == "50.00")
            #expect(promise.date == date)
            #expect(promise.status == .open)
            let planned = try await store.read { try $0.tasks(ofDebtor: "acme/D-1", statuses: [.pending]) }.map(
                \.purpose)
            #expect(Set(planned) == [.promiseReminder, .brokenPromise])
            #expect(try await store.read { try $0.ledgerEntry(taskID: "acme/P-1/first-call") }?.result == .conversation)
            // A bad outcome is a one-line error and a non-zero exit, nothing published.
            let bad = try await pipeline.tool(["outcome", "acme/P-1/first-call", "--result", "maybe"])
            #expect(bad.status == 2)
            #expect(bad.errors.split(separator: "\n").count == 1)
            let badDate = try await pipeline.tool([
                "outcome", "acme/P-1/first-call", "--result", "conversation", "--amend", "--promise", "5@2026-02-30",
            ])
            #expect(badDate.status == 2 && badDate.errors.contains("--promise: date:"), "\(badDate.errors)")

            // Issue 11: the call was in fact unanswered. The correction withdraws the promise and its follow-up,
            // and the unanswered call is tried again; both outcomes stay on record.
            let amend = try await pipeline.tool(["outcome", "acme/P-1/first-call", "--result", "no-answer", "--amend"])
            #expect(amend.status == 0 && amend.output.contains(", correcting O-"), "\(amend.errors)")
            _ = try await pipeline.waitUntilSettled()
            #expect(try await store.read { try $0.promises(ofDebtor: "acme/D-1") }.map(\.status) == [.withdrawn])
            let replanned = try await store.read { try $0.tasks(ofDebtor: "acme/D-1", statuses: [.pending]) }
            #expect(replanned.map(\.purpose) == [.retryCall])
            #expect(try await store.read { try $0.outcomes(ofTask: "acme/P-1/first-call") }.count == 2)
            try await pipeline.expectSound()
        }
    }

    @Test func nextGivesBackACallNoLongerPermittedAndOffersTheNextOne() async throws {
        try await Self.annasFirstCallWaiting().tearingDown { pipeline in
            // Ahead of it in the queue, a call whose debtor's window is closed by now (their zone is at 3 a.m.).
            let night = try Debtor(id: "D-9", timeZones: [Sample.zone(localHour: 3)])
            let stale = Call(
                taskId: "stale/first-call", creditorId: "acme", debtorId: "D-9", debtId: "C-9", phone: "+15550100",
                purpose: "first-call",
                validUntil: nil,
                context: CallContext(
                    name: "Personal Name D-9", language: "en",
                    debt: .init(id: "C-9", amount: "1.00", currency: "USD", dueDate: "2026-11-01"), recentContacts: [],
                    holds: [], tone: "standard", policy: .init(rulebook: "us-regf", debtor: night, history: [])),
                attempt: 1)
            try await pipeline.connection.publish(
                AMQPMessage(
                    routingKey: pipeline.topology.callQueue(specialist: "anna"), body: MessageCoding.encode(stale),
                    properties: AMQPProperties(priority: 9, messageID: stale.taskId)))
            let next = try await pipeline.tool(["next", "--specialist", "anna"])
            #expect(next.status == 0, "\(next.errors)")
            #expect(next.output.contains("Not now: call stale/first-call for D-9 — unknown-task."))
            #expect(next.output.contains("Call acme/P-1/first-call"))
            // The stale call went back to the scheduler (which does not know it, so it ends in tact.dead).
            let dead = try await pipeline.drain(pipeline.topology.deadQueue)
            #expect(dead.map(\.properties.messageID) == ["stale/first-call"])
            try await pipeline.expectSound()
        }
    }

    @Test func eventsRecordedAfterACallWasQueuedStopItAtTheSpecialistsDesk() async throws {
        try await Pipeline().tearingDown { pipeline in
            try pipeline.startScheduler()
            try pipeline.startWorkers(1)
            let zone = Sample.zone(localHour: 13)
            try await pipeline.place([
                Sample.placement("P-1", debtor: "D-1", debt: "C-1", zone: zone, specialist: "anna"),
                Sample.placement("P-2", debtor: "D-2", debt: "C-2", zone: zone, specialist: "anna"),
            ])
            _ = try await pipeline.waitUntilSettled(debtors: true)
            // Both calls wait in anna's queue. D-1 asks Tact to stop contacting them; D-2 disputes the debt for a day.
            let now = Instant(Date())
            try await pipeline.send(LifeEvent(eventId: "E-1", debtorId: "D-1", kind: .cease, at: now))
            try await pipeline.send(
                LifeEvent(eventId: "E-2", debtorId: "D-2", kind: .dispute, at: now, until: now.adding(seconds: 86_400)))
            _ = try await pipeline.waitUntilSettled()

            let next = try await pipeline.tool(["next", "--specialist", "anna"])
            #expect(next.status == 0, "\(next.errors)")
            // The cease ended D-1's call where it waited: its copy is no longer the call Tact wants made.
            #expect(
                next.output.contains(
                    "Not now: call acme/P-1/first-call for D-1 — superseded. Given back to the scheduler."))
            #expect(next.output.contains("Not now: call acme/P-2/first-call for D-2 — defer until "))
            #expect(next.output.contains("(hold:dispute). Given back to be planned again."))
            #expect(!next.output.contains("Personal Name"), "no call card is shown")
            #expect(next.output.contains("No call is waiting for anna, nor in the pool."))
            // Given back, D-2's task is planned again after the expiry pause; neither contact stays in the ledger.
            let store = try SQLiteStore(path: pipeline.storePath)
            let deadline = ContinuousClock.now + .seconds(30)
            var pending: [String] = []
            while ContinuousClock.now < deadline {
                pending = try await store.read { store in
                    try ["acme/D-1", "acme/D-2"].flatMap { try store.tasks(ofDebtor: $0, statuses: [.pending]) }.map(
                        \.id)
                }
                if pending.count == 1 { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(pending.sorted() == ["acme/P-2/first-call"])
            #expect(try await store.read { try $0.task("acme/P-1/first-call") }?.closedReason == .cease)
            #expect(try await store.read { try $0.ledgerEntry(taskID: "acme/P-1/first-call") } == nil)
            #expect(try await store.read { try $0.ledgerEntry(taskID: "acme/P-2/first-call") } == nil)
            try await pipeline.expectSound()
        }
    }

    /// Issue 11: a bereavement reported while the first call waits in the specialist's queue. The desk gives the
    /// call back, and the debtor is left with exactly the one gentle call the strategy promises, not two.
    @Test func aBereavementWhileTheFirstCallIsQueuedLeavesOneGentleCall() async throws {
        try await Self.annasFirstCallWaiting().tearingDown { pipeline in
            let now = Instant(Date())
            try await pipeline.send(LifeEvent(eventId: "E-GRIEF", debtorId: "D-1", kind: .bereavement, at: now))
            _ = try await pipeline.waitUntilSettled()
            let next = try await pipeline.tool(["next", "--specialist", "anna"])
            #expect(next.status == 0, "\(next.errors)")
            #expect(next.output.contains("Not now: call acme/P-1/first-call for D-1"))
            let store = try SQLiteStore(path: pipeline.storePath)
            let deadline = ContinuousClock.now + .seconds(30)
            var first: TaskRecord?
            while ContinuousClock.now < deadline {
                first = try await store.read { try $0.task("acme/P-1/first-call") }
                if first?.status == .cancelled { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(first?.status == .cancelled && first?.closedReason == .hold(.bereavement))
            let open = try await store.read { try $0.tasks(ofDebtor: "acme/D-1", statuses: [.pending, .inFlight]) }
            #expect(open.filter { $0.channel == .call }.map(\.purpose) == [.afterBereavement])
            try await pipeline.expectSound()
        }
    }

    /// Issue 11: a call taken with `tact next` and never given an outcome stopped its case for good.
    @Test func aCallTakenWithoutAnOutcomeReturnsAndIsPlannedAgain() async throws {
        try await Self.annasFirstCallWaiting(outcomeWait: 2).tearingDown { pipeline in
            let next = try await pipeline.tool(["next", "--specialist", "anna"])
            #expect(next.status == 0, "\(next.errors)")
            #expect(next.output.contains("Without an outcome by "))
            let store = try SQLiteStore(path: pipeline.storePath)
            let taken = try await store.read { try $0.task("acme/P-1/first-call") }
            #expect(taken?.status == .taken && taken?.takenBy == "anna")
            let status = try await pipeline.tool(["status"])
            #expect(status.output.contains("taken or claimed, no outcome") && status.output.contains("      1"))

            let returned = try await Self.waitFor(store, "acme/P-1/first-call") { $0.status == .pending }
            #expect(returned?.takenBy == nil)
            #expect((returned?.dueAt).map { $0 > Instant(Date()) } ?? false, "planned again after the pause")
            let explain = try await pipeline.tool(["explain", "D-1"])
            #expect(explain.output.contains("returned without an outcome"), "\(explain.output)")
            try await pipeline.expectSound()
        }
    }

    /// A bereavement while the first call is taken: the call returns without an outcome, and the debtor is left
    /// with the one gentle call.
    @Test func aBereavementWhileTheFirstCallIsTakenLeavesOneGentleCall() async throws {
        try await Self.annasFirstCallWaiting(outcomeWait: 3).tearingDown { pipeline in
            let next = try await pipeline.tool(["next", "--specialist", "anna"])
            #expect(next.status == 0 && next.output.contains("Call acme/P-1/first-call"), "\(next.errors)")
            try await pipeline.send(
                LifeEvent(eventId: "E-GRIEF", debtorId: "D-1", kind: .bereavement, at: Instant(Date())))
            let store = try SQLiteStore(path: pipeline.storePath)
            let first = try await Self.waitFor(store, "acme/P-1/first-call") { $0.status == .cancelled }
            #expect(first?.closedReason == .hold(.bereavement))
            let open = try await store.read { try $0.tasks(ofDebtor: "acme/D-1", statuses: [.pending, .inFlight]) }
            #expect(open.filter { $0.channel == .call }.map(\.purpose) == [.afterBereavement])
            try await pipeline.expectSound()
        }
    }

    /// The task once `done` holds, or as it was after 30 s.
    static func waitFor(
        _ store: SQLiteStore, _ taskID: String, _ done: (TaskRecord) -> Bool
    ) async throws -> TaskRecord? {
        let deadline = ContinuousClock.now + .seconds(30)
        var task: TaskRecord?
        while ContinuousClock.now < deadline {
            task = try await store.read { try $0.task(taskID) }
            if let task, done(task) { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        return task
    }

    @Test func callChecksWithoutAToolsReplyQueueOrUnreadableAreDroppedAndTheNextIsAnswered() async throws {
        try await Self.annasFirstCallWaiting().tearingDown { pipeline in
            let check = MessageCoding.encode(CallCheck(taskId: "acme/P-1/first-call", attempt: 1))
            // The scheduler publishes its answers under its own name: never into a contact queue.
            for (body, replyTo) in [
                (check, pipeline.topology.reminderQueue(.sms)),
                (Array("not JSON".utf8), pipeline.topology.checkReplyQueue(id: "x")),
                (check, nil),
            ] {
                try await pipeline.connection.publish(
                    AMQPMessage(
                        routingKey: pipeline.topology.checksQueue, body: body,
                        properties: AMQPProperties(correlationID: "c", replyTo: replyTo), mandatory: true))
            }
            let next = try await pipeline.tool(["next", "--specialist", "anna"])
            #expect(next.status == 0, "\(next.errors)")
            #expect(next.output.contains("Call acme/P-1/first-call"))
            #expect(try await pipeline.drain(pipeline.topology.reminderQueue(.sms), quiet: .seconds(1)).isEmpty)

            let bad = try await pipeline.tool(["next", "--specialist", "anna", "--check-timeout", "0"])
            #expect(bad.status == 2)
            #expect(
                bad.errors.split(separator: "\n").count == 1
                    && bad.errors.contains("--check-timeout must be 1–300 seconds")
            )
            try await pipeline.expectSound()
        }
    }

    @Test func withoutAnAnswerFromTheSchedulerTheCallStaysQueued() async throws {
        try await Self.annasFirstCallWaiting().tearingDown { pipeline in
            #expect(await pipeline.stop().allSatisfy { $0 == 0 })

            let next = try await pipeline.tool(["next", "--specialist", "anna", "--check-timeout", "2"])
            #expect(next.status == 1)
            #expect(
                next.errors.split(separator: "\n") == [
                    "tact next: error: no-answer: the scheduler did not answer within 2 s; the call stays queued (is tact scheduler running?)"
                ])
            #expect(!next.output.contains("Personal Name"))
            let queued = try await pipeline.drain(pipeline.topology.callQueue(specialist: "anna"))
            #expect(queued.map(\.properties.messageID) == ["acme/P-1/first-call"])
            try await pipeline.expectSound()
        }
    }

    @Test func callsOfAnAwaySpecialistGoToTheBackupWithTheCaseOwnerNamed() async throws {
        try await Pipeline().tearingDown { pipeline in
            try pipeline.startScheduler()
            try pipeline.startWorkers(1)
            let away = try await pipeline.tool([
                "specialists", "away", "anna", "--until", LocalDateText.days(from: Date(), 3), "--backup", "bob",
            ])
            #expect(away.status == 0, "\(away.errors)")
            try await Task.sleep(for: .seconds(1))
            try await pipeline.place([
                Sample.placement(
                    "P-1", debtor: "D-1", debt: "C-1", zone: Sample.zone(localHour: 13), specialist: "anna")
            ])
            _ = try await pipeline.waitUntilSettled(debtors: true)
            #expect(try await pipeline.drain(pipeline.topology.callQueue(specialist: "anna")).isEmpty)
            let bobs = try await pipeline.drain(pipeline.topology.callQueue(specialist: "bob"))
            let call = try MessageCoding.decode(Call.self, from: try #require(bobs.first).body)
            #expect(call.context.assignedSpecialist == "anna")
            #expect(bobs.first?.properties.priority == 5)
            try await pipeline.expectSound()
        }
    }
}

/// Issue 11: specialists are a roster, and an absence or a hand-over moves the calls already queued.
extension PipelineCadenceTests {
    @Test func awayMovesACallAlreadyQueuedForTheSpecialistToTheBackup() async throws {
        try await Self.annasFirstCallWaiting().tearingDown { pipeline in
            pipeline.deleteOnTearDown(pipeline.topology.callQueue(specialist: "bob"))
            let away = try await pipeline.tool([
                "specialists", "away", "anna", "--until", LocalDateText.days(from: Date(), 3), "--backup", "bob",
            ])
            #expect(away.status == 0, "\(away.errors)")
            let store = try SQLiteStore(path: pipeline.storePath)
            let moved = try await Self.waitFor(store, "acme/P-1/first-call") { $0.queuedFor == "bob" }
            #expect(moved?.status == .done && moved?.attempts == 2, "published again, for bob")
            _ = try await pipeline.waitUntilSettled()

            let annas = try await pipeline.tool(["next", "--specialist", "anna"])
            #expect(annas.status == 0, "\(annas.errors)")
            #expect(
                annas.output.contains(
                    "Not now: call acme/P-1/first-call for D-1 — superseded. Given back to the scheduler."),
                "\(annas.output)")
            #expect(!annas.output.contains("Personal Name"), "anna is not handed the call")
            let bobs = try await pipeline.tool(["next", "--specialist", "bob"])
            #expect(bobs.status == 0, "\(bobs.errors)")
            #expect(bobs.output.contains("Call acme/P-1/first-call — first-call"), "\(bobs.output)")
            #expect(bobs.output.contains("Case of anna, who is away: please keep their approach"))
            #expect(try await store.read { try $0.task("acme/P-1/first-call") }?.takenBy == "bob")
        }
    }

    @Test func aHandoverTypoIsRefusedAndAHandoverMovesTheQueuedCallAndIsOnTheTimeline() async throws {
        try await Self.annasFirstCallWaiting().tearingDown { pipeline in
            pipeline.deleteOnTearDown(pipeline.topology.callQueue(specialist: "carol"))
            let typo = try await pipeline.tool(["specialists", "handover", "D-1", "--to", "crol"])
            #expect(typo.status == 2)
            #expect(
                typo.errors.split(separator: "\n") == [
                    "tact specialists: error: crol is not on the roster of specialists (see `tact specialists list`)"
                ])
            let handover = try await pipeline.tool(["specialists", "handover", "D-1", "--to", "carol"])
            #expect(handover.status == 0, "\(handover.errors)")
            let store = try SQLiteStore(path: pipeline.storePath)
            _ = try await Self.waitFor(store, "acme/P-1/first-call") { $0.queuedFor == "carol" }
            _ = try await pipeline.waitUntilSettled()

            let carols = try await pipeline.tool(["next", "--specialist", "carol"])
            #expect(carols.output.contains("Call acme/P-1/first-call — first-call"), "\(carols.output)")
            #expect(!carols.output.contains("who is away"), "the case is carol's now")
            let explain = try await pipeline.tool(["explain", "D-1"])
            #expect(explain.output.contains("case handed over from anna to carol"), "\(explain.output)")
            #expect(explain.output.hasPrefix("Debtor D-1: creditor acme, rulebook us-regf, specialist carol\n"))
        }
    }
}

/// Issue 11: a specialist whose own queue is empty is offered the pool's calls.
extension PipelineCadenceTests {
    @Test func aSpecialistWhoseQueueIsEmptyTakesACallFromThePool() async throws {
        try await Self.aPoolCallWaiting().tearingDown { pipeline in
            let next = try await pipeline.tool(["next", "--specialist", "anna"])
            #expect(next.status == 0, "\(next.errors)")
            #expect(next.output.contains("Call acme/P-1/first-call — first-call"), "\(next.output)")
            #expect(next.output.contains("\n  From the pool: no call was waiting in anna's own queue\n"))
            let store = try SQLiteStore(path: pipeline.storePath)
            let taken = try await store.read { try $0.task("acme/P-1/first-call") }
            #expect(taken?.status == .taken && taken?.takenBy == "anna")
            // Seen once under load: a call still in the pool. Its id, attempt and redelivery say which copy it was.
            let left = try await pipeline.drain(pipeline.topology.callQueue(specialist: nil))
            #expect(
                left.isEmpty,
                "\(left.map { "\($0.properties.messageID ?? "-") redelivered \($0.redelivered) attempt \((try? MessageCoding.decode(Call.self, from: $0.body))?.attempt ?? 0)" })"
            )
        }
    }

    @Test func thePoolFallbackIsConfigurableAndCanBeChosenForOneCall() async throws {
        try await Self.aPoolCallWaiting(poolFallback: false).tearingDown { pipeline in
            let none = try await pipeline.tool(["next", "--specialist", "anna", "--wait", "1"])
            #expect(none.status == 0, "\(none.errors)")
            #expect(none.output == "No call is waiting for anna.\n", "\(none.output)")
            let taken = try await pipeline.tool(["next", "--specialist", "anna", "--pool"])
            #expect(taken.output.contains("From the pool: no call was waiting in anna's own queue"), "\(taken.output)")
        }
        try await Self.aPoolCallWaiting().tearingDown { pipeline in
            let none = try await pipeline.tool(["next", "--specialist", "bob", "--no-pool", "--wait", "1"])
            #expect(none.output == "No call is waiting for bob.\n", "\(none.output)")
            let queued = try await pipeline.drain(pipeline.topology.callQueue(specialist: nil))
            #expect(queued.map(\.properties.messageID) == ["acme/P-1/first-call"], "the call stays in the pool")
        }
    }

    /// A scheduler and a worker, and D-1's first call (no specialist) waiting in the pool.
    static func aPoolCallWaiting(poolFallback: Bool? = nil) async throws -> Pipeline {
        let pipeline = try await Pipeline(poolFallback: poolFallback)
        try pipeline.startScheduler()
        try pipeline.startWorkers(1)
        try await pipeline.place([
            Sample.placement("P-1", debtor: "D-1", debt: "C-1", zone: Sample.zone(localHour: 13))
        ])
        // Until the placement is in: an empty store before the scheduler read it looks settled too.
        _ = try await pipeline.waitUntilSettled(debtors: true)
        pipeline.deleteOnTearDown(pipeline.topology.callQueue(specialist: "anna"))
        pipeline.deleteOnTearDown(pipeline.topology.callQueue(specialist: "bob"))
        return pipeline
    }
}

extension PipelineCadenceTests {
    /// A scheduler and a worker, and D-1's first call waiting in anna's queue (its debtor at 13:00 local time).
    static func annasFirstCallWaiting(outcomeWait: Int? = nil) async throws -> Pipeline {
        let pipeline = try await Pipeline(outcomeWait: outcomeWait)
        try pipeline.startScheduler()
        try pipeline.startWorkers(1)
        try await pipeline.place([
            Sample.placement("P-1", debtor: "D-1", debt: "C-1", zone: Sample.zone(localHour: 13), specialist: "anna")
        ])
        _ = try await pipeline.waitUntilSettled(debtors: true)
        pipeline.deleteOnTearDown(pipeline.topology.callQueue(specialist: "anna"))
        return pipeline
    }
}

/// `YYYY-MM-DD` some days from a date, in UTC.
enum LocalDateText {
    static func days(from date: Date, _ days: Int) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date.addingTimeInterval(Double(days) * 86_400))
    }
}
