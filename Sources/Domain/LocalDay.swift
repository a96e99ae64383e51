/// Local calendar days in a time zone, for callers outside the engine that schedule "tomorrow".
public enum LocalDay {
    /// The first instant of the local day after the one containing `instant` in `zone` (local midnight, or the
    /// first instant after it on a day whose midnight is skipped by a DST change); `nil` for an unknown zone.
    public static func start(after instant: Instant, inZone zone: String) -> Instant? {
        guard let table = ZoneTable.named(zone) else { return nil }
        let seconds = instant.secondsSinceEpoch
        return Instant(secondsSinceEpoch: table.startOfDay(table.localDay(at: seconds) + 1, from: seconds))
    }
}

extension LocalDay {
    /// The first instant of the local day `days` after `date` (`YYYY-MM-DD`) in `zone`; `nil` for a malformed
    /// date or an unknown zone.
    public static func start(of date: String, addingDays days: Int = 0, inZone zone: String) -> Instant? {
        guard let table = ZoneTable.named(zone), let day = LocalDate(iso: date) else { return nil }
        let target = day.dayNumber + days
        // Any instant on the day before serves as the search's starting point.
        let from = Int64(target - 1) * 86_400 - 86_400
        return Instant(secondsSinceEpoch: table.startOfDay(target, from: from))
    }

    /// The local date `instant` falls on in `zone`; `nil` for an unknown zone.
    public static func date(of instant: Instant, inZone zone: String) -> LocalDate? {
        guard let table = ZoneTable.named(zone) else { return nil }
        return LocalDate(dayNumber: Int(table.wall(at: instant.secondsSinceEpoch).floorDivided(by: 86_400)))
    }

    /// `Mon 2026-12-07 08:00 Europe/Warsaw`: an instant as the debtor's clock shows it.
    public static func describe(_ instant: Instant, inZone zone: String) -> String {
        guard let table = ZoneTable.named(zone) else { return instant.description }
        let wall = table.wall(at: instant.secondsSinceEpoch)
        let day = Int(wall.floorDivided(by: 86_400))
        let second = Int(wall - Int64(day) * 86_400)
        let date = LocalDate(dayNumber: day)
        let time = Digits.pad(second / 3600, 2) + ":" + Digits.pad(second / 60 % 60, 2)
        return "\(date.weekday.shortName) \(date) \(time) \(zone)"
    }
}
