import Domain
import Foundation
import GRDB
import Policy
import Synchronization

/// What a ``SQLiteStore/write(_:)`` closure sees: the writer connection inside one immediate transaction, reads
/// included (they see the transaction's own changes).
///
/// "Inserts or replaces" is GRDB's `save`: an UPDATE in place, else an INSERT. In place, unlike INSERT OR REPLACE,
/// which deletes first (and so would check foreign keys against a row that is about to come back).
///
/// Every change it writes is also an entry of the audit trail (SQLiteTransaction+Audit.swift).
struct SQLiteTransaction: StoreTransaction, SQLiteAccess {
    let db: Database
    let path: String
    let audit = AuditLog()

    func save(_ debtor: DebtorRecord) throws {
        try upsert(debtor)
        try audit(debtor)
    }

    func save(_ debt: DebtRecord) throws {
        try upsert(debt)
        try audit(debt)
    }

    func save(_ hold: HoldRecord) throws {
        try upsert(hold)
        try audit(hold)
    }

    func save(_ entry: LedgerEntry) throws {
        try upsert(entry)
        // A contact enters the ledger pending when it is published, which its task's entry (`task.done`) says.
        if entry.result != .pending { try audit(entry) }
    }

    func save(_ promise: PromiseRecord) throws {
        try upsert(promise)
        try audit(promise)
    }

    func save(_ plan: PlanRecord) throws {
        try upsert(plan)
        try audit(plan)
    }

    func save(_ outcome: OutcomeRecord) throws {
        try upsert(outcome)
        var detail = AuditDetail()
        detail.add("taskId", outcome.taskID)
        detail.add("result", outcome.result)
        detail.add("at", outcome.at)
        detail.add("corrects", outcome.corrects)
        try audit(
            outcome.corrects == nil ? "outcome.recorded" : "outcome.corrected", subject: outcome.id,
            debtorID: outcome.debtorID, detail)
    }

    func removeSurveyResponse(id: String) throws {
        guard
            let response = try persisting(SurveyResponseRecord.self, { try SurveyResponseRecord.fetchOne(db, key: id) })
        else { return }
        try persisting(SurveyResponseRecord.self) { _ = try SurveyResponseRecord.deleteOne(db, key: id) }
        var detail = AuditDetail()
        detail.add("taskId", response.taskID)
        try audit("survey.withdrawn", subject: id, debtorID: response.debtorID, detail)
    }

    func save(_ payment: PaymentRecord) throws {
        try upsert(payment)
        try audit(payment)
    }

    func save(_ response: SurveyResponseRecord) throws {
        try upsert(response)
        try audit(response)
    }

    func save(_ specialist: SpecialistRecord) throws {
        try upsert(specialist)
        try audit(specialist)
    }

    func save(_ handover: HandoverRecord) throws {
        try upsert(handover)
        var detail = AuditDetail()
        detail.add("cause", handover.cause.rawValue)
        detail.add("from", handover.fromID)
        detail.add("to", handover.toID)
        try audit("case.handed-over", subject: handover.changeID, debtorID: handover.debtorID, detail)
    }

    func removeLedgerEntry(taskID: String) throws {
        guard let entry = try ledgerEntry(taskID: taskID) else { return }
        try persisting(LedgerEntry.self) { _ = try LedgerEntry.deleteOne(db, key: taskID) }
        var detail = AuditDetail()
        detail.add("debtId", entry.debtID)
        detail.add("channel", entry.channel.rawValue)
        try audit("contact.removed", subject: taskID, debtorID: entry.debtorID, detail)
    }

    func append(_ decision: DecisionRecord) throws {
        try persisting(DecisionRecord.self) { try decision.insert(db) }
        try audit(decision)
    }

    /// Inserts `record`, or updates every other column of the row with its primary key: one statement, as the
    /// store always wrote records. GRDB's `save` is an UPDATE then an INSERT (two statements for every new row:
    /// scripts/bench pipeline fell from 0.55 to 0.43 of the C loop), and its `upsert` returns the rowid, which
    /// tables without rowids (most of ours) do not have.
    func upsert<R: PersistableRecord>(_ record: R) throws {
        try persisting(R.self) {
            let values = try record.databaseDictionary
            let columns = values.keys.sorted()
            let sql = try Self.upserts.withLock { statements in
                if let known = statements[R.databaseTableName], known.columns == columns { return known.sql }
                let key = try db.primaryKey(R.databaseTableName).columns
                let sql = """
                    INSERT INTO \(R.databaseTableName) (\(columns.joined(separator: ", ")))
                    VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))
                    ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET
                    \(columns.filter { !key.contains($0) }.map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
                    """
                statements[R.databaseTableName] = (columns, sql)
                return sql
            }
            try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(columns.map { values[$0] ?? .null }))
        }
    }

    /// Each table's upsert statement, by the columns it was built for: building it anew for every row was a
    /// visible part of the scheduler's profile. Tables are the same in every store this process opens.
    private static let upserts = Mutex<[String: (columns: [String], sql: String)]>([:])

    /// By hand: one outbox row per contact is the dispatch loop's other write, and GRDB's `insert` encodes a
    /// persistence container per row (scripts/bench store, 10,000 tasks taken: 0.197 s through `insert`, 0.155 s
    /// by hand; see `TaskRecord.init(row:)`).
    func enqueue(_ message: OutboxMessage) throws {
        // Only dead letters carry headers: the encoder's set-up cost is not worth paying for `{}`.
        let headers =
            message.headers.isEmpty
            ? "{}"
            : try persisting(OutboxMessage.self) {
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
        // The chain's head and the entries not yet inserted go back with what the savepoint rolls back.
        let (head, kept) = (audit.head, audit.unwritten.count)
        do {
            // A savepoint: rolled back (and its error rethrown) when the body throws.
            try db.inSavepoint {
                result = try body()
                return .commit
            }
        } catch {
            audit.head = head
            audit.unwritten.removeLast(audit.unwritten.count - kept)
            throw error
        }
        return result!
    }
}
