/// A day of the week, spelled as in rulebooks and requests (`mon` … `sun`).
public enum Weekday: String, Sendable, Hashable, CaseIterable, Codable, Comparable, Vocabulary {
    case mon, tue, wed, thu, fri, sat, sun

    /// Monday = 0 … Sunday = 6, the index used by the engine's weekly tables.
    public var index: Int {
        switch self {
        case .mon: 0
        case .tue: 1
        case .wed: 2
        case .thu: 3
        case .fri: 4
        case .sat: 5
        case .sun: 6
        }
    }

    /// The weekday of a day number (days since 1970-01-01, which was a Thursday).
    package init(dayNumber: Int) {
        let index = ((dayNumber + 3) % 7 + 7) % 7
        self = Weekday.allCases[index]
    }

    /// Monday-first index of a day number, without building the enum (hot path).
    package static func index(ofDay dayNumber: Int) -> Int { ((dayNumber + 3) % 7 + 7) % 7 }

    /// `Mon`, `Tue`, … for human-readable details.
    package var shortName: String { Self.shortNames[index] }

    private static let shortNames = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool { lhs.index < rhs.index }

    public init(from decoder: any Decoder) throws { self = try Self.decode(from: decoder, noun: "weekday") }
}
