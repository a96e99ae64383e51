import Domain
import Policy

/// Read-only queries for operators' and compliance officers' tools (`tact explain`, `tact audit export`): whole
/// histories and intervals across debtors, which the scheduler itself never asks for.
///
/// Implementations only read; nothing here changes the store or races the scheduler's writes.
public protocol StoreInspecting: StoreReading {
    /// Every hold of the debtor, lifted ones included, oldest first.
    func allHolds(ofDebtor debtorID: String) throws -> [HoldRecord]
    /// Every ledger entry of the debtor, oldest first.
    func fullLedger(ofDebtor debtorID: String) throws -> [LedgerEntry]
    /// The tasks `query` matches, by debtor then id, after the task `after` (from the start when `nil`; none when
    /// no task has that id), at most `limit`.
    func tasks(_ query: TaskQuery, after: String?, limit: Int) throws -> [TaskRecord]
    /// How many tasks `query` matches after the task `after` (all when `nil`).
    func countTasks(_ query: TaskQuery, after: String?) throws -> Int
    /// The records of the debtors after the debtor `after` (from the start when `nil`), by debtor id, at most
    /// `limit` debtors: a walk over every case, a page at a time.
    func debtorRecords(after: String?, limit: Int) throws -> [DebtorRecords]
    /// The highest sequence number of the audit trail (0 when empty): an export reads up to it, so that decisions
    /// appended while it runs wait for the next export instead of shifting its pages.
    func lastDecisionSequence() throws -> Int64
    /// Decisions decided in `[from, to)`, across debtors, with sequence numbers above `afterSequence` and at most
    /// `throughSequence`, in the order they were appended, at most `limit`.
    func decisions(
        decidedFrom from: Instant, to: Instant, afterSequence: Int64, throughSequence: Int64, limit: Int
    ) throws -> [AuditedDecision]
}

/// A decision of the audit trail with its place in it. Sequence numbers only grow, and the trail refuses updates
/// and deletions, so a gap between two exported numbers outside the interval's filter would show tampering.
public struct AuditedDecision: Sendable, Equatable {
    /// Position in the append-only `decision` table.
    public var sequence: Int64
    public var record: DecisionRecord

    public init(sequence: Int64, record: DecisionRecord) {
        self.sequence = sequence
        self.record = record
    }
}

/// A store that tools may inspect without writing.
public protocol InspectableStore: Sendable {
    /// Runs `body` against a consistent snapshot.
    func inspect<T: Sendable>(_ body: @escaping @Sendable (any StoreInspecting) throws -> T) async throws -> T
}
