import Domain
import Policy

/// Something happened in the debtor's life or account (exchange `tact.intake`, routing key `event`).
public struct LifeEvent: ContractMessage, Equatable {
    public static let messageType = "event"

    public enum Kind: String, Codable, Sendable, CaseIterable {
        case bereavement, hardship, dispute, cease, deceased, attorney, payment, closed
        /// A repayment plan agreed with the debtor; carries ``LifeEvent/instalments``.
        case plan
        /// The creditor takes the debt back: everything about it stops, and no survey is sent.
        case recall
        /// The debtor promised the creditor to pay; carries ``LifeEvent/promise``. Followed up as a promise made
        /// to a specialist is.
        case promise
        case breathingSpace = "breathing-space"
        case disputeResolved = "dispute-resolved"
        case optOut = "opt-out"
        case optIn = "opt-in"

        /// The hold this event places, if it places one.
        public var hold: HoldKind? {
            switch self {
            case .bereavement: .bereavement
            case .hardship: .hardship
            case .breathingSpace: .breathingSpace
            case .dispute: .dispute
            case .cease: .cease
            case .deceased: .deceased
            case .attorney: .attorney
            case .disputeResolved, .optOut, .optIn, .payment, .closed, .plan, .recall, .promise: nil
            }
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            guard let kind = Kind(rawValue: try container.decode(String.self)) else {
                let accepted = Kind.allCases.map(\.rawValue).joined(separator: ", ")
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: container.codingPath, debugDescription: "unknown kind",
                        underlyingError: ContractError(
                            .invalidField, field: "kind", "unknown kind; expected one of \(accepted)")))
            }
            self = kind
        }
    }

    public var type = LifeEvent.messageType
    public var version = 1
    public var eventId: String
    /// The creditor whose debtor this is. May be left out while the debtor id names one case the sender may act
    /// for; when several creditors have a debtor with this id, it is required.
    public var creditorId: String?
    public var debtorId: String
    /// The debt concerned; absent when the event concerns the person (most do).
    public var debtId: String?
    public var kind: Kind
    /// When it happened (a bereavement's cooling-off counts from here).
    public var at: Instant
    /// For `opt-out` and `opt-in`: the channel.
    public var channel: Channel?
    /// When the hold ends, if known.
    public var until: Instant?
    /// For `attorney` (required) and `deceased` (the estate's representative, if known).
    public var representative: Representative?
    /// For `plan`: the instalments, in order.
    public var instalments: [Instalment]?
    /// For `payment`: the amount paid, in the debt's currency. Without it a payment settles the debt in full, or
    /// pays the active plan's next instalment.
    public var amount: String?
    /// For `payment`: its currency, which must be the debt's (default: the debt's).
    public var currency: String?
    /// For `promise`: the amount and the day (the debtor's local calendar) promised.
    public var promise: Outcome.Promise?

    /// One instalment of a plan.
    public struct Instalment: Codable, Sendable, Equatable {
        public var amount: String
        /// `YYYY-MM-DD`, the debtor's local day.
        public var dueDate: String

        public init(amount: String, dueDate: String) {
            self.amount = amount
            self.dueDate = dueDate
        }
    }

    public init(
        eventId: String, creditorId: String? = nil, debtorId: String, debtId: String? = nil, kind: Kind, at: Instant,
        channel: Channel? = nil,
        until: Instant? = nil, representative: Representative? = nil, instalments: [Instalment]? = nil,
        amount: String? = nil, currency: String? = nil, promise: Outcome.Promise? = nil
    ) {
        self.eventId = eventId
        self.creditorId = creditorId
        self.debtorId = debtorId
        self.debtId = debtId
        self.kind = kind
        self.at = at
        self.channel = channel
        self.until = until
        self.representative = representative
        self.instalments = instalments
        self.amount = amount
        self.currency = currency
        self.promise = promise
    }

    public func validate() throws(ContractError) { _ = try meaning() }

    /// What the event says, with the fields its kind requires (``Meaning``); throws what ``validate()`` throws.
    public func meaning() throws(ContractError) -> Meaning {
        try Check.identifier(eventId, "eventId")
        if let creditorId { try Check.creditor(creditorId, "creditorId") }
        try Check.identifier(debtorId, "debtorId")
        if let debtId { try Check.identifier(debtId, "debtId") }
        try Check.plausible(at, "at")
        if let until {
            try Check.plausible(until, "until")
            guard until > at else { throw ContractError(.invalidField, field: "until", "must be after at") }
        }
        if let representative {
            if let kind = representative.kind { try Check.nonEmpty(kind, "representative.kind", limit: 64) }
            if let name = representative.name { try Check.nonEmpty(name, "representative.name") }
            if let phone = representative.phone {
                try Check.nonEmpty(phone, "representative.phone", limit: Placement.Limits.phone)
            }
            if let email = representative.email {
                try Check.nonEmpty(email, "representative.email", limit: Placement.Limits.email)
            }
        }
        // The debt that the kinds about one debt name.
        func requiredDebt() throws(ContractError) -> String {
            guard let debtId else {
                throw ContractError(.missingField, field: "debtId", "required for \(kind.rawValue)")
            }
            return debtId
        }
        let meaning: Meaning
        switch kind {
        case .optOut, .optIn:
            guard let channel else {
                throw ContractError(.missingField, field: "channel", "required for \(kind.rawValue)")
            }
            meaning = kind == .optOut ? .optOut(channel) : .optIn(channel)
        case .attorney:
            guard let representative, representative.phone != nil || representative.email != nil else {
                throw ContractError(.missingField, field: "representative", "attorney needs a phone or an e-mail")
            }
            meaning = .attorney(representative)
        case .payment:
            meaning = .payment(debtID: try requiredDebt(), amount: amount, currency: currency)
        case .closed:
            meaning = .closed(debtID: try requiredDebt())
        case .recall:
            meaning = .recall(debtID: try requiredDebt())
        case .promise:
            let debtID = try requiredDebt()
            guard let promise else { throw ContractError(.missingField, field: "promise", "required for promise") }
            try promise.validate()
            meaning = .promise(debtID: debtID, promise)
        case .plan:
            let debtID = try requiredDebt()
            guard let instalments, !instalments.isEmpty else {
                throw ContractError(.missingField, field: "instalments", "a plan needs at least one instalment")
            }
            guard instalments.count <= 120 else {
                throw ContractError(.invalidField, field: "instalments", "at most 120 instalments")
            }
            for (index, instalment) in instalments.enumerated() {
                try Check.amount(instalment.amount, "instalments[\(index)].amount")
                try Check.date(instalment.dueDate, "instalments[\(index)].dueDate")
                if index > 0, instalment.dueDate <= instalments[index - 1].dueDate {
                    throw ContractError(
                        .invalidField, field: "instalments[\(index)].dueDate", "must come after the previous one")
                }
            }
            meaning = .plan(debtID: debtID, instalments: instalments)
        case .deceased:
            meaning = .deceased(representative)
        case .disputeResolved:
            meaning = .disputeResolved
        case .bereavement: meaning = .hold(.bereavement)
        case .hardship: meaning = .hold(.hardship)
        case .breathingSpace: meaning = .hold(.breathingSpace)
        case .dispute: meaning = .hold(.dispute)
        case .cease: meaning = .hold(.cease)
        }
        // Fields of one kind are refused on another rather than ignored: the sender meant something by them.
        if let amount {
            guard kind == .payment else { throw ContractError(.invalidField, field: "amount", "only for a payment") }
            try Check.amount(amount, "amount")
        }
        if let currency {
            guard kind == .payment else { throw ContractError(.invalidField, field: "currency", "only for a payment") }
            try Check.currency(currency, "currency")
        }
        if promise != nil, kind != .promise {
            throw ContractError(.invalidField, field: "promise", "only for a promise")
        }
        return meaning
    }
}
