import Domain
import Policy
import Testing

@testable import Store

/// The audit trail the store writes for every change, and its hash chain.
@Suite struct AuditTrailTests {
    private func records(_ store: SQLiteStore) async throws -> [AuditRecord] {
        try await store.inspect {
            try $0.auditRecords(
                afterSequence: 0, throughSequence: .max, from: Instant(secondsSinceEpoch: 0),
                to: Instant(secondsSinceEpoch: .max), debtorID: nil, limit: 1_000)
        }
    }

    @Test func everySavedRecordIsAnAttributedChainedEntry() async throws {
        let store = try SQLiteStore.inMemory()
        try await store.write { tx in
            tx.attribute(to: .creditor("acme", brokerUser: "acme"), at: t0)
            try tx.save(Sample.debtor("D-1"))
            try tx.save(Sample.debt("C-1", of: "D-1"))
            tx.attribute(to: .scheduler, at: at(60))
            var task = Sample.task("T-1", debtor: "D-1", due: t0)
            try tx.save(task)
            try task.apply(.handOut(leaseUntil: at(120)))
            try tx.save(task)
        }
        let trail = try await records(store)
        #expect(trail.map(\.action) == ["debtor.saved", "debt.open", "task.pending", "task.in-flight"])
        #expect(trail.map(\.sequence) == [1, 2, 3, 4])
        #expect(
            trail.map(\.actor.description) == [
                "creditor:acme (broker user acme)", "creditor:acme (broker user acme)", "scheduler", "scheduler",
            ])
        #expect(trail[3].at == at(60) && trail[3].debtorID == "D-1" && trail[3].subject == "T-1")
        #expect(trail[3].detail.contains(#""attempt":"1""#) && trail[3].detail.contains(#""status":"in-flight""#))
        var verifier = AuditChain.Verifier()
        #expect(verifier.next(trail) == nil && verifier.count == 4 && verifier.head.hash == trail[3].hash)
    }

    /// A refused input's writes are rolled back to its savepoint; the chain's head goes back with them, so the next
    /// entry follows the last one kept.
    @Test func entriesUndoneWithARefusedInputLeaveNoGapInTheChain() async throws {
        let store = try SQLiteStore.inMemory()
        struct Refused: Error {}
        try await store.write { tx in
            try tx.save(Sample.debtor("D-1"))
            _ = try? tx.undoingOnError {
                try tx.save(Sample.debtor("D-2"))
                throw Refused()
            }
            try tx.save(Sample.debtor("D-3"))
        }
        let trail = try await records(store)
        #expect(trail.map(\.subject) == ["D-1", "D-3"] && trail.map(\.sequence) == [1, 2])
        var verifier = AuditChain.Verifier()
        #expect(verifier.next(trail) == nil)
    }

    @Test func theVerifierNamesTheFirstEntryChangedRemovedOrReordered() async throws {
        let store = try SQLiteStore.inMemory()
        try await store.write { tx in
            for id in ["D-1", "D-2", "D-3", "D-4"] { try tx.save(Sample.debtor(id)) }
        }
        let trail = try await records(store)
        var changed = trail
        changed[1].detail = "{}"
        var verifier = AuditChain.Verifier()
        #expect(verifier.next(changed) == .changed(sequence: 2) && verifier.count == 1)
        var rehashed = trail
        rehashed[1].actor = AuditActor("someone else")
        rehashed[1].hash = AuditChain.hash(
            previous: trail[0].hash, sequence: 2, at: rehashed[1].at, debtorID: rehashed[1].debtorID,
            subject: rehashed[1].subject, action: rehashed[1].action, actor: rehashed[1].actor,
            detail: rehashed[1].detail)
        verifier = AuditChain.Verifier()
        #expect(verifier.next(rehashed) == .changed(sequence: 3), "its successor no longer chains to it")
        verifier = AuditChain.Verifier()
        #expect(verifier.next([trail[0], trail[3]]) == .removed(after: 1, found: 4))
        #expect(AuditChain.Break.removed(after: 1, found: 4).description == "records 2–3 were removed")
        verifier = AuditChain.Verifier()
        #expect(verifier.next([trail[0], trail[2], trail[1]]) == .removed(after: 1, found: 3))
        verifier = AuditChain.Verifier()
        #expect(verifier.next([trail[1]]) == .removed(after: 0, found: 2))
        #expect(AuditChain.Break.removed(after: 0, found: 2).description == "record 1 was removed")
    }

    @Test func theDetailIsCanonicalJSONWithoutNils() {
        var detail = AuditDetail()
        detail.add("b", "quote \" and\nline")
        detail.add("a", 3)
        detail.add("c", nil as String?)
        #expect(detail.json == #"{"a":"3","b":"quote \" and\nline"}"#)
    }
}
