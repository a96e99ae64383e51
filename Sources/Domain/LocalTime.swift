/// A wall-clock time of day, `HH:MM`, from `00:00` to `24:00` (the end of the day, for window ends).
public struct LocalTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Seconds since local midnight, 0…86 400.
    public var secondOfDay: Int

    /// Creates a time from hours and minutes; `nil` unless it lies in `00:00`…`24:00`.
    public init?(hour: Int, minute: Int) {
        guard (0...24).contains(hour), (0...59).contains(minute), hour < 24 || minute == 0 else { return nil }
        self.secondOfDay = hour * 3600 + minute * 60
    }

    /// Parses `HH:MM`.
    public init?(_ string: some StringProtocol) {
        let bytes = Array(string.utf8)
        guard bytes.count == 5, bytes[2] == UInt8(ascii: ":"), let hour = Digits.number(bytes, 0, 2),
            let minute = Digits.number(bytes, 3, 2)
        else { return nil }
        self.init(hour: hour, minute: minute)
    }

    /// `HH:MM`.
    public var description: String { Digits.pad(secondOfDay / 3600, 2) + ":" + Digits.pad(secondOfDay / 60 % 60, 2) }

    public static func < (lhs: LocalTime, rhs: LocalTime) -> Bool { lhs.secondOfDay < rhs.secondOfDay }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let time = LocalTime(try container.decode(String.self)) else {
            throw PolicyError.decoding(.invalidValue, "expected a time HH:MM between 00:00 and 24:00", in: container)
        }
        self = time
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A half-open span of wall-clock time within one day, `[from, to)`.
public struct TimeWindow: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The first second inside the window.
    public var from: LocalTime
    /// The first second after the window (`24:00` for the end of the day).
    public var to: LocalTime

    /// Creates the window `[from, to)`; callers validate `from < to` (decoding does).
    public init(from: LocalTime, to: LocalTime) {
        self.from = from
        self.to = to
    }

    /// `08:00–21:00`.
    public var description: String { "\(from)–\(to)" }

    private enum CodingKeys: String, CodingKey, CaseIterable { case from, to }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.from = try container.decode(LocalTime.self, forKey: .from)
        self.to = try container.decode(LocalTime.self, forKey: .to)
        guard from < to else {
            throw PolicyError.decoding(.invalidValue, "window must end after it starts", at: container.codingPath)
        }
    }

    package func contains(secondOfDay second: Int) -> Bool { from.secondOfDay <= second && second < to.secondOfDay }
}
