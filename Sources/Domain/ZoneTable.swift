import Foundation
import Synchronization

/// A time zone's UTC offsets as a table of transitions, so local-time arithmetic is a binary search plus
/// integer maths instead of a Foundation `TimeZone`/`Calendar` call (which costs microseconds each).
///
/// Built once per zone from the system's IANA database via `nextDaylightSavingTimeTransition` (which also
/// reports changes of standard offset, e.g. Europe/Moscow 2011 and 2014) for 1900–2200; outside that span the
/// nearest known offset is used. Tables are cached process-wide behind a mutex; only real zone ids are
/// cached, so hostile input cannot grow the cache. A class, so passing a table around is one retain.
package final class ZoneTable: Sendable {
    /// The IANA id.
    package let id: String
    /// UTC second at which each offset segment starts; `starts[0]` is `Int64.min`.
    private let starts: [Int64]
    /// Offset (seconds east of UTC) in force from the matching start.
    private let offsets: [Int64]
    /// For each 2^21-second bucket (about 24 days) since 1900, the segment in force at its start: a lookup
    /// then needs at most a step or two forward instead of a binary search over hundreds of transitions.
    private let buckets: [Int32]
    private static let firstSecond: Int64 = -2_208_988_800  // 1900-01-01T00:00:00Z
    private static let bucketShift: Int64 = 21

    private init(id: String, timeZone: TimeZone) {
        let first = Date(timeIntervalSince1970: -2_208_988_800)  // 1900-01-01T00:00:00Z
        let last = Date(timeIntervalSince1970: 7_258_118_400)  // 2200-01-01T00:00:00Z
        var starts: [Int64] = [.min]
        var offsets: [Int64] = [Int64(timeZone.secondsFromGMT(for: first))]
        var cursor = first
        while let next = timeZone.nextDaylightSavingTimeTransition(after: cursor), next < last {
            let offset = Int64(timeZone.secondsFromGMT(for: next))
            if offset != offsets[offsets.count - 1] {
                starts.append(Int64(next.timeIntervalSince1970.rounded(.down)))
                offsets.append(offset)
            }
            cursor = next
        }
        self.id = id
        self.starts = starts
        self.offsets = offsets
        let count = Int((7_258_118_400 - Self.firstSecond) >> Self.bucketShift) + 1
        var buckets = [Int32](repeating: 0, count: count)
        var segment = 0
        for bucket in 0..<count {
            let start = Self.firstSecond + (Int64(bucket) << Self.bucketShift)
            while segment + 1 < starts.count, starts[segment + 1] <= start { segment += 1 }
            buckets[bucket] = Int32(segment)
        }
        self.buckets = buckets
    }

    private static let cache = Mutex<[String: ZoneTable]>([:])

    /// The table for an IANA id, or `nil` if the system does not know the id.
    package static func named(_ id: String) -> ZoneTable? {
        if let table = cache.withLock({ $0[id] }) { return table }
        guard let timeZone = TimeZone(identifier: id) else { return nil }
        let table = ZoneTable(id: id, timeZone: timeZone)
        cache.withLock { $0[id] = table }
        return table
    }

    /// Index of the segment containing `utc`.
    private func segment(at utc: Int64) -> Int {
        let bucket = (utc - Self.firstSecond) >> Self.bucketShift
        guard bucket >= 0 else { return 0 }
        var index = bucket < buckets.count ? Int(buckets[Int(bucket)]) : starts.count - 1
        while index + 1 < starts.count, starts[index + 1] <= utc { index += 1 }
        return index
    }

    /// Seconds east of UTC in force at `utc`.
    package func offset(at utc: Int64) -> Int64 { offsets[segment(at: utc)] }

    /// Local wall-clock seconds (since 1970-01-01T00:00 local) at `utc`.
    package func wall(at utc: Int64) -> Int64 { utc + offset(at: utc) }

    /// The local calendar day (day number) at `utc`.
    package func localDay(at utc: Int64) -> Int { Int(wall(at: utc).floorDivided(by: 86_400)) }

    /// The earliest UTC second `≥ utc` whose wall-clock time lies in a set of wall times, given `nextWall(w)`:
    /// the smallest wall time `≥ w` in the set (or `nil` if there is none). The set is "open" wall times when
    /// searching for a permitted instant, "closed" ones when searching for the end of a permitted window.
    ///
    /// Walks the offset segments: inside one, wall time is UTC plus a constant, so the answer is the first
    /// wall time in the set that still falls inside the segment. Wall times skipped by a spring-forward gap are
    /// never reached; wall times repeated by a fall-back overlap are met twice, the first time first.
    package func firstInstant(from utc: Int64, nextWall: (Int64) -> Int64?) -> Int64? {
        var index = segment(at: utc)
        var cursor = utc
        while true {
            let offset = offsets[index]
            guard let wall = nextWall(cursor + offset) else { return nil }
            let candidate = wall - offset
            if index + 1 == starts.count || candidate < starts[index + 1] { return candidate }
            index += 1
            cursor = starts[index]
        }
    }

    /// The first UTC second at which local day `day` has begun (00:00 local, or the end of a gap over
    /// midnight), searching from `utc`.
    package func startOfDay(_ day: Int, from utc: Int64) -> Int64 {
        let target = Int64(day) * 86_400
        // Never nil: every wall time at or after `target` is in the set.
        return firstInstant(from: utc) { max($0, target) } ?? utc
    }
}
