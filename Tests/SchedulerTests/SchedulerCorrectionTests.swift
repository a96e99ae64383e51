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
        let planned = Set(try await store.tasks("D-1", [.pending]).map(\.id))
        #expect(planned == ["O-1/broken-promise"], "its check (no reminder: no e-mail or SMS on file)")
        // The call was in fact unanswered: the promise goes, and the unanswered call is tried again.
        let results = try await core.apply([outcome("O-2", call, .noAnswer, corrects: "O-1")], to: store)
        #expect(results == [.applied])
        #expect(try await store.read { try $0.promises(ofDebtor: "D-1") }.map(\.status) == [.withdrawn])
        let tasks = try await store.tasks("D-1", [])
        let followUps = tasks.filter { $0.id.hasPrefix("O-1/") }
        #expect(!followUps.isEmpty && followUps.allSatisfy { $0.closedReason == .outcomeCorrected })
        #expect(tasks.filter { $0.status == .pending }.map(\.id) == ["O-2/retry-call"])
        #expect(try await store.read { try $0.ledgerEntry(taskID: call.taskId) }?.result == .noAnswer)
        let kept = try await store.read { try $0.outcomes(ofTask: call.taskId) }
        #expect(kept.map(\.id) == ["O-1", "O-2"] && kept.map(\.corrects) == [nil, "O-1"], "both stay on record")
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
        #expect(try await store.tasks("D-1", [.pending]).map(\.id) == ["O-6/retry-call"])
    }

    @Test func aCorrectionWithoutAnythingToCorrectIsRefused() async throws {
        let (store, call) = try await publishedCall()
        #expect(
            try await core.apply([outcome("O-1", call, .conversation, corrects: "O-0")], to: store) == [
                .rejected(ContractError(.unknownReference, field: "corrects", "no outcome is recorded for this task"))
            ])
    }
}
