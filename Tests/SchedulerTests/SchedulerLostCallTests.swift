import Contract
import Domain
import Policy
import Store
import Testing

@testable import SchedulerCore

/// A call queue is classic (for its priorities): a node lost for good loses the calls waiting in it. A queued call
/// that is neither back (expired), taken nor reported a grace after its window is planned again.
@Suite("Scheduler: calls lost with their queue")
struct SchedulerLostCallTests {
    let core = Fixtures.core()

    @Test func aQueuedCallNeverBackAfterItsWindowIsPlannedAgain() async throws {
        let store = try SQLiteStore.inMemory()
        try await core.apply([.placement(Fixtures.placement(email: nil), userID: nil)], to: store)
        #expect(try await core.dispatch(at: Fixtures.now, to: store) == 1)
        let task = try #require(try await store.workTasks().first)
        let windowEnd = Fixtures.now.adding(seconds: 3_600)
        var decision = Fixtures.decision(task, .allow)
        decision.contact?.expiresAt = windowEnd
        try await core.apply([.decision(decision)], to: store)
        let queued = try #require(try await store.read { try $0.task(task.taskId) })
        #expect(queued.status == .done && queued.queuedFor == "pool")
        #expect(queued.leaseUntil == windowEnd.adding(seconds: SchedulerCore.lostCallGrace))

        let core = core
        let inGrace = try await store.write { try core.returnUnreported(at: windowEnd.adding(seconds: 600), in: $0) }
        #expect(inGrace.lost == 0, "it may still come back from the broker")
        let after = windowEnd.adding(seconds: SchedulerCore.lostCallGrace + 1)
        let swept = try await store.write { try core.returnUnreported(at: after, in: $0) }
        #expect(swept.lost == 1)
        let again = try #require(try await store.read { try $0.task(task.taskId) })
        #expect(again.status == .pending && again.queuedFor == nil && again.leaseUntil == nil)
        // It may yet be made from a copy left in a queue: its ledger entry stays, as for a call taken and not
        // reported, until the next hand-out's contact replaces it.
        #expect(try await store.read { try $0.ledgerEntry(taskID: task.taskId) }?.result == .pending)
        // Its copy, should the node come back, names an earlier attempt: superseded, and its expiry ignored.
        try await core.apply([.expired(taskID: task.taskId, attempt: task.attempt)], at: after, to: store)
        #expect(try await store.read { try $0.task(task.taskId) }?.status == .pending)
        // A gateway that dialled that copy and reports without `tact next`: the new plan is closed, not made twice.
        try await core.apply(
            [
                .outcome(
                    Outcome(
                        outcomeId: "O-late", taskId: task.taskId, debtorId: task.debtor.id, debtId: task.debt.id,
                        channel: .call, at: after, result: .conversation))
            ], at: after, to: store)
        let closed = try #require(try await store.read { try $0.task(task.taskId) })
        #expect(closed.status == .cancelled && closed.closedReason == .reportedLate)
    }

    @Test func aCallTakenOrReportedIsNotSwept() async throws {
        let store = try SQLiteStore.inMemory()
        try await core.apply(
            [
                .placement(Fixtures.placement("P-1", debtor: "D-1", email: nil), userID: nil),
                .placement(Fixtures.placement("P-2", debtor: "D-2", email: nil), userID: nil),
            ], to: store)
        #expect(try await core.dispatch(at: Fixtures.now, to: store) == 2)
        let windowEnd = Fixtures.now.adding(seconds: 3_600)
        for task in try await store.workTasks() {
            var decision = Fixtures.decision(task, .allow)
            decision.contact?.expiresAt = windowEnd
            try await core.apply([.decision(decision)], to: store)
        }
        let reported = try #require(try await store.workTasks().first)
        try await core.apply(
            [
                .outcome(
                    Outcome(
                        outcomeId: "O-1", taskId: reported.taskId, debtorId: reported.debtor.id,
                        debtId: reported.debt.id, channel: .call, at: Fixtures.now, result: .conversation))
            ], to: store)
        let core = core
        let swept = try await store.write {
            try core.returnUnreported(at: windowEnd.adding(seconds: SchedulerCore.lostCallGrace + 1), in: $0)
        }
        #expect(swept.lost == 1, "only the call neither taken nor reported")
        #expect(try await store.read { try $0.task(reported.taskId) }?.status == .done)
    }
}
