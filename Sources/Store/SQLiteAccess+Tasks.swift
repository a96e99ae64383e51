import Domain
import Foundation
import GRDB
import Policy

// StoreReading for tasks and statistics: the queries the scheduler runs on every tick, each served by an index
// (see SQLiteStore+Schema.swift).

enum TaskQueries {
    static let task = "SELECT * FROM task WHERE id = ?"

    static func tasks(ofStatusCount count: Int) -> String {
        let statuses = count == 0 ? "" : "AND status IN (\(databaseQuestionMarks(count: count)))"
        return "SELECT * FROM task WHERE debtor_id = ? \(statuses) ORDER BY due_at, id"
    }

    /// One range of `task_ready_priority` per priority, highest first (at most one entry per debtor, in (due, id)
    /// order within a priority). With a hold, the debtor is joined to leave the calls of full queues (by the
    /// debtor's specialist, or none: the CASE keeps a NULL specialist from making the whole test NULL) and the
    /// reminders of paced channels waiting.
    static let dueAtPriority = """
        SELECT * FROM task WHERE ready = 1 AND priority = ? AND due_at <= ? ORDER BY due_at, id LIMIT ?
        """
    static let dueAtPriorityHolding = """
        SELECT task.* FROM task JOIN debtor ON debtor.id = task.debtor_id
        WHERE task.ready = 1 AND task.priority = ? AND task.due_at <= ?
            AND task.channel NOT IN (SELECT value FROM json_each(?))
            AND NOT (task.channel = 'call' AND CASE WHEN debtor.specialist_id IS NULL THEN ?
                ELSE debtor.specialist_id IN (SELECT value FROM json_each(?)) END)
        ORDER BY task.due_at, task.id LIMIT ?
        """

    /// By task_waiting: calls being decided for a queue, and those published to it and neither taken nor reported.
    static let waitingCalls = """
        SELECT task.queued_for, count(*) FROM task LEFT JOIN ledger ON ledger.task_id = task.id
        WHERE task.queued_for IS NOT NULL AND task.status IN ('in-flight', 'done')
            AND (task.status = 'in-flight' OR ledger.result IS NULL OR ledger.result = 'pending')
        GROUP BY task.queued_for
        """

    /// By debtor_specialist.
    static let assignedSpecialists = "SELECT DISTINCT specialist_id FROM debtor WHERE specialist_id IS NOT NULL"

    static let expiredLeases =
        "SELECT * FROM task WHERE status = 'in-flight' AND lease_until < ? ORDER BY lease_until, id LIMIT ?"

    /// By task_queued_until.
    static let lostQueuedCalls = """
        SELECT * FROM task WHERE status = 'done' AND queued_for IS NOT NULL AND lease_until < ?
        ORDER BY lease_until, id LIMIT ?
        """

    static let overdueTakenCalls =
        "SELECT * FROM task WHERE status = 'taken' AND lease_until < ? ORDER BY lease_until, id LIMIT ?"

    /// By task_queued: an absence or a retirement moves the calls waiting for the specialist.
    static let queuedCalls = "SELECT * FROM task WHERE status = 'done' AND queued_for = ? ORDER BY queued_for, id"

    static let nextWakeUp = """
        SELECT (SELECT due_at FROM task WHERE status = 'pending' ORDER BY due_at LIMIT 1),
               (SELECT lease_until FROM task WHERE status = 'in-flight' AND lease_until IS NOT NULL
                ORDER BY lease_until LIMIT 1),
               (SELECT lease_until FROM task WHERE status = 'taken' AND lease_until IS NOT NULL
                ORDER BY lease_until LIMIT 1)
        """

    static let countByStatus = "SELECT status, count(*) FROM task GROUP BY status"
    static let countDue = "SELECT count(*) FROM task WHERE status = 'pending' AND due_at <= ?"
    static let countOutbox = "SELECT count(*) FROM outbox"
    static let countDebtors = "SELECT count(*) FROM debtor"
}

