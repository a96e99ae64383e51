import Contract
import Domain
import Policy
import Store
import Testing

@testable import SchedulerCore

/// One outcome per task; a correction names the one it replaces, undoes what followed from it and goes on from its
/// own result.
@Suite("Scheduler: outcome corrections")
struct SchedulerCorrectionTests {
    let core = Fixtures.core()

    /// D-1 (anna's) with its first call published, as in the call-check tests.
    private func publishedCall() async throws -> (SQLiteStore, WorkTask) {
        let store = try SQLiteStore.inMemory()
        try await core.apply(
            [.placement(Fixtures.placement(email: nil, specialist: "anna"), userID: nil)], to: store)
        _ = try await core.dispatch(at: Fixtures.now, to: store)
        let call = try #require(try await store.workTasks().first { $0.channel == .call })
        try await core.apply([.decision(Fixtures.decision(call, .allow))], to: store)
        return (store, call)
    }

    private func outcome(
        _ id: String, _ call: WorkTask, _ result: Outcome.Result, promise: Outcome.Promise? = nil,
        corrects: String? = nil
    ) -> SchedulerInput {
        .outcome(
            Outcome(
                outcomeId: id, taskId: call.taskId, debtorId: "D-1", debtId: "C-1", channel: .call,
                at: Fixtures.now.adding(seconds: 120), result: result, promise: promise, corrects: corrects))
    }

    @Test func aCorrectionUndoesThePromiseAndFollowsUpTheCorrectedResult() async throws {
        let (store, call) = try await publishedCall()
        try await core.apply(
            [outcome("O-1", call, .promiseToPay, promise: .init(amount: "50.00", date: "2026-12-10"))], to: store)
        let planned = Set(try await store.tasks("acme/D-1", [.pending]).map(\.id))
        #expect(planned == ["O-1/broken-promise"], "its check (no reminder: no e-mail or SMS on file)")
        // The call was in fact unanswered: the promise goes, and the unanswered call is tried again.
        let results = try await core.apply([outcome("O-2", call, .noAnswer, corrects: "O-1")], to: store)
        #expect(results == [.applied])
        #expect(try await store.read { try $0.promises(ofDebtor: "acme/D-1") }.map(\.status) == [.withdrawn])
        let tasks = try await store.tasks("acme/D-1", [])
        let followUps = tasks.filter { $0.id.hasPrefix("O-1/") }
        #expect(!followUps.isEmpty && followUps.allSatisfy { $0.closedReason == .outcomeCorrected })
        #expect(tasks.filter { $0.status == .pending }.map(\.id) == ["O-2/retry-call"])
        #expect(try await store.read { try $0.ledgerEntry(taskID: call.taskId) }?.result == .noAnswer)
        let kept = try await store.read { try $0.outcomes(ofTask: call.taskId) }
        #expect(kept.map(\.id) == ["O-1", "O-2"] && kept.map(\.corrects) == [nil, "O-1"], "both stay on record")
    }

