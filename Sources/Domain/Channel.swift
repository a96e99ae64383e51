/// The medium of a contact.
public enum Channel: String, Sendable, Hashable, CaseIterable, Codable, Vocabulary {
    case call, sms, email, letter

    public init(from decoder: any Decoder) throws {
        self = try Self.decode(from: decoder, code: .unknownChannel, noun: "channel")
    }
}

/// The outcome of a past contact, as recorded in the history.
///
/// Which outcomes count toward a frequency cap is the rulebook's choice: under Reg F a call that rang
/// unanswered or reached voicemail counts, one that never connected does not.
public enum ContactResult: String, Sendable, Hashable, CaseIterable, Codable, Vocabulary {
    case conversation
    case noAnswer = "no-answer"
    case voicemail
    case notConnected = "not-connected"
    case delivered
    case failed
    /// Emitted by Tact and not yet reported on. Counts toward every frequency cap of its channel, whatever the
    /// rulebook's `counting` list says: a cap must hold whichever outcome is reported later.
    case pending

    public init(from decoder: any Decoder) throws { self = try Self.decode(from: decoder, noun: "result") }
}

/// The kind of a hold placed on a debtor.
public enum HoldKind: String, Sendable, Hashable, CaseIterable, Codable, Vocabulary {
    case bereavement
    case hardship
    case breathingSpace = "breathing-space"
    case dispute
    case cease
    case deceased
    case attorney

    /// Kinds whose end may default to a number of days set by the rulebook.
    public static let withDefaultDuration: [HoldKind] = [.bereavement, .hardship, .breathingSpace]

    /// Kinds about the person rather than one creditor's account: placed without a debt, they hold every case
    /// that shares the person's key. A dispute is about a debt, and an attorney represents the person for a debt.
    public var concernsThePerson: Bool {
        switch self {
        case .bereavement, .hardship, .breathingSpace, .cease, .deceased: true
        case .dispute, .attorney: false
        }
    }

    /// Kinds that send contact to the debtor's representative instead of suppressing it.
    package var redirectsToRepresentative: Bool { self == .attorney || self == .deceased }

    public init(from decoder: any Decoder) throws { self = try Self.decode(from: decoder, noun: "hold kind") }
}

/// A closed vocabulary spelled as kebab-case strings in JSON and YAML.
package protocol Vocabulary: RawRepresentable, CaseIterable where RawValue == String {}

extension Vocabulary {
    /// Decodes a member, naming the accepted spellings (not the rejected value) when it is unknown.
    package static func decode(from decoder: any Decoder, code: PolicyError.Code = .invalidValue, noun: String) throws
        -> Self
    {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let value = Self(rawValue: raw) else {
            let accepted = allCases.map(\.rawValue).joined(separator: ", ")
            throw PolicyError.decoding(code, "unknown \(noun); expected one of \(accepted)", in: container)
        }
        return value
    }
}
