import Domain
import Policy

// What the humane flows remember: promises, payment plans, survey answers, and specialists' absences.

/// A promise to pay made in a conversation.
public struct PromiseRecord: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case open
        /// A payment arrived by the end of the promised day.
        case kept
        /// The promised day ended without a payment.
        case broken
        /// Superseded (a newer promise or a plan about the same debt, or the debt closed).
        case withdrawn
    }

    /// The outcome or event that carried it.
    public var id: String
    public var debtorID: String
    public var debtID: String
    /// The call in which it was made; `nil` for a promise the creditor reported (a `promise` event).
    public var taskID: String?
    /// Decimal text, as promised.
    public var amount: String
    /// `YYYY-MM-DD`, the debtor's local day.
    public var date: String
    public var status: Status
    public var createdAt: Instant

    enum CodingKeys: String, CodingKey {
        case id
        case debtorID = "debtor_id"
        case debtID = "debt_id"
        case taskID = "task_id"
        case amount, date, status
        case createdAt = "created_at"
    }

    public init(
        id: String, debtorID: String, debtID: String, taskID: String?, amount: String, date: String,
        status: Status = .open, createdAt: Instant
    ) {
        self.id = id
        self.debtorID = debtorID
        self.debtID = debtID
        self.taskID = taskID
        self.amount = amount
        self.date = date
        self.status = status
        self.createdAt = createdAt
    }
}

/// A payment the creditor reported, with its amount (the balance left on the debt, or the plan's instalment, when
/// the event named none).
public struct PaymentRecord: Sendable, Equatable, Codable {
    /// The event that reported it.
    public var id: String
    public var debtorID: String
    public var debtID: String
    /// Decimal text in the debt's currency.
    public var amount: String
    /// When it was paid (the event's `at`).
    public var at: Instant
    /// When Tact recorded it: promises and plans count the payments recorded after them.
    public var createdAt: Instant

    enum CodingKeys: String, CodingKey {
        case id
        case debtorID = "debtor_id"
        case debtID = "debt_id"
        case amount, at
        case createdAt = "created_at"
    }

    public init(id: String, debtorID: String, debtID: String, amount: String, at: Instant, createdAt: Instant) {
        self.id = id
        self.debtorID = debtorID
        self.debtID = debtID
        self.amount = amount
        self.at = at
        self.createdAt = createdAt
    }
}

/// An outcome as reported, kept beside the ledger entry it set: a correction leaves both (the ledger holds the
/// latest result).
public struct OutcomeRecord: Sendable, Equatable, Codable {
    /// The outcome's id.
    public var id: String
    public var taskID: String
    public var debtorID: String
    public var debtID: String
    public var channel: Channel
    /// The result as reported (`promise-to-pay`, `survey-response`, …), not as the ledger counts it.
    public var result: String
    /// When it happened.
    public var at: Instant
    /// The outcome it replaced, for a correction.
    public var corrects: String?
    /// When Tact recorded it.
    public var createdAt: Instant

    enum CodingKeys: String, CodingKey {
        case id
        case taskID = "task_id"
        case debtorID = "debtor_id"
        case debtID = "debt_id"
        case channel, result, at, corrects
        case createdAt = "created_at"
    }

    public init(
        id: String, taskID: String, debtorID: String, debtID: String, channel: Channel, result: String, at: Instant,
        corrects: String?, createdAt: Instant
    ) {
        self.id = id
        self.taskID = taskID
        self.debtorID = debtorID
        self.debtID = debtID
        self.channel = channel
        self.result = result
        self.at = at
        self.corrects = corrects
        self.createdAt = createdAt
    }
}

extension Array where Element == OutcomeRecord {
    /// The task's current outcome among its outcomes: the one no other corrects. Not the last by time: times are
    /// whole seconds, and two outcomes may share one.
    public var current: OutcomeRecord? {
        let corrected = Set(compactMap(\.corrects))
        return last { !corrected.contains($0.id) }
    }
}

/// A repayment plan: instalments with amounts and due dates.
public struct PlanRecord: Sendable, Equatable, Codable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case active
        /// Every instalment paid.
        case completed
        /// Replaced by a newer plan, or the debt closed.
        case withdrawn
    }

    public struct Instalment: Sendable, Equatable, Codable {
        public var amount: String
        /// `YYYY-MM-DD`, the debtor's local day.
        public var dueDate: String
        public var paidAt: Instant?

        public init(amount: String, dueDate: String, paidAt: Instant? = nil) {
            self.amount = amount
            self.dueDate = dueDate
            self.paidAt = paidAt
        }
    }

    /// The event that set it up.
    public var id: String
    public var debtorID: String
    public var debtID: String
    public var instalments: [Instalment]
    public var status: Status
    public var createdAt: Instant

    enum CodingKeys: String, CodingKey {
        case id
        case debtorID = "debtor_id"
        case debtID = "debt_id"
        case instalments, status
        case createdAt = "created_at"
    }

    public init(
        id: String, debtorID: String, debtID: String, instalments: [Instalment], status: Status = .active,
        createdAt: Instant
    ) {
        self.id = id
        self.debtorID = debtorID
        self.debtID = debtID
        self.instalments = instalments
        self.status = status
        self.createdAt = createdAt
    }

    /// The first instalment not yet paid.
    public var nextUnpaid: Int? { instalments.firstIndex { $0.paidAt == nil } }
}

