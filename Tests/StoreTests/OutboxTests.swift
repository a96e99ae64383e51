import Domain
import Policy
import Testing

@testable import Store

/// The outbox, processed message ids, the decision audit trail and the statistics.
@Suite struct OutboxTests {
    @Test(arguments: StoreKind.allCases) func outboxKeepsSequenceOrderAndForgetsWhatWasConfirmed(kind: StoreKind)
        async throws
    {
        try await withStore(kind) { store in
            let full = OutboxMessage(
                sequence: 999, exchange: "tact.x", routingKey: "tact.calls.anna", messageID: "T-1", type: "call",
                body: [0, 1, 2, 255], expiresAt: Instant(secondsSinceEpoch: 1_796_000_000),
                headers: ["x-tact-error": "bad", "x-b": "2"],
                priority: 9)
            try await store.write { tx in
                try tx.enqueue(full)
                try tx.enqueue(Sample.message("T-2"))
            }
            try await store.write { tx in try tx.enqueue(Sample.message("T-3")) }

            let queued = try await store.read { try $0.outbox(limit: 10) }
            #expect(queued.map(\.messageID) == ["T-1", "T-2", "T-3"])
            #expect(queued.map(\.sequence) == queued.map(\.sequence).sorted())
            #expect(Set(queued.map(\.sequence)).count == 3)
            var expected = full
            expected.sequence = queued[0].sequence  // the store assigns it
            #expect(queued[0] == expected)
            #expect(queued[1].priority == nil && queued[1].expiresAt == nil && queued[1].headers == [:])
            #expect(try await store.read { try $0.outbox(limit: 2) }.map(\.messageID) == ["T-1", "T-2"])

            try await store.write { tx in try tx.removeFromOutbox([queued[0].sequence, queued[2].sequence, 123_456]) }
            #expect(try await store.read { try $0.outbox(limit: 10) }.map(\.messageID) == ["T-2"])

            // A sequence is never handed out twice, even once the outbox was empty.
            try await store.write { tx in try tx.removeFromOutbox([queued[1].sequence]) }
            try await store.write { tx in try tx.enqueue(Sample.message("T-4")) }
            let next = try await store.read { try $0.outbox(limit: 10) }
            #expect(next.map(\.messageID) == ["T-4"])
            #expect(next[0].sequence > queued[2].sequence)
        }
    }

    @Test(arguments: StoreKind.allCases) func processedIdsAreRemembered(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            #expect(try await store.read { try $0.isProcessed("P-1") } == false)
            try await store.write { tx in
                try tx.markProcessed("P-1", at: at(10))
                try tx.markProcessed("P-1", at: at(20))  // a redelivery marked again changes nothing
            }
            #expect(try await store.read { try $0.isProcessed("P-1") })
            #expect(try await store.read { try $0.isProcessed("P-2") } == false)
        }
    }

    @Test(arguments: StoreKind.allCases) func decisionsAreAppendedAndReadOldestFirst(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            func decision(_ task: String, _ debtor: String, _ seconds: Int64, worker: String) -> DecisionRecord {
                DecisionRecord(
                    taskID: task, debtorID: debtor, decidedAt: at(seconds), decision: .defer,
                    earliest: at(seconds + 3_600),
                    reasons: [
                        PolicyDecision.Reason(
                            rule: .contactHours, until: at(seconds + 3_600), detail: "outside 08:00-21:00"),
                        PolicyDecision.Reason(
                            rule: RuleID(rawValue: "hold:dispute"), until: nil, detail: "open dispute"),
                    ],
                    worker: worker)
            }
            let second = decision("T-1", "D-1", 200, worker: "w-1")
            let first = decision("T-1", "D-1", 100, worker: "w-2")  // a slower worker reports an earlier decision later
            let tieA = decision("T-2", "D-1", 300, worker: "w-1")
            let tieB = DecisionRecord(
                taskID: "T-3", debtorID: "D-1", decidedAt: at(300), decision: .allow, earliest: nil, reasons: [],
                worker: "w-2")
            let other = decision("T-9", "D-2", 50, worker: "w-1")
            try await store.write { tx in
                for record in [second, first, tieA, other] { try tx.append(record) }
            }
            try await store.write { tx in try tx.append(tieB) }
            #expect(try await store.read { try $0.decisions(ofDebtor: "D-1") } == [first, second, tieA, tieB])
            #expect(try await store.read { try $0.decisions(ofDebtor: "D-2") } == [other])

            // Append-only: the trail refuses changes even outside the store's API.
            let rewrite = await storeError { try await store.executeUnchecked("UPDATE decision SET worker = 'x'") }
            #expect(rewrite?.code == .constraint)
            let erase = await storeError { try await store.executeUnchecked("DELETE FROM decision") }
            #expect(erase?.code == .constraint)
            #expect(try await store.read { try $0.decisions(ofDebtor: "D-1") }.count == 4)
        }
    }

    @Test(arguments: StoreKind.allCases) func statisticsCountTasksDueWorkOutboxAndDebtors(kind: StoreKind) async throws
    {
        try await withStore(kind) { store in
            let empty = try await store.read { try $0.statistics(at: t0) }
            #expect(
                empty
                    == StoreStatistics(
                        tasksByStatus: [.pending: 0, .inFlight: 0, .done: 0, .taken: 0, .cancelled: 0],
                        dueNotPublished: 0,
                        outboxDepth: 0,
                        debtors: 0))

            try await Sample.place(["D-1", "D-2", "D-3"], in: store)
            try await store.write { tx in
                try tx.save(Sample.task("T-1", debtor: "D-1", due: at(10)))
                try tx.save(Sample.task("T-2", debtor: "D-1", due: at(20)))  // due, behind T-1: still not published
                try tx.save(Sample.task("T-3", debtor: "D-2", due: at(500)))
                try tx.save(Sample.task("T-4", debtor: "D-3", due: at(0), status: .inFlight, lease: at(60)))
                try tx.save(Sample.task("T-5", debtor: "D-3", due: at(0), status: .done))
                try tx.save(Sample.task("T-6", debtor: "D-2", due: at(0), status: .done))
                try tx.enqueue(Sample.message("T-4"))
            }
            let stats = try await store.read { try $0.statistics(at: at(100)) }
            #expect(
                stats
                    == StoreStatistics(
                        tasksByStatus: [.pending: 3, .inFlight: 1, .done: 2, .taken: 0, .cancelled: 0],
                        dueNotPublished: 2,
                        outboxDepth: 1,
                        debtors: 3))
        }
    }
}
