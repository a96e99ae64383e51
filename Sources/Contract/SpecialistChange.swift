import Domain
import Policy

/// A change in who handles cases (exchange `tact.intake`, routing key `specialist`), published by `tact specialists`.
///
/// Every specialist it names must be on the roster (the service file's `specialists.roster`, plus those who joined,
/// less those who retired), except the one who joins: the scheduler refuses the change otherwise.
public struct SpecialistChange: ContractMessage, Equatable {
    public static let messageType = "specialist"

    public enum Action: String, Codable, Sendable, CaseIterable {
        /// The specialist is away until `until`: their calls go to `backupId`, else the pool, and come back after.
        case away
        /// The specialist is back early.
        case back
        /// The debtor's case moves to the specialist for good (`debtorId` required).
        case handover
        /// The specialist joins the roster (or returns to it after retiring).
        case join
        /// The specialist leaves the roster for good: their cases move to `backupId`, else to the pool.
        case retire
    }

    public var type = SpecialistChange.messageType
    public var version = 1
    /// Unique per change; a second message with the same id changes nothing.
    public var changeId: String
    public var action: Action
    /// The specialist who is away or back, takes the case over, joins or retires.
    public var specialistId: String
    public var until: Instant?
    /// For `away`: who takes the calls meanwhile; for `retire`: who takes the cases over. The pool when absent.
    public var backupId: String?
    /// For `handover`: the creditor whose debtor moves; may be left out while the debtor id names one case.
    public var creditorId: String?
    public var debtorId: String?

    public init(
        changeId: String, action: Action, specialistId: String, until: Instant? = nil, backupId: String? = nil,
        creditorId: String? = nil, debtorId: String? = nil
    ) {
        self.changeId = changeId
        self.action = action
        self.specialistId = specialistId
        self.until = until
        self.backupId = backupId
        self.creditorId = creditorId
        self.debtorId = debtorId
    }

    public func validate() throws(ContractError) { _ = try meaning() }

    /// What the change says, with the fields its action requires (``Meaning``); throws what ``validate()`` throws.
    public func meaning() throws(ContractError) -> Meaning {
        try Check.identifier(changeId, "changeId")
        try Check.identifier(specialistId, "specialistId")
        guard specialistId != "pool" else {
            throw ContractError(.invalidField, field: "specialistId", "\"pool\" is reserved for the shared queue")
        }
        if let backupId {
            try Check.identifier(backupId, "backupId")
            guard backupId != specialistId else {
                throw ContractError(
                    .invalidField, field: "backupId",
                    "cannot be the specialist who is \(action == .retire ? "retiring" : "away")")
            }
        }
        switch action {
        case .away:
            guard let until else { throw ContractError(.missingField, field: "until", "required for away") }
            try Check.plausible(until, "until")
            return .away(until: until, backupID: backupId)
        case .back:
            return .back
        case .join:
            return .join
        case .retire:
            return .retire(successorID: backupId)
        case .handover:
            guard let debtorId else { throw ContractError(.missingField, field: "debtorId", "required for handover") }
            try Check.identifier(debtorId, "debtorId")
            if let creditorId { try Check.creditor(creditorId, "creditorId") }
            return .handover(creditorID: creditorId, debtorID: debtorId)
        }
    }
}
