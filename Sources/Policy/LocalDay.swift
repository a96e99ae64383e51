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
