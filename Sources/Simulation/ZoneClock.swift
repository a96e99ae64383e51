import Domain
import Foundation
import Policy
import Synchronization

/// Wall-clock readings of instants in IANA time zones, for the outcome model (answer rates by local hour) and the
/// report (calendars in the debtor's local time). The policy engine has its own tables; this reads Foundation's,
/// which keeps the report an independent witness of what the engine decided.
enum ZoneClock {
    private static let zones = Mutex<[String: TimeZone]>([:])

    private static func zone(_ id: String) -> TimeZone {
        zones.withLock { cache in
            if let zone = cache[id] { return zone }
            let zone = TimeZone(identifier: id) ?? TimeZone(secondsFromGMT: 0)!
            cache[id] = zone
            return zone
        }
    }

    /// Seconds since the epoch as the wall clock of `zone` reads them (UTC for an unknown zone).
    static func wall(_ instant: Instant, _ zone: String) -> Int64 {
        instant.secondsSinceEpoch + Int64(Self.zone(zone).secondsFromGMT(for: instant.date))
    }

    /// The local date of `instant` in `zone`.
    static func date(_ instant: Instant, _ zone: String) -> LocalDate {
        LocalDate(dayNumber: Int(floorDivide(wall(instant, zone), 86_400)))
    }

    /// Seconds since local midnight.
    static func secondOfDay(_ instant: Instant, _ zone: String) -> Int {
        let wall = wall(instant, zone)
        return Int(wall - floorDivide(wall, 86_400) * 86_400)
    }

    /// The first instant of local `date` in `zone` (after a skipped midnight, the first instant that exists).
    static func start(of date: LocalDate, _ zone: String) -> Instant {
        // Three hours before local midnight (whatever a DST change does, still the day before), then the start of
        // the next local day as the policy's calendar counts it.
        let guess = Instant(secondsSinceEpoch: Int64(date.dayNumber) * 86_400)
        let offset = Int64(Self.zone(zone).secondsFromGMT(for: guess.date))
        let approximate = Instant(secondsSinceEpoch: Int64(date.dayNumber) * 86_400 - offset - 10_800)
        return LocalDay.start(after: approximate, inZone: zone)
            ?? Instant(secondsSinceEpoch: Int64(date.dayNumber) * 86_400)
    }

    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor != 0 && value < 0 ? quotient - 1 : quotient
    }
}