extension SQLiteAccess {
    func task(_ id: String) throws -> TaskRecord? {
        try fetchOne(TaskRecord.self, TaskQueries.task, [id])
    }

    func tasks(ofDebtor debtorID: String, statuses: Set<TaskRecord.Status>) throws -> [TaskRecord] {
        let arguments = StatementArguments([debtorID] + statuses.map(\.rawValue).sorted())
        return try fetchAll(TaskRecord.self, TaskQueries.tasks(ofStatusCount: statuses.count), arguments)
    }

    func dueTasks(at now: Instant, limit: Int, holding hold: DispatchHold) throws -> [TaskRecord] {
        func json(_ values: [String]) -> String {
            String(decoding: (try? JSONEncoder().encode(values.sorted())) ?? Data("[]".utf8), as: UTF8.self)
        }
        // The hold's lists, written once for every priority's read.
        let held = hold.isEmpty ? nil : (json(hold.channels.map(\.rawValue)), json(Array(hold.callsOfSpecialists)))
        var tasks: [TaskRecord] = []
        for priority in TaskRecord.priorities.reversed() where tasks.count < limit {
            let left = limit - tasks.count
            if let (channels, specialists) = held {
                tasks += try fetchAll(
                    TaskRecord.self, TaskQueries.dueAtPriorityHolding,
                    [priority, now, channels, hold.callsOfUnassigned, specialists, left])
            } else {
                tasks += try fetchAll(TaskRecord.self, TaskQueries.dueAtPriority, [priority, now, left])
            }
        }
        return tasks
    }

    func waitingCalls() throws -> [String: Int] {
        let counts = try fetchAll(TaskQueries.waitingCalls) { row in
            (try row.decode(String.self, atIndex: 0), try row.decode(Int.self, atIndex: 1))
        }
        return Dictionary(counts, uniquingKeysWith: +)
    }

    func assignedSpecialists() throws -> [String] {
        try fetchAll(TaskQueries.assignedSpecialists) { try $0.decode(String.self, atIndex: 0) }
    }

    func expiredLeases(at now: Instant, limit: Int) throws -> [TaskRecord] {
        try fetchAll(TaskRecord.self, TaskQueries.expiredLeases, [now, max(limit, 0)])
    }

    func lostQueuedCalls(at now: Instant, limit: Int) throws -> [TaskRecord] {
        try fetchAll(TaskRecord.self, TaskQueries.lostQueuedCalls, [now, max(limit, 0)])
    }

    func overdueTakenCalls(at now: Instant, limit: Int) throws -> [TaskRecord] {
        try fetchAll(TaskRecord.self, TaskQueries.overdueTakenCalls, [now, max(limit, 0)])
    }

    func queuedCalls(for specialist: String) throws -> [TaskRecord] {
        try fetchAll(TaskRecord.self, TaskQueries.queuedCalls, [specialist])
    }

    func nextWakeUp() throws -> Instant? {
        let candidates = try fetchOne(TaskQueries.nextWakeUp) { row in
            try (0..<3).map { try row.decode(Int64?.self, atIndex: $0) }
        }
        return candidates?.compactMap { $0 }.min().map(Instant.init(secondsSinceEpoch:))
    }

    func statistics(at now: Instant) throws -> StoreStatistics {
        let counts = try fetchAll(TaskQueries.countByStatus) { row in
            (try row.decode(TaskRecord.Status.self, atIndex: 0), try row.decode(Int.self, atIndex: 1))
        }
        var byStatus = Dictionary(uniqueKeysWithValues: TaskRecord.Status.allCases.map { ($0, 0) })
        for (status, count) in counts { byStatus[status] = count }
        return StoreStatistics(
            tasksByStatus: byStatus, dueNotPublished: try count(TaskQueries.countDue, [now.secondsSinceEpoch]),
            outboxDepth: try count(TaskQueries.countOutbox), debtors: try count(TaskQueries.countDebtors))
    }
}
