import GRDB

// StoreInspecting's walk over every case: a page of debtors by id (the primary key), then the rows of each table
// for that range of ids in one query through its index by debtor, grouped in memory. Six queries a page rather than
// six a debtor, and never more than a page in memory.

private enum Queries {
    static let firstDebtors = "SELECT * FROM debtor ORDER BY id LIMIT ?"
    static let debtorsAfter = "SELECT * FROM debtor WHERE id > ? ORDER BY id LIMIT ?"
    static let debts = "SELECT * FROM debt WHERE debtor_id BETWEEN ? AND ? ORDER BY debtor_id, id"
    static let tasks = "SELECT * FROM task WHERE debtor_id BETWEEN ? AND ? ORDER BY debtor_id, due_at, id"
    static let holds = """
        SELECT * FROM hold WHERE debtor_id BETWEEN ? AND ? AND lifted_at IS NULL ORDER BY debtor_id, since, id
        """
    static let ledger = "SELECT * FROM ledger WHERE debtor_id BETWEEN ? AND ? ORDER BY debtor_id, at, task_id"
    static let plans = "SELECT * FROM plan WHERE debtor_id BETWEEN ? AND ? ORDER BY debtor_id, created_at, id"
}

extension SQLiteAccess {
    func debtorRecords(after: String?, limit: Int) throws -> [DebtorRecords] {
        let debtors =
            if let after {
                try fetchAll(DebtorRecord.self, Queries.debtorsAfter, [after, max(limit, 0)])
            } else {
                try fetchAll(DebtorRecord.self, Queries.firstDebtors, [max(limit, 0)])
            }
        guard let first = debtors.first?.id, let last = debtors.last?.id else { return [] }
        let range: StatementArguments = [first, last]
        let debts = Dictionary(grouping: try fetchAll(DebtRecord.self, Queries.debts, range), by: \.debtorID)
        let tasks = Dictionary(grouping: try fetchAll(TaskRecord.self, Queries.tasks, range), by: \.debtorID)
        let holds = Dictionary(grouping: try fetchAll(HoldRecord.self, Queries.holds, range), by: \.debtorID)
        let ledger = Dictionary(grouping: try fetchAll(LedgerEntry.self, Queries.ledger, range), by: \.debtorID)
        let plans = Dictionary(grouping: try fetchAll(PlanRecord.self, Queries.plans, range), by: \.debtorID)
        return debtors.map { debtor in
            DebtorRecords(
                debtor: debtor, debts: debts[debtor.id] ?? [], tasks: tasks[debtor.id] ?? [],
                holds: holds[debtor.id] ?? [], ledger: ledger[debtor.id] ?? [], plans: plans[debtor.id] ?? [])
        }
    }
}
