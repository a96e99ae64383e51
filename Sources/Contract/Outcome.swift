import Domain
import Policy

/// What happened when a contact was made (exchange `tact.outcomes`, routing key `outcome`), reported by
/// specialists and channel gateways.
public struct Outcome: ContractMessage, Equatable {
    public static let messageType = "outcome"

    public enum Result: String, Codable, Sendable, CaseIterable {
        case conversation, voicemail, delivered, failed
        case noAnswer = "no-answer"
        case notConnected = "not-connected"
        /// A conversation in which the debtor promised to pay; carries ``Outcome/promise``.
        case promiseToPay = "promise-to-pay"
        /// The answer to the survey sent after a case closed; carries ``Outcome/score`` and maybe a comment.
        case surveyResponse = "survey-response"

        /// How the contact ledger counts it.
        public var contactResult: ContactResult {
            switch self {
            case .conversation, .promiseToPay: .conversation
            case .voicemail: .voicemail
            case .delivered, .surveyResponse: .delivered
            case .failed: .failed
            case .noAnswer: .noAnswer
            case .notConnected: .notConnected
            }
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            guard let result = Result(rawValue: try container.decode(String.self)) else {
                let accepted = Result.allCases.map(\.rawValue).joined(separator: ", ")
                throw DecodingError.dataCorrupted(
                    .init(
                        codingPath: container.codingPath, debugDescription: "unknown result",
                        underlyingError: ContractError(
                            .invalidField, field: "result", "unknown result; expected one of \(accepted)")))
            }
            self = result
        }
    }

    /// A promise to pay `amount` by `date`.
    public struct Promise: Codable, Sendable, Equatable {
        public var amount: String
        /// `YYYY-MM-DD`.
        public var date: String

        public init(amount: String, date: String) {
            self.amount = amount
            self.date = date
        }

        /// A positive decimal amount and a date `YYYY-MM-DD`; whether the debtor's calendar and the debt allow
        /// them is the scheduler's to check.
        public func validate() throws(ContractError) {
            try Check.amount(amount, "promise.amount")
            try Check.date(date, "promise.date")
        }
    }

    public var type = Outcome.messageType
    public var version = 1
    public var outcomeId: String
    /// The task whose contact this reports on.
    public var taskId: String
    /// The creditor whose debtor this is, as the contact named it; checked against the task when present.
    public var creditorId: String?
    public var debtorId: String
    public var debtId: String
    public var channel: Channel
    public var at: Instant
    public var result: Result
    public var promise: Promise?
    /// For `survey-response`: how the person felt treated, 1 (poorly) to 5 (very well).
    public var score: Int?
    /// For `survey-response`: what they wrote, if anything. Personal data: stored, never logged.
    public var comment: String?
    /// A correction: the `outcomeId` of the task's latest outcome, which this one replaces (what followed from it is
    /// undone, and the cadence goes on from this one). Without it, a second outcome for a task is refused.
    public var corrects: String?
    /// For `failed`: why, as a short code from the sender (`smtp-550`, `http-400`, `invalid-number`, `bounced`).
    /// Counted and logged by the sender; the ledger records the result.
    public var reason: String?

    public init(
        outcomeId: String, taskId: String, creditorId: String? = nil, debtorId: String, debtId: String,
        channel: Channel, at: Instant,
        result: Result, promise: Promise? = nil, score: Int? = nil, comment: String? = nil, corrects: String? = nil
    ) {
        self.outcomeId = outcomeId
        self.taskId = taskId
        self.creditorId = creditorId
        self.debtorId = debtorId
        self.debtId = debtId
        self.channel = channel
        self.at = at
        self.result = result
        self.promise = promise
        self.score = score
        self.comment = comment
        self.corrects = corrects
    }

    public func validate() throws(ContractError) { _ = try meaning() }

    /// What the outcome says, with the fields its result requires (``Meaning``); throws what ``validate()`` throws.
    public func meaning() throws(ContractError) -> Meaning {
        try Check.identifier(outcomeId, "outcomeId")
        try Check.identifier(taskId, "taskId")
        if let creditorId { try Check.creditor(creditorId, "creditorId") }
        try Check.identifier(debtorId, "debtorId")
        try Check.identifier(debtId, "debtId")
        try Check.plausible(at, "at")
        if let corrects {
            try Check.identifier(corrects, "corrects")
            guard corrects != outcomeId else {
                throw ContractError(.invalidField, field: "corrects", "an outcome cannot correct itself")
            }
        }
        if let reason {
            guard result == .failed else { throw ContractError(.invalidField, field: "reason", "only for failed") }
            guard reason.utf8.count <= 64, reason.wholeMatch(of: /[a-z0-9][a-z0-9-]*/) != nil else {
                throw ContractError(.invalidField, field: "reason", "must be a short code: a-z, 0-9, -")
            }
        }
        if result != .surveyResponse, score != nil || comment != nil {
            throw ContractError(.invalidField, field: score != nil ? "score" : "comment", "only for survey-response")
        }
        switch result {
        case .surveyResponse:
            guard let score else { throw ContractError(.missingField, field: "score", "required for survey-response") }
            guard (1...5).contains(score) else { throw ContractError(.invalidField, field: "score", "must be 1…5") }
            if let comment, comment.utf8.count > 4000 {
                throw ContractError(.invalidField, field: "comment", "longer than 4000 bytes")
            }
            return .surveyResponse(score: score, comment: comment)
        case .promiseToPay:
            guard let promise else {
                throw ContractError(.missingField, field: "promise", "required for promise-to-pay")
            }
            try promise.validate()
            return .promiseToPay(promise)
        case .conversation: return .conversation
        case .voicemail: return .voicemail
        case .delivered: return .delivered
        case .failed: return .failed
        case .noAnswer: return .noAnswer
        case .notConnected: return .notConnected
        }
    }
}
