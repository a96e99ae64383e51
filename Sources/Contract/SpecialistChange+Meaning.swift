import Domain

extension SpecialistChange {
    /// What a valid change says, one case per ``Action``, with the fields its action requires, as
    /// ``SpecialistChange/meaning()`` reads them once: the scheduler switches over it instead of unwrapping the
    /// message's optional fields.
    public enum Meaning: Sendable, Equatable {
        /// Away until `until`; calls go to `backupID` meanwhile, else to the pool.
        case away(until: Instant, backupID: String?)
        case back
        /// The debtor's case moves to the specialist for good; the creditor may be left to the scheduler to find.
        case handover(creditorID: String?, debtorID: String)
        case join
        /// Off the roster for good; the cases move to `successorID`, else to the pool.
        case retire(successorID: String?)
    }
}
