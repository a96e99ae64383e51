import Domain

/// The person a contact would reach, with what the engine must respect about them.
public struct Debtor: Sendable, Equatable, Codable {
    /// An opaque identifier (never a name).
    public var id: String
    /// IANA time-zone ids of every plausible location (address, phone numbers); the first one counts local
    /// days for caps and holds and places inconvenient times. Empty when unknown: the rulebook decides.
    public var timeZones: [String]
    /// Hours the consumer designated as inconvenient.
    public var inconvenient: [InconvenientTime]
    /// Holds on file.
    public var holds: [Hold]
    /// Channels the consumer opted out of.
    public var optOuts: [Channel]
    /// The attorney or estate representative, if known.
    public var representative: Representative?

    /// Creates a debtor; throws `unknown-time-zone` for an id the system's time-zone database lacks.
    public init(
        id: String, timeZones: [String], inconvenient: [InconvenientTime] = [], holds: [Hold] = [],
        optOuts: [Channel] = [], representative: Representative? = nil
    ) throws(PolicyError) {
        for (index, zone) in timeZones.enumerated() where ZoneTable.named(zone) == nil {
            throw PolicyError(.unknownTimeZone, field: "timeZones[\(index)]", Self.unknownZone)
        }
        self.id = id
        self.timeZones = timeZones
        self.inconvenient = inconvenient
        self.holds = holds
        self.optOuts = optOuts
        self.representative = representative
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.id = try container.decode(String.self, forKey: .id)
        self.timeZones = try container.decode([String].self, forKey: .timeZones)
        for (index, zone) in timeZones.enumerated() where ZoneTable.named(zone) == nil {
            let path = container.codingPath + [CodingKeys.timeZones, IndexKey(intValue: index)]
            throw PolicyError.decoding(.unknownTimeZone, Self.unknownZone, at: path)
        }
        self.inconvenient = try container.decodeIfPresent([InconvenientTime].self, forKey: .inconvenient) ?? []
        self.holds = try container.decodeIfPresent([Hold].self, forKey: .holds) ?? []
        self.optOuts = try container.decodeIfPresent([Channel].self, forKey: .optOuts) ?? []
        self.representative = try container.decodeIfPresent(Representative.self, forKey: .representative)
    }

    private static let unknownZone = "unknown time-zone id (expected an IANA id such as Europe/Warsaw)"
}

/// A coding-path element for an array index.
struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { intValue.map(String.init) ?? "" }
    init(intValue: Int) { self.intValue = intValue }
    init?(stringValue: String) { nil }
}
