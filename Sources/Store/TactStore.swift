import Domain
import Policy

/// Where the scheduler keeps its state: SQLite by default (``SQLiteStore``), PostgreSQL later, without
/// changing callers.
///
/// Every change happens in ``write(_:)``: the closure runs inside one transaction, so a state change and the
/// outbox messages it causes are committed together or not at all. Implementations run the closure off Swift's
/// cooperative thread pool (database calls block).
public protocol TactStore: Sendable {
    /// Runs `body` in one write transaction; if it throws, nothing is written.
    func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T
    /// Runs `body` against a consistent snapshot.
    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreReading) throws -> T) async throws -> T
}

/// What can be read inside a transaction or a snapshot.
public protocol StoreReading {
    func debtor(_ id: String) throws -> DebtorRecord?
    /// Every creditor's debtor whose own id is `ref`, by key: a message that leaves its creditor out names one of
    /// them.
    func debtors(withRef ref: String) throws -> [DebtorRecord]
    /// The cases that share a person key, by key (``DebtorRecord/personKey``).
    func debtors(personKey: String) throws -> [DebtorRecord]
    /// The debtor's person key, without reading the rest of the record (every input asks).
    func personKey(ofDebtor debtorID: String) throws -> String?
    func debts(ofDebtor debtorID: String) throws -> [DebtRecord]
    func debt(_ id: String, ofDebtor debtorID: String) throws -> DebtRecord?
    /// Holds not lifted, oldest first.
    func activeHolds(ofDebtor debtorID: String) throws -> [HoldRecord]
    func task(_ id: String) throws -> TaskRecord?
    /// The debtor's tasks in the given states (all states when empty), by due time.
    func tasks(ofDebtor debtorID: String, statuses: Set<TaskRecord.Status>) throws -> [TaskRecord]
    /// Every debtor's tasks in the given states (all states when empty), by debtor then due time, at most `limit`:
    /// for reports and tools, not for the scheduler's hot path.
    func tasks(statuses: Set<TaskRecord.Status>, limit: Int) throws -> [TaskRecord]
    /// Ledger entries of the debtor at or after `since`, oldest first.
    func ledger(ofDebtor debtorID: String, since: Instant) throws -> [LedgerEntry]
    func ledgerEntry(taskID: String) throws -> LedgerEntry?
    /// Pending tasks due at or before `now` whose debtor has no task in flight, highest priority first and then
    /// earliest, at most one per debtor (its earliest), at most `limit`, leaving those `hold` names waiting.
    func dueTasks(at now: Instant, limit: Int, holding hold: DispatchHold) throws -> [TaskRecord]
    /// Calls being decided for each call queue (by the specialist it serves, or `pool`), or published to it and
    /// neither taken nor reported: what backpressure counts.
    func waitingCalls() throws -> [String: Int]
    /// The specialists debtors are assigned to.
    func assignedSpecialists() throws -> [String]
    /// In-flight tasks whose lease ended before `now`, at most `limit`.
    func expiredLeases(at now: Instant, limit: Int) throws -> [TaskRecord]
    /// Published calls still waiting in the call queue of `specialist` (neither taken nor reported), by id.
    func queuedCalls(for specialist: String) throws -> [TaskRecord]
    /// Queued calls that should have come back or been taken before `now` and did not (their queue was lost), at
    /// most `limit`.
    func lostQueuedCalls(at now: Instant, limit: Int) throws -> [TaskRecord]
    /// Taken calls whose outcome was due before `now`, at most `limit`.
    func overdueTakenCalls(at now: Instant, limit: Int) throws -> [TaskRecord]
    /// The earliest `dueAt` of a pending task, or `leaseUntil` of an in-flight task or a taken call: when the
    /// scheduler has work next.
    func nextWakeUp() throws -> Instant?
    /// The oldest outbox messages, by sequence.
    func outbox(limit: Int) throws -> [OutboxMessage]
    /// Whether an input message with this id was already applied.
    func isProcessed(_ messageID: String) throws -> Bool
    /// Decisions about the debtor's tasks, oldest first.
    func decisions(ofDebtor debtorID: String) throws -> [DecisionRecord]
    /// Promises to pay, oldest first.
    func promises(ofDebtor debtorID: String) throws -> [PromiseRecord]
    /// The outcomes reported for a task, corrections included, in the order recorded.
    func outcomes(ofTask taskID: String) throws -> [OutcomeRecord]
    /// Payments, in the order recorded.
    func payments(ofDebtor debtorID: String) throws -> [PaymentRecord]
    /// Payment plans, oldest first.
    func plans(ofDebtor debtorID: String) throws -> [PlanRecord]
    /// Survey answers, oldest first.
    func surveyResponses(ofDebtor debtorID: String) throws -> [SurveyResponseRecord]
    /// What the store knows of a specialist (a join, a retirement, an absence), if anything.
    func specialist(_ id: String) throws -> SpecialistRecord?
    /// The debtors whose case the specialist keeps, by id.
    func debtors(ofSpecialist specialistID: String) throws -> [DebtorRecord]
    func statistics(at now: Instant) throws -> StoreStatistics
}

