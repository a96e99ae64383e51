import GRDB

// StoreReading queries for reports and tools.

extension SQLiteAccess {
    func tasks(statuses: Set<TaskRecord.Status>, limit: Int) throws -> [TaskRecord] {
        let filter = statuses.isEmpty ? "" : "WHERE status IN (\(databaseQuestionMarks(count: statuses.count)))"
        let sql = "SELECT * FROM task \(filter) ORDER BY debtor_id, due_at, id LIMIT ?"
        return try fetchAll(
            TaskRecord.self, sql, StatementArguments(statuses.map(\.rawValue).sorted()) + [max(limit, 0)])
    }
}