    /// Found by the seeded random runs (no-next-step): correcting a promise-to-pay away withdrew the promise but
    /// restored nothing it had replaced, and the debt was left with nothing planned. The creditor's earlier promise it
    /// withdrew is in force again, with its check.
    @Test func aPromiseCorrectedAwayRestoresThePromiseItWithdrew() async throws {
        let (store, call) = try await publishedCall()
        try await core.apply([outcome("O-1", call, .noAnswer)], to: store)
        let earlier = LifeEvent(
            eventId: "E-16", debtorId: "D-1", debtId: "C-1", kind: .promise, at: Fixtures.now,
            promise: .init(amount: "40.00", date: "2026-12-10"))
        try await core.apply(
            [
                .event(earlier, userID: nil),
                outcome(
                    "O-2", call, .promiseToPay, promise: .init(amount: "50.00", date: "2026-12-12"), corrects: "O-1"),
            ], to: store)
        #expect(try await store.read { try $0.task("acme/E-16/broken-promise") }?.closedReason == .promiseWithdrawn)
        #expect(try await store.tasks("acme/D-1", [.pending]).map(\.id) == ["O-2/broken-promise"])

        try await core.apply([outcome("O-3", call, .conversation, corrects: "O-2")], to: store)
        let promises = try await store.read { try $0.promises(ofDebtor: "acme/D-1") }
        #expect(
            Dictionary(uniqueKeysWithValues: promises.map { ($0.id, $0.status) }) == [
                "acme/E-16": .open, "O-2": .withdrawn,
            ])
        let pending = try await store.tasks("acme/D-1", [.pending])
        #expect(pending.map(\.id) == ["acme/E-16/broken-promise"], "the chasing stays replaced by the earlier promise")
        #expect(pending.first?.dueAt == Fixtures.instant("2026-12-11T05:00:00Z"))
        #expect(try await store.read { try $0.task("O-1/retry-call") }?.closedReason == .replacedByPromise)
    }

    /// The same for a plan the promise withdrew: it is active again, with its checks still ahead.
    @Test func aPromiseCorrectedAwayRestoresThePlanItWithdrew() async throws {
        let (store, call) = try await publishedCall()
        let check = CallCheck(taskId: call.taskId, attempt: call.attempt, specialistId: "anna")
        let reply = try await store.write { [core] in try core.check(check, at: Fixtures.now, in: $0) }
        #expect(reply.refusal == nil)
        let plan = LifeEvent(
            eventId: "E-PLAN", debtorId: "D-1", debtId: "C-1", kind: .plan, at: Fixtures.now,
            instalments: [.init(amount: "40.00", dueDate: "2027-01-15")])
        try await core.apply(
            [
                .event(plan, userID: nil),
                outcome("O-1", call, .promiseToPay, promise: .init(amount: "50.00", date: "2026-12-12")),
            ], to: store)
        #expect(try await store.read { try $0.task("acme/E-PLAN/1/missed-instalment") }?.closedReason == .planWithdrawn)

        try await core.apply([outcome("O-2", call, .conversation, corrects: "O-1")], to: store)
        #expect(try await store.read { try $0.plans(ofDebtor: "acme/D-1") }.map(\.status) == [.active])
        #expect(try await store.tasks("acme/D-1", [.pending]).map(\.id) == ["acme/E-PLAN/1/missed-instalment"])
    }

    /// D-1's first call unanswered (`O-1`, its retry planned), then a promise made in a second call about the debt
    /// (`O-2` on `T-2`), which replaces that retry.
    private func promiseBesideARetry() async throws -> (SQLiteStore, WorkTask, Outcome) {
        let (store, call) = try await publishedCall()
        try await core.apply([outcome("O-1", call, .noAnswer)], to: store)
        try await store.write { store in
            var other = TaskRecord(
                id: "T-2", debtorID: "acme/D-1", debtID: "C-1", channel: .call, purpose: .missedInstalment,
                dueAt: Fixtures.now, createdAt: Fixtures.now)
            try other.apply(.handOut(leaseUntil: Fixtures.now.adding(seconds: 60)))
            try other.apply(.published(toRepresentative: false, queuedFor: "anna"))
            try store.save(other)
            try store.save(
                LedgerEntry(
                    taskID: "T-2", debtorID: "acme/D-1", debtID: "C-1", channel: .call, at: Fixtures.now,
                    result: .pending))
        }
        let promise = Outcome(
            outcomeId: "O-2", taskId: "T-2", debtorId: "D-1", debtId: "C-1", channel: .call,
            at: Fixtures.now.adding(seconds: 120), result: .promiseToPay,
            promise: .init(amount: "50.00", date: "2026-12-12"))
        try await core.apply([.outcome(promise)], to: store)
        #expect(try await store.read { try $0.task("O-1/retry-call") }?.closedReason == .replacedByPromise)
        return (store, call, promise)
    }

    private func conversation(_ id: String, correcting promise: Outcome) -> SchedulerInput {
        var correction = promise
        correction.outcomeId = id
        correction.result = .conversation
        correction.promise = nil
        correction.corrects = promise.outcomeId
        return .outcome(correction)
    }

    /// With no arrangement before it, the chasing calls the promise cancelled are planned again.
    @Test func aPromiseCorrectedAwayRestoresTheChasingItReplaced() async throws {
        let (store, _, promise) = try await promiseBesideARetry()
        try await core.apply([conversation("O-3", correcting: promise)], to: store)
        let retry = try #require(try await store.read { try $0.task("O-1/retry-call") })
        #expect(retry.status == .pending && retry.dueAt == Fixtures.instant("2026-12-02T05:00:00Z"))
        #expect(try await store.tasks("acme/D-1", [.pending]).map(\.id) == ["O-1/retry-call"])
    }

    /// Found by the seeded random runs (duplicate-open-purpose, then no-next-step): the retry of an outcome corrected
    /// since the promise is not planned again (the correction would have ended it), nor beside a call still to be
    /// made; a follow-up call stands in for it when nothing else follows the debt.
    @Test func aPromiseCorrectedAwayRestoresNoRetryOfAnOutcomeCorrectedSince() async throws {
        let (store, call, promise) = try await promiseBesideARetry()
        // Voicemail, in fact: no retry beside the promise's check.
        try await core.apply([outcome("O-3", call, .voicemail, corrects: "O-1")], to: store)
        #expect(try await store.tasks("acme/D-1", [.pending]).map(\.id) == ["O-2/broken-promise"])
        try await core.apply([conversation("O-4", correcting: promise)], to: store)
        #expect(try await store.read { try $0.task("O-1/retry-call") }?.status == .cancelled)
        let pending = try await store.tasks("acme/D-1", [.pending])
        #expect(pending.map(\.id) == ["O-4/C-1/follow-up-call"])
        #expect(pending.first?.dueAt == Fixtures.instant("2026-12-02T05:00:00Z"), "when the retry was due")
    }

    @Test func aSecondOutcomeWithoutCorrectsOrCorrectingAnotherIsRefused() async throws {
        let (store, call) = try await publishedCall()
        try await core.apply([outcome("O-1", call, .noAnswer)], to: store)
        let results = try await core.apply(
            [
                outcome("O-2", call, .conversation),
                outcome("O-3", call, .conversation, corrects: "O-404"),
            ], to: store)
        #expect(
            results == [
                .rejected(
                    ContractError(
                        .conflict, field: "taskId",
                        "an outcome is already recorded for this task (O-1); a correction names it in corrects")),
                .rejected(ContractError(.unknownReference, field: "corrects", "the task's latest outcome is O-1")),
            ])
        #expect(try await store.read { try $0.ledgerEntry(taskID: call.taskId) }?.result == .noAnswer)
        // Correcting the latest, then the correction itself: each names the latest.
        try await core.apply([outcome("O-4", call, .conversation, corrects: "O-1")], to: store)
        #expect(
            try await core.apply([outcome("O-5", call, .voicemail, corrects: "O-1")], to: store) == [
                .rejected(ContractError(.unknownReference, field: "corrects", "the task's latest outcome is O-4"))
            ])
        #expect(try await core.apply([outcome("O-6", call, .voicemail, corrects: "O-4")], to: store) == [.applied])
        #expect(try await store.tasks("acme/D-1", [.pending]).map(\.id) == ["O-6/retry-call"])
    }

    @Test func aCorrectionWithoutAnythingToCorrectIsRefused() async throws {
        let (store, call) = try await publishedCall()
        #expect(
            try await core.apply([outcome("O-1", call, .conversation, corrects: "O-0")], to: store) == [
                .rejected(ContractError(.unknownReference, field: "corrects", "no outcome is recorded for this task"))
            ])
    }
}
