import Domain
import Policy

/// What the store holds about one debtor's case that the scheduler's invariants are about, read in one snapshot so
/// that tasks, holds and ledger agree with each other (`tact doctor`).
public struct DebtorRecords: Sendable, Equatable {
    public var debtor: DebtorRecord
    /// By id.
    public var debts: [DebtRecord]
    /// Every task in every state, by due time.
    public var tasks: [TaskRecord]
    /// Holds not lifted, oldest first.
    public var holds: [HoldRecord]
    /// Every contact, oldest first.
    public var ledger: [LedgerEntry]
    /// Payment plans, oldest first.
    public var plans: [PlanRecord]

    public init(
        debtor: DebtorRecord, debts: [DebtRecord] = [], tasks: [TaskRecord] = [], holds: [HoldRecord] = [],
        ledger: [LedgerEntry] = [], plans: [PlanRecord] = []
    ) {
        self.debtor = debtor
        self.debts = debts
        self.tasks = tasks
        self.holds = holds
        self.ledger = ledger
        self.plans = plans
    }
}
