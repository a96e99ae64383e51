import Domain

/// One request prepared against a compiled rulebook: zones resolved, history reduced to counted local days,
/// hold ends computed. Every time-bound rule becomes a ``Constraint`` that can say, for any instant, the
/// earliest instant at or after it where that constraint alone is satisfied.
///
/// The decision's `earliest` is the fixed point of those answers: start at `now`, move to the latest answer,
/// repeat until every constraint answers "here". Each answer is exact (it never skips a permitted instant),
/// so the fixed point is the exact earliest permitted instant, found in a handful of steps instead of a scan.
/// For an allowed contact the same constraints also say when they start blocking; the first of those is the
/// end of the permitted window, `validUntil` (see `PolicyEvaluation+WindowEnd.swift`).
///
/// A class so that the per-request state is allocated once and never copied.
final class PolicyEvaluation {
    /// A rule that holds at some instants and not others.
    enum Constraint: Equatable {
        case hours(zone: Int)
        case holiday(zone: Int)
        case inconvenient
        case cap(Int)
        case hold(Int)
    }

    /// A hold with its end resolved (`nil`: open-ended).
    struct HoldSpan {
        var kind: HoldKind
        var since: Int64
        var end: Int64?
        var endIsDefault: Bool
    }

    /// Counted local days for one cap, sorted.
    struct CapCounter {
        var cap: CompiledCap
        var days: [Int]

        /// Counted events on days `day − cap.days + 1 … day`.
        func count(endingOn day: Int) -> Int {
            upperBound(day) - upperBound(day - cap.days)
        }

        func isBlocked(day: Int) -> Bool { count(endingOn: day) >= cap.limit }

        /// The first unblocked day at or after `day` (always exists: history is finite).
        func firstOpenDay(from day: Int) -> Int {
            var candidate = day
            while isBlocked(day: candidate) { candidate += 1 }
            return candidate
        }

        /// Number of counted days `≤ day`.
        private func upperBound(_ day: Int) -> Int {
            var low = 0
            var high = days.count
            while low < high {
                let mid = (low + high) / 2
                if days[mid] <= day { low = mid + 1 } else { high = mid }
            }
            return low
        }
    }

    let compiled: CompiledRulebook
    let request: PolicyRequest
    let now: Int64
    /// The zones to respect; empty when unknown and the rulebook suppresses.
    let zones: [ZoneTable]
    let zonesAreFallback: Bool
    let hoursApply: Bool
    /// Consumer-designated inconvenient spans, in the first zone.
    let inconvenient: WeeklySpans
    let counters: [CapCounter]
    let holds: [HoldSpan]
    let constraints: [Constraint]

    /// No search goes further than this past `now`: a contact that cannot happen within five years is
    /// reported as suppressed rather than searched for indefinitely.
    static let horizon: Int64 = 5 * 366 * 86_400

    /// Where a hold without an end of its own ends: 00:00 local (first zone; UTC if none) of its start's local date
    /// plus the rulebook's days for its kind.
    static func defaultHoldEnd(since: Int64, days: Int, zone: ZoneTable?) -> Int64 {
        zone.map { $0.startOfDay($0.localDay(at: since) + days, from: since) }
            ?? (since.floorDivided(by: 86_400) + Int64(days)) * 86_400
    }

