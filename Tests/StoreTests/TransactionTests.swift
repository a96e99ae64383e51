import Dispatch
import Domain
import Foundation
import Policy
import Testing

@testable import Store

/// All or nothing, durable, and reads that neither wait for a write nor see it before it commits.
@Suite struct TransactionTests {
    struct Refused: Error, Equatable {}

    /// Writes one of every kind of row.
    static func writeEverything(_ tx: any StoreTransaction) throws {
        try tx.save(Sample.debtor("D-1"))
        try tx.save(Sample.debt("C-1", of: "D-1"))
        try tx.save(HoldRecord(id: "E-1", debtorID: "D-1", kind: .dispute, since: t0))
        try tx.save(Sample.task("T-1", debtor: "D-1", due: t0))
        try tx.save(
            LedgerEntry(taskID: "T-0", debtorID: "D-1", debtID: "C-1", channel: .sms, at: t0, result: .delivered))
        try tx.append(
            DecisionRecord(
                taskID: "T-0", debtorID: "D-1", decidedAt: t0, decision: .allow, earliest: t0, reasons: [], worker: "w")
        )
        try tx.enqueue(Sample.message("T-1"))
        try tx.markProcessed("P-1", at: t0)
    }

    /// Whether any trace of `writeEverything` is in the store.
    static func traces(in store: SQLiteStore) async throws -> [String] {
        try await store.read { reader in
            var found: [String] = []
            if try reader.debtor("D-1") != nil { found.append("debtor") }
            if try !reader.debts(ofDebtor: "D-1").isEmpty { found.append("debt") }
            if try !reader.activeHolds(ofDebtor: "D-1").isEmpty { found.append("hold") }
            if try reader.task("T-1") != nil { found.append("task") }
            if try reader.ledgerEntry(taskID: "T-0") != nil { found.append("ledger") }
            if try !reader.decisions(ofDebtor: "D-1").isEmpty { found.append("decision") }
            if try !reader.outbox(limit: 10).isEmpty { found.append("outbox") }
            if try reader.isProcessed("P-1") { found.append("processed") }
            return found
        }
    }

    @Test(arguments: StoreKind.allCases) func aThrowingWriteLeavesNoTrace(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            await #expect(throws: Refused.self) {
                try await store.write { tx in
                    try Self.writeEverything(tx)
                    throw Refused()
                }
            }
            #expect(try await Self.traces(in: store) == [])

            let count = try await store.write { tx in
                try Self.writeEverything(tx)
                return 8
            }
            #expect(count == 8)
            #expect(try await Self.traces(in: store).count == 8)
        }
    }

    @Test(arguments: StoreKind.allCases) func aFailedStatementUndoesTheWholeTransaction(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            let error = await storeError {
                try await store.write { tx in
                    try tx.save(Sample.debtor("D-1"))
                    try tx.enqueue(Sample.message("T-1"))
                    try tx.save(Sample.task("T-1", debtor: "D-1", debt: "C-unknown", due: t0))
                }
            }
            let traces = try await Self.traces(in: store)
            #expect(error?.code == .constraint)
            #expect(traces == [])
        }
    }

    @Test func everythingSurvivesClosingAndReopening() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.path("tact.sqlite")
            let first = try SQLiteStore(path: path)
            try await first.write { tx in try Self.writeEverything(tx) }
            let sequence = try #require(try await first.read { try $0.outbox(limit: 1) }.first).sequence
            try await first.write { tx in try tx.removeFromOutbox([sequence]) }
            try first.close()

            let second = try SQLiteStore(path: path)
            #expect(
                try await Self.traces(in: second) == [
                    "debtor", "debt", "hold", "task", "ledger", "decision", "processed",
                ])
            #expect(try await second.read { try $0.debtor("D-1") } == Sample.debtor("D-1"))
            #expect(try await second.due(at: t0) == ["T-1"])
            try await second.write { tx in try tx.enqueue(Sample.message("T-2")) }
            #expect(try await second.read { try $0.outbox(limit: 1) }.first?.sequence ?? 0 > sequence)
            try second.close()
        }
    }

    @Test func readsGoOnWhileAWriteIsInProgressAndDoNotSeeIt() async throws {
        try await withTemporaryFolder { folder in
            let store = try SQLiteStore(path: folder.path("tact.sqlite"))
            try await Sample.place(["D-1"], in: store)
            let entered = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            let writing = Task {
                try await store.write { tx in
                    try tx.save(Sample.debtor("D-2"))
                    entered.signal()
                    // Bounded, so that a store whose reads wait for writes fails this test instead of hanging it.
                    _ = release.wait(timeout: .now() + 10)
                }
            }
            await waitOffThePool(for: entered)
            let seen = try await withThrowingTaskGroup(of: [Bool].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await store.read { [try $0.debtor("D-1") != nil, try $0.debtor("D-2") != nil] }
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            release.signal()
            try await writing.value
            #expect(seen == Array(repeating: [true, false], count: 4))
            #expect(try await store.read { try $0.debtor("D-2") } != nil)
            try store.close()
        }
    }

    @Test(arguments: StoreKind.allCases) func aClosedStoreRefusesWork(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try store.close()
            try store.close()
            #expect(await storeError { try await store.write { _ in } }?.code == .closed)
            #expect(await storeError { _ = try await store.read { try $0.debtor("D-1") } }?.code == .closed)
        }
    }

    /// Waits on a thread of its own: blocking one of the cooperative pool's few threads could starve the store.
    private func waitOffThePool(for semaphore: DispatchSemaphore) async {
        await withCheckedContinuation { continuation in
            Thread {
                semaphore.wait()
                continuation.resume()
            }.start()
        }
    }
}
