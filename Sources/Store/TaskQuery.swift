/// Which tasks a report lists. A listing is ordered by debtor, then task id: both are fixed for a task's life, so
/// paging with ``StoreInspecting/tasks(_:after:limit:)`` neither repeats nor skips a task that changes meanwhile.
public struct TaskQuery: Sendable, Equatable {
    /// Only tasks in these states; all states when empty.
    public var statuses: Set<TaskRecord.Status>
    /// Only the tasks of this creditor's debtors.
    public var creditorID: String?
    /// Only this debtor's tasks.
    public var debtorID: String?

    public init(statuses: Set<TaskRecord.Status> = [], creditorID: String? = nil, debtorID: String? = nil) {
        self.statuses = statuses
        self.creditorID = creditorID
        self.debtorID = debtorID
    }
}
