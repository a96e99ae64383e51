import GRDB
import Policy

/// What a ``SQLiteStore/write(_:)`` closure sees: the writer connection inside one immediate transaction, reads
/// included (they see the transaction's own changes).
struct SQLiteTransaction: StoreTransaction, SQLiteAccess {
    let db: Database
    let path: String

    func save(_ debtor: DebtorRecord) throws {
        try execute(Statements.saveDebtor, try debtor.values(path: path))
    }

    func save(_ debt: DebtRecord) throws {
        try execute(Statements.saveDebt, debt.values)
    }

    func save(_ hold: HoldRecord) throws {
        try execute(Statements.saveHold, hold.values)
    }

    func save(_ entry: LedgerEntry) throws {
        try execute(Statements.saveLedgerEntry, entry.values)
    }

    func removeLedgerEntry(taskID: String) throws {
        try execute(Statements.removeLedgerEntry, [taskID])
    }

    func append(_ decision: DecisionRecord) throws {
        try execute(Statements.appendDecision, try decision.values(path: path))
    }

    func enqueue(_ message: OutboxMessage) throws {
        try execute(Statements.enqueue, try message.values(path: path))
    }

    func removeFromOutbox(_ sequences: [Int64]) throws {
        for sequence in sequences { try execute(Statements.removeFromOutbox, [sequence]) }
    }

    func markProcessed(_ messageID: String, at: Instant) throws {
        try execute(Statements.markProcessed, [messageID, at.secondsSinceEpoch])
    }

    func undoingOnError<T>(_ body: () throws -> T) throws -> T {
        var result: T?
        // A savepoint: rolled back (and its error rethrown) when the body throws.
        try db.inSavepoint {
            result = try body()
            return .commit
        }
        return result!
    }
}

private enum Statements {
    static let saveDebtor = SQL.upsert(into: "debtor", DebtorRecord.columns, key: ["id"])
    static let saveDebt = SQL.upsert(into: "debt", DebtRecord.columns, key: ["debtor_id", "id"])
    static let saveHold = SQL.upsert(into: "hold", HoldRecord.columns, key: ["id"])
    static let saveLedgerEntry = SQL.upsert(into: "ledger", LedgerEntry.columns, key: ["task_id"])
    static let removeLedgerEntry = "DELETE FROM ledger WHERE task_id = ?"
    static let appendDecision = SQL.insert(into: "decision", DecisionRecord.columns)
    static let enqueue = SQL.insert(into: "outbox", OutboxMessage.columns)
    static let removeFromOutbox = "DELETE FROM outbox WHERE sequence = ?"
    /// The first application is the one remembered.
    static let markProcessed = SQL.insert(into: "processed_message", ["id", "at"]) + " ON CONFLICT (id) DO NOTHING"
}
