import Domain

/// The numbers and choices of one jurisdiction or company policy; the engine hard-codes none of them.
///
/// A plain value, loaded once (from YAML by `TactConfig`, or from JSON in a task message) and shared by
/// every evaluation. Decoding rejects unknown fields and checks each part; ``validate()`` checks the whole.
public struct Rulebook: Sendable, Equatable, Codable {
    /// Short kebab-case id, e.g. `us-regf`; equals the file name in `Config/rulebooks/`.
    public var id: String
    /// Human-readable title for explanations.
    public var title: String
    /// Weekly contact windows in the debtor's local time.
    public var contactHours: ContactHours
    /// Calendars whose holidays close the whole day (in each of the debtor's zones).
    public var holidayCalendars: [HolidayCalendar]
    /// Extra closed dates (e.g. a newly proclaimed bank holiday), in each of the debtor's zones.
    public var closedDates: [LocalDate]
    /// Rolling caps; all that apply to the channel must hold at once.
    public var frequencyCaps: [FrequencyCap]
    /// The pause after a conversation, if the rulebook has one.
    public var afterConversation: AfterConversation?
    /// Default lengths, in days, of holds that have no explicit end.
    public var holdDurations: [HoldKind: Int]
    /// What to do when the debtor's time zone is unknown.
    public var unknownTimeZone: UnknownTimeZonePolicy
    /// Whether the first communication must be followed by written validation information, and how soon; `nil`
    /// when the rulebook requires none. The scheduler plans it; the policy still decides when it is sent.
    public var validationNotice: ValidationNotice?

    /// Creates a rulebook; call ``validate()`` (or build a ``PolicyEngine``, which does) before use.
    public init(
        id: String, title: String, contactHours: ContactHours, holidayCalendars: [HolidayCalendar] = [],
        closedDates: [LocalDate] = [], frequencyCaps: [FrequencyCap] = [], afterConversation: AfterConversation? = nil,
        holdDurations: [HoldKind: Int] = [:], unknownTimeZone: UnknownTimeZonePolicy = .suppress,
        validationNotice: ValidationNotice? = nil
    ) {
        self.validationNotice = validationNotice
        self.id = id
        self.title = title
        self.contactHours = contactHours
        self.holidayCalendars = holidayCalendars
        self.closedDates = closedDates
        self.frequencyCaps = frequencyCaps
        self.afterConversation = afterConversation
        self.holdDurations = holdDurations
        self.unknownTimeZone = unknownTimeZone
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case id, title, contactHours, holidayCalendars, closedDates, frequencyCaps, afterConversation
        case holdDurations, unknownTimeZone, validationNotice
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try c.decode(String.self, forKey: .id)
        self.title = try c.decode(String.self, forKey: .title)
        self.contactHours = try c.decode(ContactHours.self, forKey: .contactHours)
        self.holidayCalendars = try c.decodeIfPresent([HolidayCalendar].self, forKey: .holidayCalendars) ?? []
        self.closedDates = try c.decodeIfPresent([LocalDate].self, forKey: .closedDates) ?? []
        self.frequencyCaps = try c.decodeIfPresent([FrequencyCap].self, forKey: .frequencyCaps) ?? []
        self.afterConversation = try c.decodeIfPresent(AfterConversation.self, forKey: .afterConversation)
        let durations = try c.decodeIfPresent(HoldDurations.self, forKey: .holdDurations)
        self.holdDurations = durations?.days ?? [:]
        self.unknownTimeZone = try c.decode(UnknownTimeZonePolicy.self, forKey: .unknownTimeZone)
        self.validationNotice = try c.decodeIfPresent(ValidationNotice.self, forKey: .validationNotice)
        try validate()
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(title, forKey: .title)
        try c.encode(contactHours, forKey: .contactHours)
        try c.encode(holidayCalendars, forKey: .holidayCalendars)
        try c.encode(closedDates, forKey: .closedDates)
        try c.encode(frequencyCaps, forKey: .frequencyCaps)
        try c.encodeIfPresent(afterConversation, forKey: .afterConversation)
        try c.encode(HoldDurations(days: holdDurations), forKey: .holdDurations)
        try c.encode(unknownTimeZone, forKey: .unknownTimeZone)
        try c.encodeIfPresent(validationNotice, forKey: .validationNotice)
    }
}

/// Written validation information owed after the first communication on a debt (12 CFR 1006.34(a)(1)): within
/// `days` of it, on the first of `channels` the person can be reached on, unless that communication carried it.
public struct ValidationNotice: Sendable, Equatable, Codable {
    public var days: Int
    /// Written channels only: the notice is a letter or an e-mail.
    public var channels: [Channel]

    public init(days: Int, channels: [Channel]) {
        self.days = days
        self.channels = channels
    }

    private enum CodingKeys: String, CodingKey, CaseIterable { case days, channels }
}

/// Contact windows per weekday, `[from, to)` in local wall-clock time; a weekday without windows is closed.
public struct ContactHours: Sendable, Equatable, Codable {
    /// Channels the hours (and holiday closings) apply to.
    public var channels: [Channel]
    /// Windows for each weekday, sorted and disjoint.
    public var windows: [Weekday: [TimeWindow]]

