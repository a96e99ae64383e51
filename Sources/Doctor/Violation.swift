/// A broken invariant of one debtor's case, named by ids only: what `tact doctor` prints.
public struct Violation: Sendable, Hashable {
    /// Which invariant is broken. Each is written out, with the states it allows, in ``InvariantCheck``.
    public enum Code: String, Sendable, CaseIterable {
        /// An open debt with nothing in progress, no step back or hold it waits out, and no legitimate end.
        case noNextStep = "no-next-step"
        /// More than one open task of one purpose about one debt.
        case duplicateOpenPurpose = "duplicate-open-purpose"
        /// A task open beside the gentle call of a step back (bereavement, hardship).
        case stepBackLeak = "step-back-leak"
        /// More than one gentle call open for one debtor.
        case twoGentleCalls = "two-gentle-calls"
    }

    public var code: Code
    public var debtorID: String
    /// The debt it concerns, when it concerns one.
    public var debtID: String?
    /// The tasks involved, as the detail names them.
    public var taskIDs: [String]
    /// What is wrong, in one line of ids, purposes, states and reasons: never personal data.
    public var detail: String

    public init(_ code: Code, debtorID: String, debtID: String? = nil, taskIDs: [String] = [], _ detail: String) {
        self.code = code
        self.debtorID = debtorID
        self.debtID = debtID
        self.taskIDs = taskIDs
        self.detail = detail
    }
}
