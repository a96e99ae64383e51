import GRDB
import Policy

// StoreReading for debtors, debts, holds, the ledger, the outbox, processed ids and decisions; tasks are in
// SQLiteAccess+Tasks.swift.

private enum Queries {
    static let debtor = SQL.select(DebtorRecord.columns, from: "debtor", "WHERE id = ?")
    static let debts = SQL.select(DebtRecord.columns, from: "debt", "WHERE debtor_id = ? ORDER BY id")
    static let debt = SQL.select(DebtRecord.columns, from: "debt", "WHERE debtor_id = ? AND id = ?")
    static let activeHolds = SQL.select(
        HoldRecord.columns, from: "hold", "WHERE debtor_id = ? AND lifted_at IS NULL ORDER BY since, id")
    static let ledger = SQL.select(
        LedgerEntry.columns, from: "ledger", "WHERE debtor_id = ? AND at >= ? ORDER BY at, task_id")
    static let ledgerEntry = SQL.select(LedgerEntry.columns, from: "ledger", "WHERE task_id = ?")
    static let outbox = SQL.select(["sequence"] + OutboxMessage.columns, from: "outbox", "ORDER BY sequence LIMIT ?")
    static let isProcessed = "SELECT 1 FROM processed_message WHERE id = ?"
    static let decisions = SQL.select(
        DecisionRecord.columns, from: "decision", "WHERE debtor_id = ? ORDER BY decided_at, sequence")
}

extension SQLiteAccess {
    func debtor(_ id: String) throws -> DebtorRecord? {
        try fetchOne(Queries.debtor, [id]) { try DebtorRecord(row: $0, path: path) }
    }

    func debts(ofDebtor debtorID: String) throws -> [DebtRecord] {
        try fetchAll(Queries.debts, [debtorID]) { try DebtRecord(row: $0, path: path) }
    }

    func debt(_ id: String, ofDebtor debtorID: String) throws -> DebtRecord? {
        try fetchOne(Queries.debt, [debtorID, id]) { try DebtRecord(row: $0, path: path) }
    }

    func activeHolds(ofDebtor debtorID: String) throws -> [HoldRecord] {
        try fetchAll(Queries.activeHolds, [debtorID]) { try HoldRecord(row: $0, path: path) }
    }

    func ledger(ofDebtor debtorID: String, since: Instant) throws -> [LedgerEntry] {
        try fetchAll(Queries.ledger, [debtorID, since.secondsSinceEpoch]) { try LedgerEntry(row: $0, path: path) }
    }

    func ledgerEntry(taskID: String) throws -> LedgerEntry? {
        try fetchOne(Queries.ledgerEntry, [taskID]) { try LedgerEntry(row: $0, path: path) }
    }

    func outbox(limit: Int) throws -> [OutboxMessage] {
        try fetchAll(Queries.outbox, [max(limit, 0)]) { try OutboxMessage(row: $0, path: path) }
    }

    func isProcessed(_ messageID: String) throws -> Bool {
        try fetchOne(Queries.isProcessed, [messageID]) { _ in true } ?? false
    }

    func decisions(ofDebtor debtorID: String) throws -> [DecisionRecord] {
        try fetchAll(Queries.decisions, [debtorID]) { try DecisionRecord(row: $0, path: path) }
    }
}
