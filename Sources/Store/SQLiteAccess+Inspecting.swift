import Domain
import GRDB
import Policy

// StoreInspecting's queries, for snapshots of either kind of SQLite store. The ledger by ledger_debtor; the audit
// trail by its own order (an export reads the table once, in append order, a page at a time, one case's too). Holds lifted or not have no index by debtor (hold_active covers only
// active ones): a tool explaining one debtor scans the hold table, which stays small next to tasks and ledger.

private enum Queries {
    static let allHolds = "SELECT * FROM hold WHERE debtor_id = ? ORDER BY since, id"
    static let fullLedger = "SELECT * FROM ledger WHERE debtor_id = ? ORDER BY at, task_id"
    static let handovers = "SELECT * FROM handover WHERE debtor_id = ? ORDER BY at, change_id"
    static let allSpecialists = "SELECT * FROM specialist ORDER BY id"
    static let caseCounts =
        "SELECT specialist_id, count(*) FROM debtor WHERE specialist_id IS NOT NULL GROUP BY specialist_id"
    static let lastAudit = "SELECT COALESCE(MAX(sequence), 0) FROM audit"
    static let audit = """
        SELECT * FROM audit
        WHERE sequence > ? AND sequence <= ? AND at >= ? AND at < ? ORDER BY sequence LIMIT ?
        """
    /// Entries written before keys (schema v3) name the debtor by its own id, unique then.
    static let auditOfDebtor = """
        SELECT * FROM audit
        WHERE (debtor_id = ? OR (debtor_id = ? AND sequence < (SELECT value FROM store_note WHERE name = 'keyed-audit-from')))
            AND sequence > ? AND sequence <= ? AND at >= ? AND at < ? ORDER BY sequence LIMIT ?
        """
}

extension SQLiteAccess {
    func allHolds(ofDebtor debtorID: String) throws -> [HoldRecord] {
        try fetchAll(HoldRecord.self, Queries.allHolds, [debtorID])
    }

    func fullLedger(ofDebtor debtorID: String) throws -> [LedgerEntry] {
        try fetchAll(LedgerEntry.self, Queries.fullLedger, [debtorID])
    }

    func handovers(ofDebtor debtorID: String) throws -> [HandoverRecord] {
        try fetchAll(HandoverRecord.self, Queries.handovers, [debtorID])
    }

    func allSpecialists() throws -> [SpecialistRecord] {
        try fetchAll(SpecialistRecord.self, Queries.allSpecialists)
    }

    func caseCounts() throws -> [String: Int] {
        let rows = try fetchAll(Queries.caseCounts) { row in
            (try row.decode(String.self, atIndex: 0), try row.decode(Int.self, atIndex: 1))
        }
        return Dictionary(rows) { first, _ in first }
    }

    func lastAuditSequence() throws -> Int64 {
        try fetchOne(Queries.lastAudit) { try $0.decode(Int64.self, atIndex: 0) } ?? 0
    }

    func auditRecords(
        afterSequence: Int64, throughSequence: Int64, from: Instant, to: Instant, debtorID: String?, limit: Int
    ) throws -> [AuditRecord] {
        var arguments: StatementArguments = [afterSequence, throughSequence, from, to, max(limit, 0)]
        var sql = Queries.audit
        if let debtorID {
            arguments = [debtorID, DebtorKey.debtorPart(of: debtorID)] + arguments
            sql = Queries.auditOfDebtor
        }
        return try fetchAll(sql, arguments) { row in
            AuditRecord(
                sequence: try row.decode(Int64.self, forColumn: "sequence"),
                at: try row.decode(Instant.self, forColumn: "at"), debtorID: try row.decode(forColumn: "debtor_id"),
                subject: try row.decode(forColumn: "subject"), action: try row.decode(forColumn: "action"),
                actor: AuditActor(try row.decode(String.self, forColumn: "actor")),
                detail: try row.decode(forColumn: "detail"), hash: try row.decode(forColumn: "hash"))
        }
    }
}

extension SQLiteSnapshot: StoreInspecting {}

extension SQLiteStore: InspectableStore {
    public func inspect<T: Sendable>(_ body: @escaping @Sendable (any StoreInspecting) throws -> T) async throws -> T {
        try await writer.inspect(path: path, body)
    }
}

extension DatabaseReader {
    /// Runs `body` on a snapshot of this connection pool; errors as ``StoreError``s.
    func inspect<T: Sendable>(
        path: String, _ body: @escaping @Sendable (any StoreInspecting) throws -> T
    ) async throws -> T {
        do {
            return try await read { db in try body(SQLiteSnapshot(db: db, path: path)) }
        } catch {
            throw StoreError.translating(error, path: path)
        }
    }
}
