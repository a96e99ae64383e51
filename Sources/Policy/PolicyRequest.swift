import Domain

/// Everything the engine needs to decide one proposed contact; the JSON read by `tact policy evaluate`
/// and carried in worker task messages.
///
/// Decoding validates the request (time-zone ids, timestamps, vocabularies, hold spans) and throws a
/// `DecodingError` wrapping a ``PolicyError``; ``PolicyJSON/decode(_:from:)`` unwraps it.
public struct PolicyRequest: Sendable, Equatable, Codable {
    /// The moment of decision; the engine never reads a clock.
    public var now: Instant
    /// The contact being proposed.
    public var contact: Contact
    /// Who would be contacted, with the holds and preferences on file.
    public var debtor: Debtor
    /// Past contacts with this debtor (any debt), in any order.
    public var history: [HistoryEvent]

    /// Creates a request.
    public init(now: Instant, contact: Contact, debtor: Debtor, history: [HistoryEvent] = []) {
        self.now = now
        self.contact = contact
        self.debtor = debtor
        self.history = history
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.now = try container.decode(Instant.self, forKey: .now)
        self.contact = try container.decode(Contact.self, forKey: .contact)
        self.debtor = try container.decode(Debtor.self, forKey: .debtor)
        self.history = try container.decodeIfPresent([HistoryEvent].self, forKey: .history) ?? []
    }
}

/// The proposed contact.
public struct Contact: Sendable, Equatable, Codable {
    /// The medium.
    public var channel: Channel
    /// The debt the contact is about; per-debt caps and waits are keyed by it.
    public var debtId: String

    /// Creates a proposed contact.
    public init(channel: Channel, debtId: String) {
        self.channel = channel
        self.debtId = debtId
    }
}

/// One past contact or attempt.
public struct HistoryEvent: Sendable, Equatable, Codable {
    /// When it happened.
    public var at: Instant
    /// The medium used.
    public var channel: Channel
    /// The debt it was about.
    public var debtId: String
    /// How it ended.
    public var result: ContactResult

    /// Creates a history entry.
    public init(at: Instant, channel: Channel, debtId: String, result: ContactResult) {
        self.at = at
        self.channel = channel
        self.debtId = debtId
        self.result = result
    }
}

/// A hold placed on the debtor: a span during which contact is paused, suppressed or redirected.
public struct Hold: Sendable, Equatable, Codable {
    /// What the hold is for.
    public var kind: HoldKind
    /// When it took effect.
    public var since: Instant
    /// When it ends, if known; otherwise the rulebook's default duration for the kind applies, if any,
    /// and with none the hold is open-ended.
    public var until: Instant?

    /// Creates a hold; throws `invalid-value` if `until` is not after `since`.
    public init(kind: HoldKind, since: Instant, until: Instant? = nil) throws(PolicyError) {
        if let until, until <= since { throw PolicyError(.invalidValue, field: "until", Self.endBeforeStart) }
        self.kind = kind
        self.since = since
        self.until = until
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.kind = try container.decode(HoldKind.self, forKey: .kind)
        self.since = try container.decode(Instant.self, forKey: .since)
        self.until = try container.decodeIfPresent(Instant.self, forKey: .until)
        if let until, until <= since {
            throw PolicyError.decoding(
                .invalidValue, Self.endBeforeStart, at: container.codingPath + [CodingKeys.until])
        }
    }

    private static let endBeforeStart = "hold must end after it starts"
}

/// Hours the consumer has said are inconvenient, on the given weekdays, in the debtor's first time zone.
public struct InconvenientTime: Sendable, Equatable, Codable {
    /// The weekdays the range applies to.
    public var days: [Weekday]
    /// Start of the range (inclusive).
    public var from: LocalTime
    /// End of the range (exclusive); `24:00` for the end of the day.
    public var to: LocalTime

    /// Creates a range; throws `invalid-value` if it is empty or names no day.
    public init(days: [Weekday], from: LocalTime, to: LocalTime) throws(PolicyError) {
        if let problem = Self.problem(days: days, from: from, to: to) {
            throw PolicyError(.invalidValue, field: "", problem)
        }
        self.days = days
        self.from = from
        self.to = to
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.days = try container.decode([Weekday].self, forKey: .days)
        self.from = try container.decode(LocalTime.self, forKey: .from)
        self.to = try container.decode(LocalTime.self, forKey: .to)
        if let problem = Self.problem(days: days, from: from, to: to) {
            throw PolicyError.decoding(.invalidValue, problem, at: container.codingPath)
        }
    }

    private static func problem(days: [Weekday], from: LocalTime, to: LocalTime) -> String? {
        if days.isEmpty { return "inconvenient time must name at least one day" }
        if from >= to { return "inconvenient time must end after it starts" }
        return nil
    }
}

/// Who acts for the debtor: an attorney, or the estate's representative of a deceased debtor.
///
/// Passed through to ``PolicyDecision/redirectTo`` unchanged; the engine never puts it in a message.
public struct Representative: Sendable, Equatable, Codable {
    /// `attorney`, `estate`, … (free text, not interpreted).
    public var kind: String?
    /// The representative's name.
    public var name: String?
    /// A telephone number.
    public var phone: String?
    /// An e-mail address.
    public var email: String?

    /// Creates a representative record.
    public init(kind: String? = nil, name: String? = nil, phone: String? = nil, email: String? = nil) {
        self.kind = kind
        self.name = name
        self.phone = phone
        self.email = email
    }
}