    init(compiled: CompiledRulebook, request: PolicyRequest) {
        self.compiled = compiled
        self.request = request
        self.now = request.now.secondsSinceEpoch
        let own = request.debtor.timeZones.compactMap(ZoneTable.named)
        zonesAreFallback = own.isEmpty
        zones = own.isEmpty ? (compiled.fallbackZones ?? []) : own
        let first = zones.first
        let channel = request.contact.channel
        hoursApply = compiled.hoursChannels.contains(channel)

        if request.debtor.inconvenient.isEmpty {
            inconvenient = .none
        } else {
            var spans = [[DaySpan]](repeating: [], count: 7)
            for range in request.debtor.inconvenient {
                for day in range.days {
                    spans[day.index].append(DaySpan(from: range.from.secondOfDay, to: range.to.secondOfDay))
                }
            }
            inconvenient = WeeklySpans(spans)
        }

        var counters: [CapCounter] = []
        if let first, compiled.caps.contains(where: { $0.channels.contains(channel) }) {
            // Each event's local day once, shared by every cap.
            let eventDays = request.history.map { first.localDay(at: $0.at.secondsSinceEpoch) }
            for cap in compiled.caps where cap.channels.contains(channel) {
                var days: [Int] = []
                for (index, event) in request.history.enumerated()
                where cap.channels.contains(event.channel) && cap.counting.contains(event.result)
                    && (cap.scope == .debtor || event.debtId == request.contact.debtId)
                {
                    days.append(eventDays[index])
                }
                // A cap with fewer counted events than its limit can never block; skip it.
                if days.count >= cap.limit { counters.append(CapCounter(cap: cap, days: days.sorted())) }
            }
        }
        self.counters = counters

        holds = request.debtor.holds.map { hold in
            let since = hold.since.secondsSinceEpoch
            if let until = hold.until {
                return HoldSpan(kind: hold.kind, since: since, end: until.secondsSinceEpoch, endIsDefault: false)
            }
            guard let days = compiled.holdDays[hold.kind] else {
                return HoldSpan(kind: hold.kind, since: since, end: nil, endIsDefault: false)
            }
            return HoldSpan(
                kind: hold.kind, since: since, end: Self.defaultHoldEnd(since: since, days: days, zone: first),
                endIsDefault: true)
        }

        var constraints: [Constraint] = []
        constraints.reserveCapacity(2 * zones.count + 1 + counters.count + holds.count)
        if hoursApply {
            for index in zones.indices { constraints.append(.hours(zone: index)) }
            if !compiled.calendars.isEmpty || !compiled.closedDays.isEmpty {
                for index in zones.indices { constraints.append(.holiday(zone: index)) }
            }
        }
        if !inconvenient.isEmpty, first != nil { constraints.append(.inconvenient) }
        for index in counters.indices { constraints.append(.cap(index)) }
        for index in holds.indices { constraints.append(.hold(index)) }
        self.constraints = constraints
    }

    // MARK: - Constraint answers

    /// The earliest instant `≥ t` at which `constraint` alone is satisfied, or `nil` if never.
    func next(_ constraint: Constraint, from t: Int64) -> Int64? {
        switch constraint {
        case .hours(let zone):
            return zones[zone].firstInstant(from: t) { self.compiled.week.firstInside(from: $0) }
        case .holiday(let zone):
            return zones[zone].firstInstant(from: t, nextWall: nextOpenDay)
        case .inconvenient:
            return zones[0].firstInstant(from: t) { self.inconvenient.firstOutside(from: $0) }
        case .cap(let index):
            let counter = counters[index]
            return zones[0].firstInstant(from: t) { wall in
                let day = Int(wall.floorDivided(by: 86_400))
                let open = counter.firstOpenDay(from: day)
                return open == day ? wall : Int64(open) * 86_400
            }
        case .hold(let index):
            let hold = holds[index]
            if t < hold.since { return t }
            guard let end = hold.end else { return nil }
            return max(t, end)
        }
    }

    /// The fixed point of `constraints` from `t`: the earliest instant `≥ t` satisfying all of them.
    func earliest(satisfying constraints: [Constraint], from t: Int64) -> Int64? {
        let limit = now + Self.horizon
        var cursor = t
        while true {
            var moved = false
            for constraint in constraints {
                guard let next = next(constraint, from: cursor) else { return nil }
                if next > cursor {
                    cursor = next
                    moved = true
                }
            }
            if !moved { return cursor }
            if cursor > limit { return nil }
        }
    }

    // MARK: - Wall-clock predicates (local seconds since 1970-01-01T00:00 local)

    /// Smallest wall time `≥ wall` on a day no holiday or closed date closes.
    private func nextOpenDay(_ wall: Int64) -> Int64? {
        let start = Int(wall.floorDivided(by: 86_400))
        if !compiled.isClosed(day: start) { return wall }
        for day in (start + 1)...(start + 366) where !compiled.isClosed(day: day) { return Int64(day) * 86_400 }
        return nil
    }
}
