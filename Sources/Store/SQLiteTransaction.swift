import Domain
import Foundation
import GRDB
import Policy

/// What a ``SQLiteStore/write(_:)`` closure sees: the writer connection inside one immediate transaction, reads
/// included (they see the transaction's own changes).
///
/// "Inserts or replaces" is GRDB's `save`: an UPDATE in place, else an INSERT. In place, unlike INSERT OR REPLACE,
/// which deletes first (and so would check foreign keys against a row that is about to come back).
struct SQLiteTransaction: StoreTransaction, SQLiteAccess {
    let db: Database
    let path: String

    func save(_ debtor: DebtorRecord) throws { try upsert(debtor) }
    func save(_ debt: DebtRecord) throws { try upsert(debt) }
    func save(_ hold: HoldRecord) throws { try upsert(hold) }
    func save(_ entry: LedgerEntry) throws { try upsert(entry) }
    func save(_ promise: PromiseRecord) throws { try upsert(promise) }
    func save(_ plan: PlanRecord) throws { try upsert(plan) }

    func save(_ response: SurveyResponseRecord) throws {
        try upsert(response)
    }

    func save(_ specialist: SpecialistRecord) throws {
        try upsert(specialist)
    }

    func save(_ handover: HandoverRecord) throws {
        try upsert(handover)
    }

    func removeLedgerEntry(taskID: String) throws {
        try persisting(LedgerEntry.self) { _ = try LedgerEntry.deleteOne(db, key: taskID) }
    }

    func append(_ decision: DecisionRecord) throws { try persisting(DecisionRecord.self) { try decision.insert(db) } }

    /// Inserts `record`, or updates every other column of the row with its primary key: one statement, as the
    /// store always wrote records. GRDB's `save` is an UPDATE then an INSERT (two statements for every new row:
    /// scripts/bench pipeline fell from 0.55 to 0.43 of the C loop), and its `upsert` returns the rowid, which
    /// tables without rowids (most of ours) do not have.
    func upsert<R: PersistableRecord>(_ record: R) throws {
        try persisting(R.self) {
            let values = try record.databaseDictionary
            let key = try db.primaryKey(R.databaseTableName).columns
            let columns = values.keys.sorted()
            let sql = """
                INSERT INTO \(R.databaseTableName) (\(columns.joined(separator: ", ")))
                VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))
                ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET
                \(columns.filter { !key.contains($0) }.map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
                """
            try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(columns.map { values[$0] ?? .null }))
        }
    }

    /// By hand: one outbox row per contact is the dispatch loop's other write, and GRDB's `insert` encodes a
    /// persistence container per row (scripts/bench store, 10,000 tasks taken: 0.197 s through `insert`, 0.155 s
    /// by hand; see `TaskRecord.init(row:)`).
    func enqueue(_ message: OutboxMessage) throws {
        let headers = try persisting(OutboxMessage.self) {
            String(decoding: try StoredJSON.encoder.encode(message.headers), as: UTF8.self)
        }
        try execute(
            Self.enqueueStatement,
            [
                message.exchange, message.routingKey, message.messageID, message.type, Data(message.body),
                message.expiresAt, headers, message.priority.map { Int($0) },
            ])
    }

    private static let enqueueStatement = """
        INSERT INTO outbox (exchange, routing_key, message_id, type, body, expires_at, headers, priority)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        """

    func removeFromOutbox(_ sequences: [Int64]) throws {
        try persisting(OutboxMessage.self) { _ = try OutboxMessage.deleteAll(db, keys: sequences) }
    }

    func markProcessed(_ messageID: String, at: Instant) throws {
        // The first application is the one remembered; only the same id is a conflict to ignore (INSERT OR
        // IGNORE would hide any other constraint failing too).
        try execute(
            "INSERT INTO processed_message (id, at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING", [messageID, at])
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
