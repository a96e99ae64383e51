import Domain

/// The end of the permitted window an `allow` was given in: the decision's `validUntil`.
///
/// The mirror image of `earliest`: each constraint reports the first instant at or after `now` at which it
/// alone starts blocking, and the window ends at the first of those. No fixed point is needed, because every
/// constraint holds at `now` (the contact was allowed), so the window is over as soon as any one of them
/// blocks. Each answer is exact in the same way as ``PolicyEvaluation/next(_:from:)``: wall-clock searches go
/// through ``ZoneTable/firstInstant(from:nextWall:)``, so a window that ends at a wall time a spring-forward
/// gap skips ends when the clock jumps, and a fall-back overlap lengthens a window that spans it.
extension PolicyEvaluation {
    /// The first instant after `now` at which the contact stops being permissible, if nothing new happens;
    /// `nil` if that is further than the horizon. Only meaningful when the contact is permissible at `now`.
    func windowEnd() -> Int64? {
        let beyond = now + Self.horizon + 1
        var end = beyond
        // Holidays last: they can only end a window that reaches a local midnight, so their day-by-day scan
        // stops at the end found so far, which for ordinary contact hours is later today.
        for constraint in constraints where !constraint.isHoliday {
            if let blocked = firstBlocked(constraint, from: now, before: end), blocked < end { end = blocked }
        }
        for constraint in constraints where constraint.isHoliday {
            if let blocked = firstBlocked(constraint, from: now, before: end), blocked < end { end = blocked }
        }
        return end == beyond ? nil : end
    }

    /// The earliest instant `≥ t` at which `constraint` alone blocks, or `nil` if it never does. With
    /// `before`, the answer may be any instant `≥ limit` (or `nil`) when the constraint does not block before
    /// `limit`, which lets the holiday scan stop early.
    func firstBlocked(_ constraint: Constraint, from t: Int64, before limit: Int64) -> Int64? {
        switch constraint {
        case .hours(let zone):
            return zones[zone].firstInstant(from: t) { self.compiled.week.firstOutside(from: $0) }
        case .holiday(let zone):
            // A closed day d matters only if it starts before `limit`: its start has wall time ≥ d·86 400 and
            // offsets are under a day, so d < (limit + 86 400) / 86 400.
            let lastDay = Int((limit + 86_400).floorDivided(by: 86_400))
            return zones[zone].firstInstant(from: t) { self.nextClosedDay($0, through: lastDay) }
        case .inconvenient:
            return zones[0].firstInstant(from: t) { self.inconvenient.firstInside(from: $0) }
        case .cap(let index):
            return capStartsBlocking(counters[index], from: t)
        case .hold(let index):
            let hold = holds[index]
            if t < hold.since { return hold.since }
            if let end = hold.end, t >= end { return nil }
            return t
        }
    }

    /// When a cap starts blocking. Counted contacts only slide out of the window as days pass, so a cap that
    /// holds today can start blocking later only through a counted contact dated after today (a history entry
    /// in the future); the first blocked day is then one of those contacts' days.
    private func capStartsBlocking(_ counter: CapCounter, from t: Int64) -> Int64? {
        let zone = zones[0]
        let today = zone.localDay(at: t)
        if counter.isBlocked(day: today) { return t }
        guard let last = counter.days.last, last > today else { return nil }
        guard let day = counter.days.first(where: { $0 > today && counter.isBlocked(day: $0) }) else { return nil }
        return zone.startOfDay(day, from: t)
    }

    /// Smallest wall time `≥ wall` on a day a holiday or closed date closes, looking no further than local
    /// day `lastDay`; past it, a wall time after `lastDay` stands for "not before the limit".
    private func nextClosedDay(_ wall: Int64, through lastDay: Int) -> Int64 {
        let start = Int(wall.floorDivided(by: 86_400))
        if compiled.isClosed(day: start) { return wall }
        var day = start + 1
        while day <= lastDay {
            if compiled.isClosed(day: day) { return Int64(day) * 86_400 }
            day += 1
        }
        return Int64(max(lastDay, start) + 1) * 86_400
    }
}

extension PolicyEvaluation.Constraint {
    var isHoliday: Bool {
        if case .holiday = self { return true }
        return false
    }
}
