import Domain
import Policy

/// Counts for the scheduler's metrics and for `tact status`: how much work waits, and who is doing it.
///
/// ``dueBacklog(at:)`` is cheap (index ranges over due and in-flight tasks only) and the scheduler runs it every
/// few seconds. The others serve an operator's tool: they read every pending task, or the last minutes of the
/// audit trail, but never the whole history.
public protocol StoreMonitoring {
    /// Due tasks and how long the oldest has waited.
    func dueBacklog(at now: Instant) throws -> DueBacklog
    /// Pending tasks due within each horizon (seconds from `now`, increasing), and beyond the last: one count
    /// more than there are horizons. The first horizon 0 counts the overdue ones.
    func pendingTasks(at now: Instant, within horizons: [Int64]) throws -> [Int]
    /// Why the pending tasks already decided once are waiting, from each one's latest decision.
    func pendingReasons() throws -> PendingReasons
    /// Workers whose decisions the scheduler recorded at or after `since` (by the worker's clock), busiest first.
    func workerActivity(since: Instant) throws -> [WorkerActivity]
    /// Specialists with a call queue: those debtors are assigned to, and those with an absence or a backup.
    func specialistIDs() throws -> [String]
    /// Messages waiting in the outbox to be published.
    func outboxCount() throws -> Int
    /// Tasks the scheduler gave up on after `scheduler.maxAttempts` hand-outs that no worker decided.
    func givenUpCount() throws -> Int
    /// Reminders a sender claimed and reported no outcome for in time (cancelled `claim-unconfirmed`).
    func unconfirmedClaimCount() throws -> Int
    /// Open debts owed a validation notice since before `plannedBefore` (their first notice was planned then) that
    /// none has reached: a rulebook's deadline missed.
    func lateValidationNoticeCount(plannedBefore: Instant) throws -> Int
}

/// Tasks due and not handed out yet. Only the store makes these (their initialisers are internal).
public struct DueBacklog: Sendable, Equatable, Codable {
    /// Pending tasks already due, including those waiting for their debtor's task in flight.
    public var due: Int
    /// Of those, the ones that could be handed out now (their debtor has no task in flight).
    public var ready: Int
    /// When the oldest of the ready ones fell due; `nil` when none is.
    public var oldestReadyDueAt: Instant?
    /// Tasks handed out and waiting for a decision.
    public var inFlight: Int
    /// Calls taken with `tact next` and waiting for their outcome.
    public var taken: Int
    /// Of those, the ones whose outcome is overdue: they return to be planned again at the next dispatch.
    public var takenOverdue: Int

    /// Seconds the oldest ready task has waited at `now` (0 when none waits): the scheduler's lag.
    public func lag(at now: Instant) -> Int64 {
        oldestReadyDueAt.map { max(0, now.secondsSinceEpoch - $0.secondsSinceEpoch) } ?? 0
    }
}

/// Pending tasks grouped by their latest decision.
public struct PendingReasons: Sendable, Equatable, Codable {
    /// Deferred tasks by the rule of the deferral's first reason.
    public var deferredByRule: [String: Int]
    /// Tasks whose latest decision was an allow or a redirect, back because the contact expired unread.
    public var returned: Int
}

/// One worker process as the audit trail saw it.
public struct WorkerActivity: Sendable, Equatable, Codable {
    /// `host/pid`.
    public var worker: String
    public var decisions: Int
    public var lastDecidedAt: Instant
}

extension InspectableStore {
    /// Runs `body` against a consistent snapshot, for the counts of ``StoreMonitoring``.
    public func monitor<T: Sendable>(_ body: @escaping @Sendable (any StoreMonitoring) throws -> T) async throws -> T {
        try await inspect { snapshot in
            // Every SQLite snapshot can; another kind of store says so rather than guessing.
            guard let monitoring = snapshot as? any StoreMonitoring else {
                throw StoreError(.failed, path: "-", reason: "this store offers no monitoring counts")
            }
            return try body(monitoring)
        }
    }
}