    /// Creates contact hours for the given channels (all by default).
    public init(channels: [Channel] = Channel.allCases, windows: [Weekday: [TimeWindow]]) {
        self.channels = channels
        self.windows = windows
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: FieldKey.self)
        self.channels =
            try c.decodeIfPresent([Channel].self, forKey: FieldKey("channels")) ?? Channel.allCases
        var windows: [Weekday: [TimeWindow]] = [:]
        for day in Weekday.allCases {
            windows[day] = try c.decodeIfPresent([TimeWindow].self, forKey: FieldKey(day.rawValue))
        }
        self.windows = windows
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: FieldKey.self)
        try c.encode(channels, forKey: FieldKey("channels"))
        for day in Weekday.allCases {
            if let list = windows[day] { try c.encode(list, forKey: FieldKey(day.rawValue)) }
        }
    }
}

/// Whose contacts a cap or pause counts.
public enum CapScope: String, Sendable, Hashable, CaseIterable, Codable, Vocabulary {
    /// Only contacts about the same debt (Reg F counts per debt).
    case debt
    /// Every contact with the debtor, whatever the debt.
    case debtor

    public init(from decoder: any Decoder) throws { self = try Self.decode(from: decoder, noun: "scope") }
}

/// At most `limit` counted contacts on `channels` within `days` consecutive local calendar days.
public struct FrequencyCap: Sendable, Equatable, Codable {
    /// Names the cap in reasons, e.g. `calls-per-debt`.
    public var id: String
    /// Channels the cap applies to and counts.
    public var channels: [Channel]
    /// The most counted contacts allowed in the window.
    public var limit: Int
    /// Window length in local calendar days (the day of the contact included).
    public var days: Int
    /// Per debt or per debtor.
    public var scope: CapScope
    /// Outcomes that count (e.g. Reg F: `no-answer`, `voicemail`, `conversation`; not `not-connected`).
    public var counting: [ContactResult]

    /// Creates a cap.
    public init(id: String, channels: [Channel], limit: Int, days: Int, scope: CapScope, counting: [ContactResult]) {
        self.id = id
        self.channels = channels
        self.limit = limit
        self.days = days
        self.scope = scope
        self.counting = counting
    }

    private enum CodingKeys: String, CodingKey, CaseIterable { case id, channels, limit, days, scope, counting }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.decode(String.self, forKey: .id), channels: try c.decode([Channel].self, forKey: .channels),
            limit: try c.decode(Int.self, forKey: .limit), days: try c.decode(Int.self, forKey: .days),
            scope: try c.decode(CapScope.self, forKey: .scope),
            counting: try c.decode([ContactResult].self, forKey: .counting))
    }
}

/// No contact on `channels` on the local day of a conversation on one of those channels and the following
/// `days − 1` days (the conversation day is day 1).
public struct AfterConversation: Sendable, Equatable, Codable {
    /// Length of the pause in local calendar days, the conversation day included.
    public var days: Int
    /// Channels whose conversations start the pause and which the pause blocks.
    public var channels: [Channel]
    /// Per debt (Reg F) or per debtor.
    public var scope: CapScope

    /// Creates the rule.
    public init(days: Int, channels: [Channel], scope: CapScope) {
        self.days = days
        self.channels = channels
        self.scope = scope
    }

    private enum CodingKeys: String, CodingKey, CaseIterable { case days, channels, scope }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            days: try c.decode(Int.self, forKey: .days), channels: try c.decode([Channel].self, forKey: .channels),
            scope: try c.decode(CapScope.self, forKey: .scope))
    }
}

/// What the engine does when a debtor has no known time zone.
public enum UnknownTimeZonePolicy: Sendable, Equatable, Codable {
    /// Suppress with reason `unknown-time-zone`.
    case suppress
    /// Act as if the debtor were in all these zones at once (their windows intersected).
    case fallback(zones: [String])

    private enum CodingKeys: String, CodingKey, CaseIterable { case action, zones }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .action) {
        case "suppress": self = .suppress
        case "fallback": self = .fallback(zones: try c.decode([String].self, forKey: .zones))
        default:
            throw PolicyError.decoding(
                .invalidValue, "unknown action; expected suppress or fallback", at: c.codingPath + [CodingKeys.action])
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .suppress: try c.encode("suppress", forKey: .action)
        case .fallback(let zones):
            try c.encode("fallback", forKey: .action)
            try c.encode(zones, forKey: .zones)
        }
    }
}

/// `holdDurations` as written: kind names to days.
private struct HoldDurations: Codable {
    var days: [HoldKind: Int]

    init(days: [HoldKind: Int]) { self.days = days }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: FieldKey.self)
        var days: [HoldKind: Int] = [:]
        for kind in HoldKind.withDefaultDuration {
            days[kind] = try c.decodeIfPresent(Int.self, forKey: FieldKey(kind.rawValue))
        }
        self.days = days
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: FieldKey.self)
        for kind in HoldKind.withDefaultDuration {
            if let value = days[kind] { try c.encode(value, forKey: FieldKey(kind.rawValue)) }
        }
    }
}
