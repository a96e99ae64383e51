import Contract
import Domain
import Policy
import Store
import Testing

@testable import SchedulerCore

/// Regulation F's validation information (12 CFR 1006.34(a)(1)): in the first communication, or within five days
/// after it. A first notice by letter or e-mail carries it; after any other first communication the scheduler plans
/// a validation notice of its own.
@Suite struct SchedulerValidationNoticeTests {
    let core = Fixtures.core(validationNotices: true)

    /// Places `placement`, hands out its tasks and has each allowed and reported with `result` (calls
    /// `conversation`); returns the store and the work tasks in the order they went out.
    private func contacted(_ placement: Placement, rounds: Int = 2) async throws -> (SQLiteStore, [WorkTask]) {
        let store = try SQLiteStore.inMemory()
        try await core.apply([.placement(placement, userID: nil)], to: store)
        return try await contacted(store: store, placement, rounds: rounds)
    }

    /// Goes on with `store`: the next tasks handed out after `earlier`.
    private func contacted(
        store: SQLiteStore, _ placement: Placement, after earlier: [WorkTask] = [], rounds: Int = 1
    ) async throws -> (SQLiteStore, [WorkTask]) {
        var tasks: [WorkTask] = []
        for round in 0..<rounds {
            _ = try await core.dispatch(at: Fixtures.now, to: store)
            guard let task = try await store.workTasks().last,
                !(earlier + tasks).contains(where: { $0.taskId == task.taskId })
            else { break }
            tasks.append(task)
            try await store.write { try $0.removeFromOutbox(try $0.outbox(limit: 100).map(\.sequence)) }
            try await core.apply([.decision(Fixtures.decision(task, .allow))], to: store)
            try await core.apply(
                [
                    .outcome(
                        Outcome(
                            outcomeId: "O-\(earlier.count + round)", taskId: task.taskId,
                            creditorId: placement.creditorId,
                            debtorId: placement.debtor.id, debtId: placement.debt.id, channel: task.channel,
                            at: Fixtures.now.adding(seconds: 60),
                            result: task.channel == .call ? .conversation : .delivered))
                ], to: store)
        }
        return (store, tasks)
    }

    private func notice(_ store: SQLiteStore, _ placement: Placement) async throws -> TaskRecord? {
        try await store.read {
            try $0.task("\(placement.creditorId)/\(placement.debtor.id)/\(placement.debt.id)/validation-notice")
        }
    }

    @Test func aConversationAndAFirstNoticeByTextAreFollowedByAValidationNoticeByLetter() async throws {
        let placement = Fixtures.placement(email: nil, sms: "+15550199", address: "1 Main St, Springfield")
        let (store, tasks) = try await contacted(placement, rounds: 3)
        #expect(Set(tasks.map(\.purpose)).isSuperset(of: ["first-call", "first-notice"]))
        #expect(tasks.first { $0.purpose == "first-notice" }?.channel == .sms)
        let notice = try #require(try await notice(store, placement))
        #expect(notice.purpose == .validationNotice && notice.channel == .letter)
        #expect(notice.dueAt == Fixtures.now, "due at once: the law gives five days")
    }

    @Test func aFirstNoticeByEmailCarriesItAndClosesTheNoticePlannedMeanwhile() async throws {
        let placement = Fixtures.placement(email: "d@example.com", sms: "+15550199")
        // The call's conversation comes first; the e-mail, on its way, is given a day before a notice is due.
        let (store, tasks) = try await contacted(placement, rounds: 1)
        #expect(tasks.map(\.channel) == [.call])
        let planned = try #require(try await notice(store, placement))
        #expect(planned.channel == .email && planned.dueAt == Fixtures.now.adding(seconds: 86_400))
        let (_, more) = try await contacted(store: store, placement, after: tasks)
        #expect(more.map(\.purpose) == ["first-notice"])
        let closed = try #require(try await notice(store, placement))
        #expect(closed.status == .cancelled && closed.closedReason == .validationGiven)
    }

    @Test func aConversationBeforeAnyWrittenNoticeIsFollowedByOne() async throws {
        let placement = Fixtures.placement(email: nil, sms: nil)
        let (store, tasks) = try await contacted(placement, rounds: 1)
        #expect(tasks.map(\.channel) == [.call])
        // No address on file: it is planned on the first channel all the same, so that operators see it owed.
        let notice = try #require(try await notice(store, placement))
        #expect(notice.channel == .letter)
    }

    @Test func aRulebookThatOwesNoneGetsNone() async throws {
        let placement = Fixtures.placement(creditor: "polbank", email: nil, sms: "+48600100200")
        let (store, _) = try await contacted(placement)
        #expect(try await notice(store, placement) == nil)
    }

