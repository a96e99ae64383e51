/// Why Tact makes a contact: what a cadence strategy planned it for. Its raw value is the spelling tasks store and
/// calls, reminders and work tasks carry (`first-call`, `broken-promise`, …), and what it prints as.
public enum Purpose: String, Sendable, Hashable, CaseIterable, Codable, Vocabulary, CustomStringConvertible {
    case firstNotice = "first-notice"
    case firstCall = "first-call"
    case retryCall = "retry-call"
    case callBackRequest = "call-back-request"
    case promiseReminder = "promise-reminder"
    case brokenPromise = "broken-promise"
    case instalmentReminder = "instalment-reminder"
    case missedInstalment = "missed-instalment"
    case afterBereavement = "after-bereavement"
    case hardshipReview = "hardship-review"
    case followUpCall = "follow-up-call"
    case survey
    /// The plan the person agreed, in writing: how many instalments, the first one's amount and date.
    case planConfirmation = "plan-confirmation"
    /// The validation information a rulebook requires within days of the first communication, when that
    /// communication did not carry it (a text, a call): a letter or e-mail of its own (12 CFR 1006.34).
    case validationNotice = "validation-notice"

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws { self = try Self.decode(from: decoder, noun: "purpose") }
}
