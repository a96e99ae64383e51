import Domain
import GRDB
import Policy

// StoreReading for debtors, debts, holds, the ledger, the outbox, processed ids and decisions; tasks are in
// SQLiteAccess+Tasks.swift.

private enum Queries {
    static let debtor = "SELECT * FROM debtor WHERE id = ?"
    static let debtorsWithRef = "SELECT * FROM debtor WHERE ref = ? ORDER BY id"
    static let debtorsOfPerson = "SELECT * FROM debtor WHERE person_key = ? ORDER BY id"
    static let personKey = "SELECT person_key FROM debtor WHERE id = ?"
    static let debts = "SELECT * FROM debt WHERE debtor_id = ? ORDER BY id"
    static let debt = "SELECT * FROM debt WHERE debtor_id = ? AND id = ?"
    static let activeHolds = "SELECT * FROM hold WHERE debtor_id = ? AND lifted_at IS NULL ORDER BY since, id"
    static let ledger = "SELECT * FROM ledger WHERE debtor_id = ? AND at >= ? ORDER BY at, task_id"
    static let ledgerEntry = "SELECT * FROM ledger WHERE task_id = ?"
    static let outbox = "SELECT * FROM outbox ORDER BY sequence LIMIT ?"
    static let isProcessed = "SELECT 1 FROM processed_message WHERE id = ?"
    static let decisions = "SELECT * FROM decision WHERE debtor_id = ? ORDER BY decided_at, sequence"
}

extension SQLiteAccess {
    func debtor(_ id: String) throws -> DebtorRecord? {
        try fetchOne(DebtorRecord.self, Queries.debtor, [id])
    }

    func debtors(withRef ref: String) throws -> [DebtorRecord] {
        try fetchAll(DebtorRecord.self, Queries.debtorsWithRef, [ref])
    }

    func debtors(personKey: String) throws -> [DebtorRecord] {
        try fetchAll(DebtorRecord.self, Queries.debtorsOfPerson, [personKey])
    }

    func personKey(ofDebtor debtorID: String) throws -> String? {
        try fetchOne(Queries.personKey, [debtorID]) { try $0.decode(String?.self, atIndex: 0) } ?? nil
    }

    func debts(ofDebtor debtorID: String) throws -> [DebtRecord] {
        try fetchAll(DebtRecord.self, Queries.debts, [debtorID])
    }

    func debt(_ id: String, ofDebtor debtorID: String) throws -> DebtRecord? {
        try fetchOne(DebtRecord.self, Queries.debt, [debtorID, id])
    }

    func activeHolds(ofDebtor debtorID: String) throws -> [HoldRecord] {
        try fetchAll(HoldRecord.self, Queries.activeHolds, [debtorID])
    }

    func ledger(ofDebtor debtorID: String, since: Instant) throws -> [LedgerEntry] {
        try fetchAll(LedgerEntry.self, Queries.ledger, [debtorID, since])
    }

    func ledgerEntry(taskID: String) throws -> LedgerEntry? {
        try fetchOne(LedgerEntry.self, Queries.ledgerEntry, [taskID])
    }

    func outbox(limit: Int) throws -> [OutboxMessage] {
        try fetchAll(OutboxMessage.self, Queries.outbox, [max(limit, 0)])
    }

    func isProcessed(_ messageID: String) throws -> Bool {
        try fetchOne(Queries.isProcessed, [messageID]) { _ in true } ?? false
    }

    func decisions(ofDebtor debtorID: String) throws -> [DecisionRecord] {
        try fetchAll(DecisionRecord.self, Queries.decisions, [debtorID])
    }
}