    private func event(_ store: SQLiteStore, _ event: LifeEvent) async throws {
        try await core.apply([.event(event, userID: nil)], to: store)
    }

    private func notices(_ store: SQLiteStore) async throws -> [TaskRecord] {
        try await store.read { try $0.tasks(ofDebtor: "acme/D-1", statuses: []) }
            .filter { $0.purpose == .validationNotice }.sorted { $0.id < $1.id }
    }

    @Test func aStepBackDefersTheNoticeButDoesNotEndIt() async throws {
        let placement = Fixtures.placement(email: nil, sms: "+15550199", address: "1 Main St, Springfield")
        // The call's conversation: the notice is planned, not handed out yet.
        let (store, _) = try await contacted(placement, rounds: 1)
        try await event(store, Fixtures.event("E-1", .bereavement))
        #expect(try await notice(store, placement)?.status == .pending, "owed by law; the policy's hold defers it")
        #expect(
            try await store.read { try $0.tasks(ofDebtor: "acme/D-1", statuses: [.pending]) }.map(\.purpose)
                .sorted { $0.rawValue < $1.rawValue } == [.afterBereavement, .validationNotice])
    }

    @Test func anOptOutOfItsChannelPlansItAgainOnAnother() async throws {
        let placement = Fixtures.placement(
            email: "d@example.com", sms: "+15550199", address: "1 Main St, Springfield")
        let store = try SQLiteStore.inMemory()
        try await core.apply([.placement(placement, userID: nil)], to: store)
        // No e-mail for now: after the call's conversation, the notice is planned by letter.
        try await event(store, Fixtures.event("E-1", .optOut, channel: .email))
        _ = try await contacted(store: store, placement, rounds: 1)
        #expect(try await notices(store).map(\.channel) == [.letter])
        try await event(store, Fixtures.event("E-2", .optIn, channel: .email))
        try await event(store, Fixtures.event("E-3", .optOut, channel: .letter))
        let planned = try await notices(store)
        #expect(planned.map(\.id) == ["acme/D-1/C-1/validation-notice", "acme/D-1/C-1/validation-notice/2"])
        #expect(planned.map(\.status) == [.cancelled, .pending] && planned.last?.channel == .email)
        // Nowhere to send it: not planned again and again, and tact status counts it late once the days are past.
        try await event(store, Fixtures.event("E-4", .optOut, channel: .email))
        try await event(store, Fixtures.event("E-5", .optOut, channel: .sms))
        #expect(try await notices(store).count == 2)
        let late = { (days: Int64) in
            try await store.monitor {
                try $0.lateValidationNoticeCount(plannedBefore: Fixtures.now.adding(seconds: days * 86_400))
            }
        }
        #expect(try await late(0) == 0)
        #expect(try await late(6) == 1)
    }

    @Test func aBounceReportedOnTheFirstNoticeMakesTheNoticeOwedAgain() async throws {
        let placement = Fixtures.placement(email: "d@example.com", sms: nil)
        let (store, tasks) = try await contacted(placement, rounds: 1)
        #expect(tasks.map(\.channel) == [.call])
        let (_, more) = try await contacted(store: store, placement, after: tasks)
        #expect(more.map(\.purpose) == ["first-notice"])
        #expect(try await notices(store).map(\.closedReason) == [.validationGiven])
        var bounce = Outcome(
            outcomeId: "O-bounce", taskId: more[0].taskId, creditorId: "acme", debtorId: "D-1", debtId: "C-1",
            channel: .email, at: Fixtures.now.adding(seconds: 120), result: .failed, corrects: "O-1")
        bounce.reason = "bounced"
        try await core.apply([.outcome(bounce)], to: store)
        let planned = try await notices(store)
        #expect(planned.map(\.status) == [.cancelled, .pending])
        #expect(planned.last?.dueAt == Fixtures.now)
        #expect(
            try await store.monitor {
                try $0.lateValidationNoticeCount(plannedBefore: Fixtures.now.adding(seconds: 6 * 86_400))
            } == 0,
            "the first was made unnecessary; the second is not late yet")
    }

    @Test func aSurveyOnADebtPaidBeforeAnyContactOwesNoNotice() async throws {
        let placement = Fixtures.placement(email: nil, sms: "+15550199")
        let store = try SQLiteStore.inMemory()
        try await core.apply([.placement(placement, userID: nil)], to: store)
        try await core.apply(
            [
                .event(
                    LifeEvent(eventId: "E-PAID", debtorId: "D-1", debtId: "C-1", kind: .closed, at: Fixtures.now),
                    userID: nil)
            ],
            to: store)
        _ = try await contacted(store: store, placement, rounds: 3)
        #expect(try await notices(store).isEmpty)
    }
}
