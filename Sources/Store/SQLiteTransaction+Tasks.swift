import Domain
import GRDB
import Policy

// Saving a task keeps the `ready` mark of its debtor right: on the debtor's earliest pending task (by due time,
// then id) when none of its tasks is in flight, on none otherwise. `dueTasks` then reads ready tasks from a
// partial index that holds one entry per debtor at most.
//
// The changes the scheduler makes most (handing a ready task out, renewing a lease, closing a closed task again)
// cannot move the mark to another task: they rewrite the task's row in place and read nothing else. Any other
// change writes the row, then places the mark again among the debtor's tasks.

/// What placing the mark needs to know of one task.
private struct TaskState: Decodable, FetchableRecord, TableRecord {
    static let databaseTableName = TaskRecord.databaseTableName
    var id: String
    var dueAt: Instant
    var status: TaskRecord.Status
    var ready: Bool

    enum CodingKeys: String, CodingKey {
        case id
        case dueAt = "due_at"
        case status, ready
    }
}

/// A task's row: the record's columns, and the two that the store derives for `dueTasks`.
private struct TaskRow: Encodable, PersistableRecord {
    static let databaseTableName = TaskRecord.databaseTableName
    var task: TaskRecord
    var ready: Bool

    private enum Marks: String, CodingKey { case open, ready }

    func encode(to encoder: any Encoder) throws {
        try task.encode(to: encoder)
        var marks = encoder.container(keyedBy: Marks.self)
        try marks.encode(task.status.isOpen, forKey: .open)
        try marks.encode(ready, forKey: .ready)
    }
}

private enum Statements {
    /// By primary key: the due time the record carries is the stored one unless the change defers the task.
    static let stored = "SELECT debtor_id, debt_id, status, ready FROM task WHERE due_at = ? AND id = ?"
    static let storedByID = "SELECT debtor_id, debt_id FROM task WHERE id = ?"
    static let states = "SELECT id, due_at, status, ready FROM task WHERE debtor_id = ? AND open = 1"
    static let mark = "UPDATE task SET ready = ? WHERE due_at = ? AND id = ?"
    /// By hand, as `TaskRecord.init(row:)` (whose comment gives the figures): handing a task out is the dispatch
    /// loop's write per task, and GRDB's `update(_:columns:)` encodes the whole record through Codable first.
    /// It leaves the keys, the debt and the link (set at creation) alone, so that no index on them is rewritten and no
    /// foreign key checked.
    /// Any other change to a stored task, found by its id (its due time, part of the key, may change).
    static let update = """
        UPDATE task SET due_at = ?, debtor_id = ?, debt_id = ?, channel = ?, purpose = ?, link = ?, status = ?,
            lease_until = ?, attempts = ?, settled_attempts = ?, created_at = ?, closed_reason = ?, taken_by = ?,
            queued_for = ?, open = ?, ready = 0
        WHERE id = ?
        """
    static let updateInPlace = """
        UPDATE task SET channel = ?, purpose = ?, status = ?, lease_until = ?, attempts = ?, settled_attempts = ?,
            created_at = ?, closed_reason = ?, taken_by = ?, queued_for = ?, ready = ?
        WHERE due_at = ? AND id = ?
        """
}

extension SQLiteTransaction {
    func save(_ task: TaskRecord) throws {
        let formerDebt = try write(task)
        try audit(task, created: formerDebt != task.debtID)
    }

    /// Writes the row; returns the debt the stored row was about, `nil` for a new row.
    private func write(_ task: TaskRecord) throws -> String? {
        let stored = try fetchOne(Statements.stored, [task.dueAt, task.id]) { row in
            (
                debtorID: try row.decode(String.self, atIndex: 0), debtID: try row.decode(String.self, atIndex: 1),
                status: try row.decode(TaskRecord.Status.self, atIndex: 2), ready: try row.decode(Bool.self, atIndex: 3)
            )
        }
        if let stored, stored.debtorID == task.debtorID, stored.debtID == task.debtID,
            let ready = Self.readyUnchangedElsewhere(from: stored.status, wasReady: stored.ready, to: task.status)
        {
            try execute(
                Statements.updateInPlace,
                [
                    task.channel, task.purpose, task.status, task.leaseUntil, task.attempts, task.settledAttempts,
                    task.createdAt, task.closedReason, task.takenBy, task.queuedFor, ready, task.dueAt, task.id,
                ])
            return stored.debtID
        }
        let former =
            try stored.map { (debtorID: $0.debtorID, debtID: $0.debtID) }
            ?? fetchOne(Statements.storedByID, [task.id]) {
                (debtorID: try $0.decode(String.self, atIndex: 0), debtID: try $0.decode(String.self, atIndex: 1))
            }
        let formerDebtor = former?.debtorID
        if formerDebtor == nil {
            try persisting(TaskRecord.self) { try TaskRow(task: task, ready: false).insert(db) }
        } else {
            // By hand, as the in-place update: closing a task after its decision takes this path for every contact.
            try execute(
                Statements.update,
                [
                    task.dueAt, task.debtorID, task.debtID, task.channel, task.purpose, task.link, task.status,
                    task.leaseUntil, task.attempts, task.settledAttempts, task.createdAt, task.closedReason,
                    task.takenBy,
                    task.queuedFor, task.status.isOpen, task.id,
                ])
        }
        try placeReadyMark(ofDebtor: task.debtorID)
        if let formerDebtor, formerDebtor != task.debtorID { try placeReadyMark(ofDebtor: formerDebtor) }
        return former?.debtID
    }

    /// The task's new mark when the change cannot move the mark to or from another task of the debtor (due time,
    /// debtor and debt unchanged); `nil` when it may.
    private static func readyUnchangedElsewhere(
        from old: TaskRecord.Status, wasReady: Bool, to new: TaskRecord.Status
    ) -> Bool? {
        switch (old, new) {
        // Handed out: the debtor now has a task in flight, and this task held the mark, so no other did.
        case (.pending, .inFlight) where wasReady: false
        // Still in flight (a lease renewed), or closed (done, taken, cancelled) and still closed: nothing the mark
        // depends on changed.
        case (.inFlight, .inFlight): false
        case (.done, _) where !new.isOpen, (.taken, _) where !new.isOpen, (.cancelled, _) where !new.isOpen: false
        // Still pending at the same time: it keeps or lacks the mark as before.
        case (.pending, .pending): wasReady
        default: nil
        }
    }

    /// Puts the mark where it belongs among the debtor's open tasks, writing only the rows whose mark changes.
    private func placeReadyMark(ofDebtor debtorID: String) throws {
        let states = try fetchAll(TaskState.self, Statements.states, [debtorID])
        let next: TaskState? =
            states.contains { $0.status == .inFlight }
            ? nil : states.filter { $0.status == .pending }.min { ($0.dueAt, $0.id) < ($1.dueAt, $1.id) }
        for state in states where state.ready != (state.id == next?.id) {
            try execute(Statements.mark, [state.id == next?.id, state.dueAt, state.id])
        }
    }
}

extension TaskRecord.Status {
    /// Pending or in flight: what the ready mark depends on.
    var isOpen: Bool { self == .pending || self == .inFlight }
}
