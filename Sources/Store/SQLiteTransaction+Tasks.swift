import GRDB
import Policy

// Saving a task keeps the `ready` mark of its debtor right: on the debtor's earliest pending task (by due time,
// then id) when none of its tasks is in flight, on none otherwise. The debtor's rows sit together in the task
// table, so reading them all costs about one page, and `dueTasks` can then read ready tasks from a partial index
// that holds one entry per debtor at most.

/// What placing the mark needs to know of one of the debtor's tasks.
private struct TaskState {
    var id: String
    var debtID: String
    var status: TaskRecord.Status
    var dueAt: Int64
    var ready: Bool
}

private enum Statements {
    static let states = "SELECT id, debt_id, status, due_at, ready FROM task WHERE debtor_id = ?"
    static let owner = "SELECT debtor_id FROM task WHERE id = ?"
    static let insert = SQL.insert(into: "task", TaskRecord.columns + ["ready"])
    /// Leaves the keys and the debt out, so that SQLite checks no foreign key for the common change of status.
    static let update = """
        UPDATE task SET channel = ?, purpose = ?, status = ?, due_at = ?, lease_until = ?, attempts = ?,
            created_at = ?, closed_reason = ?, ready = ?
        WHERE debtor_id = ? AND id = ?
        """
    static let updateDebt = "UPDATE task SET debt_id = ? WHERE debtor_id = ? AND id = ?"
    static let mark = "UPDATE task SET ready = ? WHERE debtor_id = ? AND id = ?"
    static let delete = "DELETE FROM task WHERE debtor_id = ? AND id = ?"
}

extension SQLiteTransaction {
    func save(_ task: TaskRecord) throws {
        var states = try taskStates(ofDebtor: task.debtorID)
        let stored = states.first { $0.id == task.id }
        if stored == nil, let owner = try fetchOne(Statements.owner, [task.id], { try $0.decode(String.self, atIndex: 0) }) {
            // Task ids are unique across debtors: the task moves, and its former debtor's mark may move with it.
            try execute(Statements.delete, [owner, task.id])
            try placeReadyMark(among: try taskStates(ofDebtor: owner), ofDebtor: owner)
        }
        states.removeAll { $0.id == task.id }
        states.append(
            TaskState(
                id: task.id, debtID: task.debtID, status: task.status, dueAt: task.dueAt.secondsSinceEpoch,
                ready: stored?.ready ?? false))
        let next = Self.nextTask(among: states)
        let ready = next == task.id
        if let stored {
            if stored.debtID != task.debtID { try execute(Statements.updateDebt, [task.debtID, task.debtorID, task.id]) }
            try execute(
                Statements.update,
                [task.channel.rawValue, task.purpose, task.status.rawValue, task.dueAt.secondsSinceEpoch,
                 task.leaseUntil?.secondsSinceEpoch, task.attempts, task.createdAt.secondsSinceEpoch, task.closedReason,
                 ready, task.debtorID, task.id])
        } else {
            try execute(Statements.insert, task.values + [ready])
        }
        states.removeLast()
        try placeReadyMark(among: states, ofDebtor: task.debtorID, next: next)
    }

    /// Moves the mark among `states` (the debtor's other tasks) to `next`, touching only rows that change.
    private func placeReadyMark(among states: [TaskState], ofDebtor debtorID: String, next: String?? = nil) throws {
        let next = next ?? Self.nextTask(among: states)
        for state in states where state.ready != (state.id == next) {
            try execute(Statements.mark, [state.id == next, debtorID, state.id])
        }
    }

    private func taskStates(ofDebtor debtorID: String) throws -> [TaskState] {
        try fetchAll(Statements.states, [debtorID]) { row in
            TaskState(
                id: try row.decode(atIndex: 0), debtID: try row.decode(atIndex: 1),
                status: try row.vocabulary("status", path: path), dueAt: try row.decode(atIndex: 3),
                ready: try row.decode(atIndex: 4))
        }
    }

    /// The task to hand out next: none while one is in flight, else the earliest pending one.
    private static func nextTask(among states: [TaskState]) -> String? {
        guard !states.contains(where: { $0.status == .inFlight }) else { return nil }
        return states.filter { $0.status == .pending }.min { ($0.dueAt, $0.id) < ($1.dueAt, $1.id) }?.id
    }
}
