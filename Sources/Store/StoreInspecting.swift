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
    /// The debtor's case's moves from one specialist to another, oldest first.
    func handovers(ofDebtor debtorID: String) throws -> [HandoverRecord]
    /// Every specialist the store knows of (joined, retired or once away), by id.
    func allSpecialists() throws -> [SpecialistRecord]
    /// How many debtors' cases each specialist keeps, by specialist id (debtors without one left out).
    func caseCounts() throws -> [String: Int]
    /// The tasks `query` matches, by debtor then id, after the task `after` (from the start when `nil`; none when
    /// no task has that id), at most `limit`.
    func tasks(_ query: TaskQuery, after: String?, limit: Int) throws -> [TaskRecord]
    /// How many tasks `query` matches after the task `after` (all when `nil`).
    func countTasks(_ query: TaskQuery, after: String?) throws -> Int
    /// The records of the debtors after the debtor `after` (from the start when `nil`), by debtor id, at most
    /// `limit` debtors: a walk over every case, a page at a time.
    func debtorRecords(after: String?, limit: Int) throws -> [DebtorRecords]
    /// The highest sequence number of the audit trail (0 when empty): an export reads up to it, so that entries
    /// appended while it runs wait for the next export instead of shifting its pages.
    func lastAuditSequence() throws -> Int64
    /// Entries of the audit trail with sequence numbers above `afterSequence` and at most `throughSequence`,
    /// written in `[from, to)` and about `debtorID` (any when `nil`; entries written before debtors were keyed by
    /// creditor name it by its own id), in the order written, at most `limit`.
    func auditRecords(
        afterSequence: Int64, throughSequence: Int64, from: Instant, to: Instant, debtorID: String?, limit: Int
    ) throws -> [AuditRecord]
}

/// A store that tools may inspect without writing.
public protocol InspectableStore: Sendable {
    /// Runs `body` against a consistent snapshot.
    func inspect<T: Sendable>(_ body: @escaping @Sendable (any StoreInspecting) throws -> T) async throws -> T
}
