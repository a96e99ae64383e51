import Contract
import Domain
import Policy
import Store
import Testing

@testable import SchedulerCore

/// The check at the moment of sending (issue 13): a sender asks before it sends a reminder, the scheduler answers
/// from the store as of now, and an answer to send claims the reminder for that sender.
@Suite struct SchedulerContactCheckTests {
    let core = Fixtures.core()

    /// acme's D-1 (10:00 in New York) with its first call decided and its first-notice e-mail published.
    private func publishedReminder(
        _ placement: Placement = Fixtures.placement()
    ) async throws -> (SQLiteStore, WorkTask) {
        let store = try SQLiteStore.inMemory()
        try await core.apply([.placement(placement, userID: nil)], to: store)
        for _ in 0..<2 {
            _ = try await core.dispatch(at: Fixtures.now, to: store)
            let task = try #require(try await store.workTasks().last)
            try await store.write { try $0.removeFromOutbox(try $0.outbox(limit: 100).map(\.sequence)) }
            try await core.apply([.decision(Fixtures.decision(task, .allow))], to: store)
            if task.channel != .call { return (store, task) }
        }
        throw TestFailure("no reminder was published")
    }

    struct TestFailure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    private func check(
        _ task: WorkTask, by sender: String = "mailer-1", attempt: Int? = nil,
        at now: Instant = Fixtures.now.adding(seconds: 60), _ store: SQLiteStore
    ) async throws -> ContactCheckReply {
        let request = ContactCheck(taskId: task.taskId, attempt: attempt ?? task.attempt, senderId: sender)
        return try await store.write { [core] in try core.check(request, at: now, in: $0) }
    }

    @Test func theFirstSenderClaimsTheReminderAndASecondCopyIsDropped() async throws {
        let (store, reminder) = try await publishedReminder()
        let sent = try await check(reminder, store)
        #expect(sent.verdict == .send && sent.reportBy == Fixtures.now.adding(seconds: 960))
        let task = try #require(try await store.read { try $0.task(reminder.taskId) })
        #expect(task.status == .taken && task.claimingSender == "mailer-1")
        #expect(
            try await store.read { try $0.ledgerEntry(taskID: reminder.taskId) }?.at
                == Fixtures.now.adding(seconds: 60),
            "caps count it from when it was sent")
        #expect(try await check(reminder, by: "mailer-2", store).verdict == .claimed, "a duplicate reaches nobody")
        // The same sender holding a second copy is told the same: asked twice, it must not send twice.
        #expect(try await check(reminder, store).verdict == .claimed)

