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
}
