import GRDB

// StoreReading queries for reports and tools.

extension SQLiteAccess {
    func tasks(statuses: Set<TaskRecord.Status>, limit: Int) throws -> [TaskRecord] {
        let filter = statuses.isEmpty ? "" : "WHERE status IN (\(databaseQuestionMarks(count: statuses.count)))"
        let sql = "SELECT * FROM task \(filter) ORDER BY debtor_id, due_at, id LIMIT ?"
        return try fetchAll(
            TaskRecord.self, sql, StatementArguments(statuses.map(\.rawValue).sorted()) + [max(limit, 0)])
    }

    func tasks(_ query: TaskQuery, after: String?, limit: Int) throws -> [TaskRecord] {
        let (filter, arguments) = Self.filter(query, after: after)
        let sql = "SELECT task.* FROM task \(filter) ORDER BY task.debtor_id, task.id LIMIT ?"
        return try fetchAll(TaskRecord.self, sql, arguments + [max(limit, 0)])
    }

    func countTasks(_ query: TaskQuery, after: String?) throws -> Int {
        let (filter, arguments) = Self.filter(query, after: after)
        return try count("SELECT count(*) FROM task \(filter)", arguments)
    }

    /// The joins and conditions of `query`, and their arguments.
    private static func filter(_ query: TaskQuery, after: String?) -> (String, StatementArguments) {
        var conditions: [String] = []
        var arguments: StatementArguments = []
        var join = ""
        if !query.statuses.isEmpty {
            conditions.append("task.status IN (\(databaseQuestionMarks(count: query.statuses.count)))")
            arguments += StatementArguments(query.statuses.map(\.rawValue).sorted())
        }
        if let creditor = query.creditorID {
            join = "JOIN debtor ON debtor.id = task.debtor_id"
            conditions.append("debtor.creditor_id = ?")
            arguments += [creditor]
        }
        if let debtor = query.debtorID {
            conditions.append("task.debtor_id = ?")
            arguments += [debtor]
        }
        if let after {
            conditions.append("(task.debtor_id, task.id) > ((SELECT debtor_id FROM task WHERE id = ?), ?)")
            arguments += [after, after]
        }
        let clause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return ("\(join) \(clause)", arguments)
    }
}