/// What a write transaction can change.
public protocol StoreTransaction: StoreReading {
    /// Inserts or replaces the debtor.
    func save(_ debtor: DebtorRecord) throws
    /// Inserts or replaces the debt (keyed by debtor and debt id).
    func save(_ debt: DebtRecord) throws
    /// Inserts or replaces the hold (keyed by its id).
    func save(_ hold: HoldRecord) throws
    /// Inserts or replaces the task (keyed by its id).
    func save(_ task: TaskRecord) throws
    /// Inserts or replaces the ledger entry of a task.
    func save(_ entry: LedgerEntry) throws
    /// Forgets the ledger entry of a task whose contact never reached anyone (it expired unread).
    func removeLedgerEntry(taskID: String) throws
    /// Appends a decision to the audit trail.
    func append(_ decision: DecisionRecord) throws
    /// Inserts or replaces a promise (keyed by its id).
    func save(_ promise: PromiseRecord) throws
    /// Inserts or replaces a plan (keyed by its id).
    func save(_ plan: PlanRecord) throws
    /// Inserts an outcome as reported (keyed by its id).
    func save(_ outcome: OutcomeRecord) throws
    /// Forgets a survey answer a correction replaced.
    func removeSurveyResponse(id: String) throws
    /// Inserts or replaces a payment (keyed by its id).
    func save(_ payment: PaymentRecord) throws
    /// Inserts or replaces a survey answer (keyed by its id).
    func save(_ response: SurveyResponseRecord) throws
    /// Inserts or replaces what the store knows of a specialist.
    func save(_ specialist: SpecialistRecord) throws
    /// Inserts or replaces a move of a debtor's case (keyed by debtor and change).
    func save(_ handover: HandoverRecord) throws
    /// Queues a message to publish after commit; the store assigns its sequence.
    func enqueue(_ message: OutboxMessage) throws
    /// Forgets outbox messages the broker has confirmed.
    func removeFromOutbox(_ sequences: [Int64]) throws
    /// Remembers that an input message was applied, so a redelivery changes nothing.
    func markProcessed(_ messageID: String, at: Instant) throws
    /// Names who or what causes the changes written from now on in this transaction, and when: each change is an
    /// entry of the audit trail, attributed so.
    func attribute(to actor: AuditActor, at: Instant)
    /// Appends an entry to the audit trail beside those the store writes for each record it saves: what a record
    /// does not say (an input applied, a placement amended, a call checked).
    func audit(_ action: String, subject: String, debtorID: String?, _ detail: AuditDetail) throws
    /// Runs `body` so that if it throws, what it wrote is undone and the rest of the transaction goes on: one
    /// refused input in a batch leaves no trace while the others are applied.
    func undoingOnError<T>(_ body: () throws -> T) throws -> T
}