        try await core.apply(
            [
                .outcome(
                    Outcome(
                        outcomeId: "O-1", taskId: reminder.taskId, creditorId: "acme", debtorId: "D-1", debtId: "C-1",
                        channel: .email, at: Fixtures.now.adding(seconds: 70), result: .delivered))
            ], to: store)
        #expect(try await check(reminder, store).verdict == .reported)
        #expect(try await store.read { try $0.ledgerEntry(taskID: reminder.taskId) }?.result == .delivered)
    }

    @Test(arguments: [LifeEvent.Kind.cease, .bereavement, .deceased])
    func anEventRecordedWhileTheReminderWaitsStopsIt(kind: LifeEvent.Kind) async throws {
        let (store, reminder) = try await publishedReminder()
        try await core.apply([.event(Fixtures.event("E-1", kind, at: Fixtures.now), userID: nil)], to: store)
        #expect(try await check(reminder, store).verdict == .superseded)
        #expect(try await store.read { try $0.task(reminder.taskId) }?.status == .cancelled)
        #expect(try await store.read { try $0.ledgerEntry(taskID: reminder.taskId) } == nil, "it was never sent")
    }

    @Test func anOptOutOfTheChannelStopsItAndAnotherChannelsDoesNot() async throws {
        let (store, reminder) = try await publishedReminder()
        try await core.apply(
            [.event(Fixtures.event("E-1", .optOut, at: Fixtures.now, channel: .sms), userID: nil)], to: store)
        #expect(try await check(reminder, by: "mailer-1", at: Fixtures.now.adding(seconds: 60), store).verdict == .send)
        let (other, second) = try await publishedReminder()
        try await core.apply(
            [.event(Fixtures.event("E-1", .optOut, at: Fixtures.now, channel: .email), userID: nil)], to: other)
        #expect(try await check(second, other).verdict == .superseded)
    }

    /// Sent at 03:00 in New York it would break the rulebook's hours: refused with the rule, and planned again as
    /// an expired contact is, out of the ledger.
    @Test func aReminderThePolicyNoLongerPermitsIsPlannedAgain() async throws {
        let (store, reminder) = try await publishedReminder()
        let night = Fixtures.instant("2026-12-02T08:00:00Z")
        let reply = try await check(reminder, at: night, store)
        #expect(reply.verdict == .notPermitted)
        #expect(reply.reasons?.map(\.rule) == [.contactHours])
        let task = try #require(try await store.read { try $0.task(reminder.taskId) })
        #expect(task.status == .pending && task.dueAt == night.adding(seconds: SchedulerCore.expiryPause))
        #expect(try await store.read { try $0.ledgerEntry(taskID: reminder.taskId) } == nil)
        #expect(try await check(reminder, at: night, store).verdict == .superseded, "its copy is gone for good")
    }

    @Test func aClaimWithoutAnOutcomeIsUnconfirmedAndNeverSentAgain() async throws {
        let (store, reminder) = try await publishedReminder()
        let reportBy = try #require(try await check(reminder, store).reportBy)
        let early = try await store.write { [core] in try core.returnUnreported(at: reportBy, in: $0) }
        #expect(early.returned == 0 && early.unconfirmed == 0, "not yet")
        let late = try await store.write { [core] in
            try core.returnUnreported(at: reportBy.adding(seconds: 1), in: $0)
        }
        #expect(late.returned == 0 && late.unconfirmed == 1)
        let task = try #require(try await store.read { try $0.task(reminder.taskId) })
        #expect(task.status == .cancelled && task.closedReason == .claimUnconfirmed)
        #expect(
            try await store.read { try $0.ledgerEntry(taskID: reminder.taskId) }?.result == .pending,
            "it may have been sent: it still counts")
        #expect(try await store.monitor { try $0.unconfirmedClaimCount() } == 1, "and shown by tact status")
        #expect(try await core.dispatch(at: reportBy.adding(seconds: 3_600), to: store) == 0)
        #expect(try await check(reminder, store).verdict == .superseded)
    }

    /// A claimed contact may have been sent: nothing that happens after the claim re-plans it, neither a check of
    /// another copy after a cease nor a copy that expires in its queue.
    @Test func aClaimedReminderIsNeverPlannedAgain() async throws {
        let (store, reminder) = try await publishedReminder()
        #expect(try await check(reminder, store).verdict == .send)
        try await core.apply([.event(Fixtures.event("E-1", .cease, at: Fixtures.now), userID: nil)], to: store)
        #expect(try await check(reminder, by: "mailer-2", store).verdict == .claimed)
        try await core.apply(
            [.expired(taskID: reminder.taskId, attempt: reminder.attempt)], at: Fixtures.now.adding(seconds: 90),
            to: store)
        let task = try #require(try await store.read { try $0.task(reminder.taskId) })
        #expect(task.status == .taken && task.claimingSender == "mailer-1")
        #expect(try await store.read { try $0.ledgerEntry(taskID: reminder.taskId) }?.result == .pending)
    }

    /// An amendment changes what a queued reminder would say: it is decided again, and its copy is superseded.
    @Test func anAmendmentDecidesAQueuedReminderAgain() async throws {
        let (store, reminder) = try await publishedReminder()
        var amended = Fixtures.placement()
        amended.debt.amount = "99.00"
        try await core.apply([.placement(amended, userID: nil)], to: store)
        #expect(try await check(reminder, store).verdict == .superseded)
        let task = try #require(try await store.read { try $0.task(reminder.taskId) })
        #expect(task.status == .pending && task.dueAt == Fixtures.now)
    }

    /// A print house works at night: a letter is not held back for the hour, only for what stops it.
    @Test func aLetterIsSentWhateverTheHour() async throws {
        let (store, letter) = try await publishedReminder(Fixtures.placement(email: nil, address: "1 Way"))
        #expect(letter.channel == .letter)
        let night = Fixtures.instant("2026-12-02T08:00:00Z")
        #expect(try await check(letter, at: night, store).verdict == .send)
        #expect(try await store.read { try $0.task(letter.taskId) }?.leaseUntil == night.adding(seconds: 86_400))
    }

    @Test func unknownTasksAndEarlierHandOutsAreRefused() async throws {
        let (store, reminder) = try await publishedReminder()
        let request = ContactCheck(taskId: "acme/P-404/first-notice", attempt: 1, senderId: "mailer-1")
        let unknown: ContactCheckReply = try await store.write { [core] in
            try core.check(request, at: Fixtures.now, in: $0)
        }
        #expect(unknown.verdict == .unknownTask)
        #expect(try await check(reminder, attempt: reminder.attempt + 1, store).verdict == .superseded, "a later one")
        #expect(
            try await check(reminder, attempt: reminder.attempt - 1, store).verdict == .superseded, "an earlier one")
        let trail = try await store.inspect { store in
            try store.auditRecords(
                afterSequence: 0, throughSequence: .max, from: Instant(secondsSinceEpoch: 0),
                to: Instant(secondsSinceEpoch: .max), debtorID: "acme/D-1", limit: 10_000)
        }
        #expect(trail.last?.action == "contact.checked" && trail.last?.actor.description == "sender:mailer-1")
    }
}
