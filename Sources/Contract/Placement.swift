import Domain
import Policy

/// A creditor places a debtor and one debt with Tact (exchange `tact.intake`, routing key `placement`).
public struct Placement: ContractMessage, Equatable {
    public static let messageType = "placement"

    public var type = Placement.messageType
    public var version = 1
    /// Unique per placement, and names one debt of one debtor for good: the same placement sent again changes nothing,
    /// changed content under the same id amends the case.
    public var placementId: String
    /// Must equal the AMQP `user_id` when the message carries one (RabbitMQ verifies that property).
    public var creditorId: String
    /// Rulebook id; when absent, the creditor's rulebook from the configuration applies.
    public var rulebook: String?
    /// Cadence strategy id; when absent, the creditor's or the default strategy applies.
    public var strategy: String?
    /// The specialist who keeps the case; calls go to the pool when absent.
    public var specialistId: String?
    public var debtor: Debtor
    public var debt: Debt

    /// The person, as the creditor knows them. Everything but `id` and `timeZones` is personal data.
    public struct Debtor: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        /// IANA ids of every plausible location; empty when unknown (the rulebook decides what that means).
        public var timeZones: [String]
        public var phone: String
        public var sms: String?
        public var email: String?
        /// Postal address for letters; without one, no letter is sent.
        public var address: String?
        public var language: String
        /// Hours the consumer asked not to be contacted.
        public var inconvenient: [InconvenientTime]?
        /// An opaque key the creditor derives for the person (a keyed hash of a national id, say), the same for
        /// every creditor of the agency. Cases that share it are one person to the policy: holds, opt-outs and caps
        /// count across them, so that two creditors' placements never double what the rulebook allows. Without it
        /// nothing is linked.
        public var personKey: String?

        public init(
            id: String, name: String, timeZones: [String], phone: String, sms: String? = nil, email: String? = nil,
            address: String? = nil, language: String, inconvenient: [InconvenientTime]? = nil,
            personKey: String? = nil
        ) {
            self.id = id
            self.name = name
            self.timeZones = timeZones
            self.phone = phone
            self.sms = sms
            self.email = email
            self.address = address
            self.language = language
            self.inconvenient = inconvenient
            self.personKey = personKey
        }
    }

    public struct Debt: Codable, Sendable, Equatable {
        public var id: String
        /// Decimal text such as `120.50`; never a floating-point number.
        public var amount: String
        /// ISO 4217, e.g. `USD`.
        public var currency: String
        /// `YYYY-MM-DD`.
        public var dueDate: String

        public init(id: String, amount: String, currency: String, dueDate: String) {
            self.id = id
            self.amount = amount
            self.currency = currency
            self.dueDate = dueDate
        }
    }

    public init(
        placementId: String, creditorId: String, rulebook: String? = nil, strategy: String? = nil,
        specialistId: String? = nil, debtor: Debtor, debt: Debt
    ) {
        self.placementId = placementId
        self.creditorId = creditorId
        self.rulebook = rulebook
        self.strategy = strategy
        self.specialistId = specialistId
        self.debtor = debtor
        self.debt = debt
    }

    /// The placement's content, as a short fingerprint: the same placement sent again has the same one, an
    /// amendment (changed content under the same `placementId`) another. FNV-1a (64 bits) of its canonical JSON,
    /// so fields a newer sender adds, unknown here, do not count.
    public var fingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in MessageCoding.encode(self) {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// The limits of a placement's fields beyond ids (1–128 characters) and names (200); see `docs/amqp-api.md`.
    public enum Limits {
        public static let timeZones = 8
        public static let inconvenient = 28
        public static let phone = 32
        public static let email = 254
        public static let address = 500
        public static let language = 35
    }

    public func validate() throws(ContractError) {
        try Check.identifier(placementId, "placementId")
        try Check.creditor(creditorId, "creditorId")
        if let rulebook { try Check.identifier(rulebook, "rulebook") }
        if let strategy { try Check.identifier(strategy, "strategy") }
        if let specialistId {
            try Check.identifier(specialistId, "specialistId")
            // `tact.calls.pool` is the shared queue; a specialist of that name would read everyone's calls.
            guard specialistId != "pool" else {
                throw ContractError(.invalidField, field: "specialistId", "\"pool\" is reserved for the shared queue")
            }
        }
        try Check.identifier(debtor.id, "debtor.id")
        if let personKey = debtor.personKey { try Check.identifier(personKey, "debtor.personKey") }
        try Check.nonEmpty(debtor.name, "debtor.name")
        try Check.nonEmpty(debtor.phone, "debtor.phone", limit: Self.Limits.phone)
        if let sms = debtor.sms { try Check.nonEmpty(sms, "debtor.sms", limit: Self.Limits.phone) }
        if let email = debtor.email {
            try Check.nonEmpty(email, "debtor.email", limit: Self.Limits.email)
            guard email.contains("@") else {
                throw ContractError(.invalidField, field: "debtor.email", "not an address")
            }
        }
        if let address = debtor.address { try Check.nonEmpty(address, "debtor.address", limit: Self.Limits.address) }
        try Check.nonEmpty(debtor.language, "debtor.language", limit: Self.Limits.language)
        // Each zone is searched for every decision: a bound keeps every task decidable, and its decision small.
        try Check.count(debtor.timeZones.count, "debtor.timeZones", limit: Self.Limits.timeZones)
        try Check.count(debtor.inconvenient?.count ?? 0, "debtor.inconvenient", limit: Self.Limits.inconvenient)
        do {
            _ = try Policy.Debtor(id: debtor.id, timeZones: debtor.timeZones)
        } catch {
            throw ContractError(.invalidField, field: "debtor." + error.field, error.problem)
        }
        try Check.identifier(debt.id, "debt.id")
        try Check.amount(debt.amount, "debt.amount")
        try Check.currency(debt.currency, "debt.currency")
        try Check.date(debt.dueDate, "debt.dueDate")
    }
}
