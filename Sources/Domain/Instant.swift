import Foundation

/// A point in time at one-second resolution, written as RFC 3339 (`2026-12-01T13:30:00Z`).
///
/// The engine answers "to the second", so instants are whole seconds since the Unix epoch; fractional
/// seconds in input are accepted (RFC 3339 allows them) and truncated. Output is always UTC with `Z`.
public struct Instant: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var secondsSinceEpoch: Int64

    /// Creates the instant `secondsSinceEpoch` seconds after the Unix epoch.
    public init(secondsSinceEpoch: Int64) { self.secondsSinceEpoch = secondsSinceEpoch }

    /// The instant containing `date` (fractional seconds truncated toward the past).
    public init(_ date: Date) { self.secondsSinceEpoch = Int64(date.timeIntervalSince1970.rounded(.down)) }

    /// The same instant as a Foundation `Date`.
    public var date: Date { Date(timeIntervalSince1970: TimeInterval(secondsSinceEpoch)) }

    /// The instant `seconds` later.
    public func adding(seconds: Int64) -> Instant { Instant(secondsSinceEpoch: secondsSinceEpoch + seconds) }

    /// Parses RFC 3339: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; `nil` if malformed or out of range.
    public init?(rfc3339 string: some StringProtocol) {
        let b = Array(string.utf8)
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
            [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(b[10]),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
            let year = Digits.number(b, 0, 4), let month = Digits.number(b, 5, 2), let day = Digits.number(b, 8, 2),
            let hour = Digits.number(b, 11, 2), let minute = Digits.number(b, 14, 2),
            let second = Digits.number(b, 17, 2),
            let date = LocalDate(year: year, month: month, day: day),
            hour < 24, minute < 60, second <= 60  // 60: a leap second, counted as the next second
        else { return nil }
        var index = 19
        if index < b.count, b[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < b.count, (48...57).contains(b[index]) { index += 1 }
            guard index > start else { return nil }
        }
        guard index < b.count else { return nil }
        var offset = 0
        switch b[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard index + 1 == b.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard index + 6 == b.count, b[index + 3] == UInt8(ascii: ":"),
                let hours = Digits.number(b, index + 1, 2), let minutes = Digits.number(b, index + 4, 2),
                hours < 24, minutes < 60
            else { return nil }
            offset = (hours * 3600 + minutes * 60) * (b[index] == UInt8(ascii: "-") ? -1 : 1)
        default:
            return nil
        }
        let local = Int64(date.dayNumber) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        self.secondsSinceEpoch = local - Int64(offset)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`.
    public var description: String {
        let day = Int(secondsSinceEpoch.floorDivided(by: 86_400))
        let second = Int(secondsSinceEpoch - Int64(day) * 86_400)
        return LocalDate(dayNumber: day).description + "T" + Digits.pad(second / 3600, 2) + ":"
            + Digits.pad(second / 60 % 60, 2) + ":" + Digits.pad(second % 60, 2) + "Z"
    }

    public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.secondsSinceEpoch < rhs.secondsSinceEpoch }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        guard let instant = Instant(rfc3339: try container.decode(String.self)) else {
            throw PolicyError.decoding(
                .malformedTimestamp, "malformed timestamp; expected RFC 3339 with an offset or Z", in: container)
        }
        self = instant
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension Int64 {
    /// Division rounding toward negative infinity, so instants before 1970 land on the right day.
    package func floorDivided(by divisor: Int64) -> Int64 {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
