import Domain

/// Verdicts and their wording. Details name ids, zones, channels and local times, never personal data.
/// Passing verdicts are only worded when explaining, to keep the decision path cheap.
extension PolicyEvaluation {
    typealias Check = PolicyExplanation.Check

    func optOutCheck(blocking: Bool) -> Check {
        let channel = request.contact.channel.rawValue
        return blocking
            ? Check(rule: .optOut, outcome: .blocks, until: nil, detail: "debtor opted out of \(channel)")
            : Check(rule: .optOut, outcome: .passes, until: nil, detail: "no opt-out of \(channel)")
    }

    func unknownZoneCheck(rulebook: String) -> Check {
        Check(
            rule: .unknownTimeZone, outcome: .blocks, until: nil,
            detail: "debtor.timeZones is empty and rulebook \(rulebook) suppresses contact when the zone is unknown")
    }

    func holdCheck(_ index: Int, active: Bool) -> Check {
        let hold = holds[index]
        let rule = RuleID.hold(hold.kind)
        let since = Instant(secondsSinceEpoch: hold.since)
        let end = hold.end.map { Instant(secondsSinceEpoch: $0) }
        let span =
            end.map { "holds[\(index)] from \(since) until \($0)" + (hold.endIsDefault ? " (rulebook default)" : "") }
            ?? "holds[\(index)] from \(since), no end date"
        guard active else {
            let when = hold.since > now ? "starts later" : "has ended"
            return Check(rule: rule, outcome: .passes, until: nil, detail: "\(span): \(when)")
        }
        let effect: String
        if hold.kind.redirectsToRepresentative {
            effect =
                request.debtor.representative == nil
                ? "no representative on file: suppress" : "contact the representative"
        } else {
            effect = hold.end == nil ? "suppressed until the hold is lifted" : "paused"
        }
        return Check(rule: rule, outcome: .blocks, until: end, detail: "\(span): \(effect)")
    }

    /// Contact hours, holidays, inconvenient times and caps at `now`.
    func timeChecks(explaining: Bool) -> [Check] {
        var checks: [Check] = []
        if hoursApply {
            let closedIn = zones.indices.filter { next(.hours(zone: $0), from: now) != now }
            if !closedIn.isEmpty || explaining {
                let hours = zones.indices.map { Constraint.hours(zone: $0) }
                checks.append(
                    groupCheck(.contactHours, hours, zones: Array(zones.indices), blockedIn: closedIn) { zone in
                        "\(local(zone)) is \(closedIn.contains(zone) ? "outside" : "inside") \(hoursText(zone))"
                    })
            }
            let closesDays = !compiled.calendars.isEmpty || !compiled.closedDays.isEmpty
            let holidayIn = closesDays ? zones.indices.filter { next(.holiday(zone: $0), from: now) != now } : []
            if !holidayIn.isEmpty || (explaining && closesDays) {
                let holidays = zones.indices.map { Constraint.holiday(zone: $0) }
                checks.append(
                    groupCheck(.holiday, holidays, zones: Array(zones.indices), blockedIn: holidayIn) { zone in
                        let day = zones[zone].localDay(at: now)
                        let name = compiled.closingName(day: day).map { "a holiday (\($0))" } ?? "not a holiday"
                        return "\(LocalDate(dayNumber: day)) in \(zones[zone].id) is \(name)"
                    })
            }
        } else if explaining {
            let channel = request.contact.channel.rawValue
            checks.append(
                Check(rule: .contactHours, outcome: .notApplicable, until: nil, detail: "\(channel) is exempt"))
        }
        if constraints.contains(.inconvenient) {
            let blocked = next(.inconvenient, from: now) != now
            if blocked || explaining {
                checks.append(
                    groupCheck(.inconvenientTime, [.inconvenient], zones: [0], blockedIn: blocked ? [0] : []) {
                        "\(local($0)) is \(blocked ? "inside" : "outside") a consumer-designated inconvenient time"
                    })
            }
        }
        for index in counters.indices {
            let blocked = next(.cap(index), from: now) != now
            if blocked || explaining { checks.append(capCheck(index, blocked: blocked)) }
        }
        if explaining { checks += uncountedCapChecks() }
        return checks
    }

