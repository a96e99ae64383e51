import Domain

/// The engine's answer, exactly as `tact policy evaluate` prints it.
public struct PolicyDecision: Sendable, Equatable, Codable {
    /// The four possible answers.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        /// Permissible at `now`, until ``PolicyDecision/validUntil``.
        case allow
        /// Not now; permissible from ``PolicyDecision/earliest``.
        case `defer`
        /// Not permissible until something changes (a cease, an opt-out, an open dispute, …).
        case suppress
        /// Contact the representative instead (``PolicyDecision/redirectTo``).
        case redirect
    }

    /// Why a rule blocks the contact at `now`.
    public struct Reason: Sendable, Equatable, Codable {
        /// The rule's id, e.g. `contact-hours` or `hold:bereavement`.
        public var rule: RuleID
        /// When the rule stops blocking, if it ever does by itself.
        public var until: Instant?
        /// A human-readable account; field names and ids only, never personal data.
        public var detail: String

        /// Creates a reason.
        public init(rule: RuleID, until: Instant?, detail: String) {
            self.rule = rule
            self.until = until
            self.detail = detail
        }
    }

    /// The answer.
    public var decision: Kind
    /// For `allow`, `now`; for `defer`, the earliest instant `≥ now` permissible under all rules at once.
    public var earliest: Instant?
    /// For `allow`: the end of the permitted window the contact was allowed in, i.e. the first instant after
    /// `now` at which the same contact (same request, same history, nothing new happening) stops being
    /// permissible under all rules at once, to the second. Reminders and calls carry it and expire at it.
    ///
    /// `nil` for an `allow` whose window does not end within the engine's horizon (five years), e.g. a channel
    /// the rulebook exempts from contact hours with no hold ahead; always `nil` for the other decisions.
    /// Omitted from JSON when `nil`.
    public var validUntil: Instant?
    /// Every rule that blocks at `now` (empty for `allow`).
    public var reasons: [Reason]
    /// For `redirect`: who to contact instead.
    public var redirectTo: Representative?

    /// Creates a decision.
    public init(
        decision: Kind, earliest: Instant? = nil, validUntil: Instant? = nil, reasons: [Reason] = [],
        redirectTo: Representative? = nil
    ) {
        self.decision = decision
        self.earliest = earliest
        self.validUntil = validUntil
        self.reasons = reasons
        self.redirectTo = redirectTo
    }
}

/// A rule's id as it appears in reasons: `contact-hours`, `holiday`, `inconvenient-time`, `frequency-cap`,
/// `after-conversation`, `hold:<kind>`, `opt-out`, `unknown-time-zone`.
public struct RuleID: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The id as written in JSON.
    public var rawValue: String

    /// Wraps a raw id (decoding accepts any string so that newer producers stay readable).
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Outside the weekly contact window in some zone.
    public static let contactHours = RuleID(rawValue: "contact-hours")
    /// A holiday (or closed date) in some zone.
    public static let holiday = RuleID(rawValue: "holiday")
    /// Inside hours the consumer designated as inconvenient.
    public static let inconvenientTime = RuleID(rawValue: "inconvenient-time")
    /// A frequency cap is reached.
    public static let frequencyCap = RuleID(rawValue: "frequency-cap")
    /// Within the pause after a conversation.
    public static let afterConversation = RuleID(rawValue: "after-conversation")
    /// The consumer opted out of the channel.
    public static let optOut = RuleID(rawValue: "opt-out")
    /// The debtor's time zone is unknown and the rulebook suppresses.
    public static let unknownTimeZone = RuleID(rawValue: "unknown-time-zone")
    /// A hold of the given kind.
    public static func hold(_ kind: HoldKind) -> RuleID { RuleID(rawValue: "hold:" + kind.rawValue) }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
