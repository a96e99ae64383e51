import GRDB

// StoreReading queries for reports and tools.

extension SQLiteAccess {
    func tasks(statuses: Set<TaskRecord.Status>, limit: Int) throws -> [TaskRecord] {
        let filter = statuses.isEmpty ? "" : "WHERE status IN (\(SQL.placeholders(statuses.count)))"
        let sql = SQL.select(TaskRecord.columns, from: "task", "\(filter) ORDER BY debtor_id, due_at, id LIMIT ?")
        return try fetchAll(sql, StatementArguments(statuses.map(\.rawValue).sorted()) + [max(limit, 0)]) {
            try TaskRecord(row: $0, path: path)
        }
    }
}