    /// One verdict for a rule made of per-zone constraints; blocked zones are described, or all when none is.
    private func groupCheck(
        _ rule: RuleID, _ group: [Constraint], zones all: [Int], blockedIn: [Int], describe: (Int) -> String
    ) -> Check {
        let detail = (blockedIn.isEmpty ? all : blockedIn).map(describe).joined(separator: "; ")
        guard !blockedIn.isEmpty else { return Check(rule: rule, outcome: .passes, until: nil, detail: detail) }
        let until = earliest(satisfying: group, from: now).map { Instant(secondsSinceEpoch: $0) }
        return Check(rule: rule, outcome: .blocks, until: until, detail: detail)
    }

    private func capCheck(_ index: Int, blocked: Bool) -> Check {
        let counter = counters[index]
        let cap = counter.cap
        let today = zones[0].localDay(at: now)
        let window = "\(LocalDate(dayNumber: today - cap.days + 1))…\(LocalDate(dayNumber: today))"
        let scope = cap.scope == .debt ? "debt \(request.contact.debtId)" : "the debtor"
        let zone = zones[0].id
        let detail: String
        if cap.rule == .afterConversation {
            if let last = counter.days.last(where: { $0 <= today && $0 > today - cap.days }) {
                detail =
                    "conversation about \(scope) on \(LocalDate(dayNumber: last)) (\(zone)); "
                    + "pause of \(cap.days) days, that day included"
            } else {
                detail = "no conversation about \(scope) on \(window) (\(zone))"
            }
        } else {
            let count = counter.count(endingOn: today)
            detail = "\(cap.name): \(count) of \(cap.limit) counted contacts about \(scope) on \(window) (\(zone))"
        }
        let until = blocked ? next(.cap(index), from: now).map { Instant(secondsSinceEpoch: $0) } : nil
        return Check(rule: cap.rule, outcome: blocked ? .blocks : .passes, until: until, detail: detail)
    }

    /// Caps that were skipped because they cannot block (too few counted events) or do not apply.
    private func uncountedCapChecks() -> [Check] {
        let counted = Set(counters.map(\.cap.name))
        return compiled.caps.filter { !counted.contains($0.name) }.map { cap in
            let passing =
                cap.rule == .afterConversation
                ? "no conversation on \(channelList(cap.channels)) in any \(cap.days)-day window"
                : "\(cap.name): fewer than \(cap.limit) counted contacts in any \(cap.days)-day window"
            return cap.channels.contains(request.contact.channel)
                ? Check(rule: cap.rule, outcome: .passes, until: nil, detail: passing)
                : Check(
                    rule: cap.rule, outcome: .notApplicable, until: nil,
                    detail: "\(cap.name): does not cover \(request.contact.channel.rawValue)")
        }
    }

    private func channelList(_ mask: Mask) -> String {
        Channel.allCases.filter { mask.contains($0) }.map(\.rawValue).joined(separator: "/")
    }

    /// `Tue 05:30 in America/Los_Angeles`.
    private func local(_ zone: Int) -> String {
        let wall = zones[zone].wall(at: now)
        let day = Int(wall.floorDivided(by: 86_400))
        let second = Int(wall - Int64(day) * 86_400)
        let time = Digits.pad(second / 3600, 2) + ":" + Digits.pad(second / 60 % 60, 2)
        return "\(Weekday(dayNumber: day).shortName) \(time) in \(zones[zone].id)"
    }

    /// `contact hours 08:00–21:00` (or `closed`) for the weekday of `now` in `zone`.
    private func hoursText(_ zone: Int) -> String {
        compiled.weekText[Weekday.index(ofDay: zones[zone].localDay(at: now))]
    }
}