/// How a person rated the way they were treated, after their case closed.
public struct SurveyResponseRecord: Sendable, Equatable, Codable {
    /// The outcome that carried it.
    public var id: String
    public var debtorID: String
    public var debtID: String
    public var taskID: String
    /// 1 (poorly) to 5 (very well).
    public var score: Int
    /// Free text. Personal data: kept, never logged.
    public var comment: String?
    public var at: Instant

    enum CodingKeys: String, CodingKey {
        case id
        case debtorID = "debtor_id"
        case debtID = "debt_id"
        case taskID = "task_id"
        case score, comment, at
    }

    public init(
        id: String, debtorID: String, debtID: String, taskID: String, score: Int, comment: String?, at: Instant
    ) {
        self.id = id
        self.debtorID = debtorID
        self.debtID = debtID
        self.taskID = taskID
        self.score = score
        self.comment = comment
        self.at = at
    }
}

/// A specialist as the store knows them: whether they joined or retired at runtime, and their absence. While away,
/// their calls go to the backup (or the pool) and come back afterwards.
public struct SpecialistRecord: Sendable, Equatable, Codable {
    public var id: String
    /// Away until this instant (exclusive); `nil` when present.
    public var awayUntil: Instant?
    /// Who takes their calls meanwhile; the pool when `nil`.
    public var backupID: String?
    /// When a `join` put them on the roster; `nil` when only the service file lists them (or they never joined).
    public var joinedAt: Instant?
    /// When they retired; a retired specialist is off the roster, whatever the service file lists, until they join
    /// again.
    public var retiredAt: Instant?

    enum CodingKeys: String, CodingKey {
        case id
        case awayUntil = "away_until"
        case backupID = "backup_id"
        case joinedAt = "joined_at"
        case retiredAt = "retired_at"
    }

    public init(
        id: String, awayUntil: Instant? = nil, backupID: String? = nil, joinedAt: Instant? = nil,
        retiredAt: Instant? = nil
    ) {
        self.id = id
        self.awayUntil = awayUntil
        self.backupID = backupID
        self.joinedAt = joinedAt
        self.retiredAt = retiredAt
    }

    public func isAway(at now: Instant) -> Bool { awayUntil.map { now < $0 } ?? false }

    /// Where a specialist stands on the roster.
    public enum Standing: Sendable, Equatable {
        /// On the roster: listed in the service file or joined, and not retired since.
        case member
        /// Retired at this instant.
        case retired(Instant)
        /// Never listed nor joined.
        case unknown
    }

    /// Where the specialist `record` describes (`nil`: the store knows nothing of them) stands, given whether the
    /// service file lists them: a runtime `join` or `retire` wins over the file.
    public static func standing(of record: SpecialistRecord?, listed: Bool) -> Standing {
        if let retiredAt = record?.retiredAt { return .retired(retiredAt) }
        return listed || record?.joinedAt != nil ? .member : .unknown
    }
}

/// A debtor's case moving from one specialist to another, as `tact explain` shows it on the timeline.
public struct HandoverRecord: Sendable, Equatable, Codable {
    /// Why the case moved.
    public enum Cause: String, Sendable, Codable, CaseIterable {
        /// A `handover` gave it to another specialist.
        case handover
        /// The specialist who kept it retired (a `retire`).
        case retirement
    }

    /// The `specialist` message that moved it.
    public var changeID: String
    public var debtorID: String
    /// Who kept the case before; `nil`: nobody (the pool).
    public var fromID: String?
    /// Who keeps it now; `nil`: nobody (the pool).
    public var toID: String?
    public var at: Instant
    public var cause: Cause

    enum CodingKeys: String, CodingKey {
        case changeID = "change_id"
        case debtorID = "debtor_id"
        case fromID = "from_id"
        case toID = "to_id"
        case at, cause
    }

    public init(changeID: String, debtorID: String, fromID: String?, toID: String?, at: Instant, cause: Cause) {
        self.changeID = changeID
        self.debtorID = debtorID
        self.fromID = fromID
        self.toID = toID
        self.at = at
        self.cause = cause
    }
}
