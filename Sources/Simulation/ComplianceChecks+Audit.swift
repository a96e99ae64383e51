import Contract
import Domain
import Policy

extension ComplianceChecks {
    /// Audits a run from its timeline: each contact against the calendar, the holds and the pauses, each cap's
    /// busiest window, and each emission decided again by the policy engine.
    public init(_ result: SimulationResult) {
        var audit = Audit()
        let histories = DebtorHistory.all(in: result)
        var engines: [String: PolicyEngine] = [:]
        for (id, rulebook) in result.rulebooks { engines[id] = try? PolicyEngine(rulebook: rulebook) }
        var caps: [String: Cap] = [:]
        var audited = Set<String>()
        var used = Set<String>()
        for debtor in result.debtors where audited.insert(debtor.id).inserted {
            guard let history = histories[debtor.id] else { continue }
            // Each contact is checked under the placement in force when it was made; the caps of every rulebook
            // the debtor had are counted.
            var rulebooks = [debtor.rulebook]
            for contact in history.contacts where !rulebooks.contains(contact.terms.rulebook) {
                rulebooks.append(contact.terms.rulebook)
            }
            used.formUnion(rulebooks)
            for id in rulebooks {
                let contacts = history.contacts.count(where: { $0.terms.rulebook == id })
                guard let rulebook = result.rulebooks[id] else {
                    if contacts > 0 {
                        audit.note(debtor.id, "\(contacts) emission(s) not audited: rulebook \(id) is not in the run")
                    }
                    continue
                }
                if engines[id] == nil, contacts > 0 {
                    audit.note(
                        debtor.id, "\(contacts) emission(s) not decided again: the policy engine refuses rulebook \(id)"
                    )
                }
                for cap in Self.caps(of: history, rulebook: rulebook) {
                    if cap.exceeded {
                        audit.note(
                            debtor.id,
                            "\(cap.maximum) contacts counted per \(cap.scope) in a \(cap.days)-day window where cap "
                                + "\(cap.rulebook)/\(cap.id) allows \(cap.limit)")
                    }
                    let key = "\(cap.rulebook)/\(cap.id)"
                    if cap.maximum >= caps[key]?.maximum ?? -1 { caps[key] = cap }
                }
            }
            audit.check(history, rulebooks: result.rulebooks, engines: engines)
        }
        // Emissions to debtors the result does not list were never looked at.
        var unplaced: [String: Int] = [:]
        for entry in result.timeline where entry.kind == .emission && !audited.contains(entry.debtorId) {
            unplaced[entry.debtorId, default: 0] += 1
        }
        for (id, count) in unplaced.sorted(by: { $0.key < $1.key }) {
            audit.note(id, "\(count) emission(s) not audited: the debtor is not among the placed debtors")
        }
        let usedRulebooks = used.compactMap { result.rulebooks[$0] }
        self.init(
            redirectedContacts: audit.redirected, callsOnSundays: audit.sundays,
            callsOnForbiddenSundays: audit.forbiddenSundays,
            sundayCallsPermitted: usedRulebooks.allSatisfy { !($0.contactHours.windows[.sun] ?? []).isEmpty },
            contactsOnClosedDays: audit.closedDays, contactsOutsideHours: audit.outsideHours,
            contactsDuringHolds: audit.duringHolds, contactsAfterConversation: audit.afterConversation,
            caps: caps.keys.sorted().map { caps[$0]! },
            emissions: result.timeline.count(where: { $0.kind == .emission }), policyRechecked: audit.rechecked,
            policyRecheckFailures: audit.recheckFailures, findingCount: audit.findingCount, findings: audit.findings)
    }

    /// The busiest window of each of the rulebook's caps for one debtor: windows that end with a contact made under
    /// the rulebook, counting every contact in them (the engine's ledger keeps contacts across placements), in the
    /// local days of that last contact's zone.
    static func caps(of history: DebtorHistory, rulebook: Rulebook) -> [Cap] {
        rulebook.frequencyCaps.map { cap in
            let counted = history.contacts.filter { contact in
                guard let channel = contact.entry.channel, cap.channels.contains(channel), contact.expiredAt == nil,
                    contact.entry.cause != "representative"
                else { return false }
                return contact.result.map { cap.counting.contains($0.contactResult) } ?? true
            }
            var maximum = 0
            for contact in counted where contact.terms.rulebook == rulebook.id {
                let day = ZoneClock.date(contact.entry.at, contact.zone).dayNumber
                let inWindow = counted.filter { other in
                    let otherDay = ZoneClock.date(other.entry.at, contact.zone).dayNumber
                    return otherDay <= day && otherDay > day - cap.days
                        && (cap.scope == .debtor || other.entry.debtId == contact.entry.debtId)
                }
                maximum = max(maximum, inWindow.count)
            }
            return Cap(
                rulebook: rulebook.id, id: cap.id, channels: cap.channels.map(\.rawValue), limit: cap.limit,
                days: cap.days, scope: cap.scope.rawValue, maximum: maximum)
        }
    }
}

/// The counters of one audit.
private struct Audit {
    var redirected = 0
    var sundays = 0
    var forbiddenSundays = 0
    var closedDays = 0
    var outsideHours = 0
    var duringHolds = 0
    var afterConversation = 0
    var rechecked = 0
    var recheckFailures = 0
    /// Every finding noted; `findings` keeps the first `maximumFindings`.
    var findingCount = 0
    var findings: [String] = []

    static let maximumFindings = 50

    /// A finding about a debtor as a whole.
    mutating func note(_ debtorId: String, _ problem: String) {
        findingCount += 1
        guard findings.count < Self.maximumFindings else { return }
        findings.append("\(debtorId): \(problem)")
    }

    mutating func note(_ contact: TimelineEntry, zone: String, _ problem: String) {
        findingCount += 1
        guard findings.count < Self.maximumFindings else { return }
        let local = LocalDay.describe(contact.at, inZone: zone)
        findings.append(
            "\(contact.debtorId) \(contact.channel?.rawValue ?? "?") \(contact.taskId ?? "?") at \(contact.at) "
                + "(\(local)): \(problem)")
    }

    /// Checks each contact under the placement in force when it was made (contacts under a rulebook the run
    /// lacks are left unchecked, and noted as such by the caller).
    mutating func check(_ history: DebtorHistory, rulebooks: [String: Rulebook], engines: [String: PolicyEngine]) {
        for (index, contact) in history.contacts.enumerated() {
            guard let rulebook = rulebooks[contact.terms.rulebook] else { continue }
            var zones = contact.terms.timeZones
            if zones.isEmpty, case .fallback(let fallback) = rulebook.unknownTimeZone { zones = fallback }
            let entry = contact.entry
            let at = entry.at
            let channel = entry.channel ?? .call
            // Redirected contacts go to a representative, whom the engine lets through at any hour: no calendar,
            // hold or pause check applies to them (the recheck below still does).
            let redirected = entry.cause == "representative"
            if redirected { self.redirected += 1 }
            if channel == .call, !redirected, let zone = zones.first(where: { ZoneClock.date(at, $0).weekday == .sun })
            {
                sundays += 1
                if (rulebook.contactHours.windows[.sun] ?? []).isEmpty {
                    forbiddenSundays += 1
                    note(entry, zone: zone, "call on a Sunday (\(rulebook.id) has no Sunday contact hours)")
                }
            }
            if rulebook.contactHours.channels.contains(channel) && !redirected {
                checkHours(entry, zones: zones, rulebook: rulebook)
            }
            if !redirected, history.holds.contains(where: { $0.isInForce(for: contact, rulebook: rulebook) }) {
                duringHolds += 1
                note(entry, zone: contact.zone, "contact during a hold")
            }
            if let pause = rulebook.afterConversation, pause.channels.contains(channel), !redirected {
                checkPause(index, in: history, pause: pause)
            }
            if let engine = engines[rulebook.id] { recheck(index, in: history, engine: engine) }
        }
    }

    private mutating func checkHours(_ entry: TimelineEntry, zones: [String], rulebook: Rulebook) {
        for zone in zones {
            let date = ZoneClock.date(entry.at, zone)
            let windows = rulebook.contactHours.windows[date.weekday] ?? []
            let holiday = rulebook.holidayCalendars.contains { $0.holiday(on: date) != nil }
            if windows.isEmpty || holiday || rulebook.closedDates.contains(date) {
                closedDays += 1
                note(entry, zone: zone, holiday ? "contact on a holiday" : "contact on a closed day")
                return
            }
            let second = ZoneClock.secondOfDay(entry.at, zone)
            if !windows.contains(where: { $0.from.secondOfDay <= second && second < $0.to.secondOfDay }) {
                outsideHours += 1
                note(entry, zone: zone, "contact outside contact hours")
                return
            }
        }
    }

    private mutating func checkPause(_ index: Int, in history: DebtorHistory, pause: AfterConversation) {
        let contact = history.contacts[index]
        let entry = contact.entry
        let day = ZoneClock.date(entry.at, contact.zone).dayNumber
        let earlier = history.contacts[..<index].contains { other in
            guard let result = other.result, result.contactResult == .conversation,
                other.isReported(before: contact.position),
                let channel = other.entry.channel, pause.channels.contains(channel),
                pause.scope == .debtor || other.entry.debtId == entry.debtId
            else { return false }
            return ZoneClock.date(other.entry.at, contact.zone).dayNumber > day - pause.days
        }
        if earlier {
            afterConversation += 1
            note(entry, zone: contact.zone, "contact within the pause after a conversation")
        }
    }

    /// Decides the emission again, on the timeline's own account of the debtor at that instant.
    private mutating func recheck(_ index: Int, in history: DebtorHistory, engine: PolicyEngine) {
        let contact = history.contacts[index]
        let entry = contact.entry
        let redirected = entry.cause == "representative"
        let holds = history.holds.compactMap { span -> Hold? in
            guard span.isSet(before: contact) else { return nil }
            return try? Hold(kind: span.kind, since: span.since, until: span.until)
        }
        guard
            let debtor = try? Policy.Debtor(
                id: entry.debtorId, timeZones: contact.terms.timeZones, inconvenient: contact.terms.inconvenient,
                holds: holds, optOuts: history.optOuts(before: contact.position).sorted { $0.rawValue < $1.rawValue },
                representative: redirected ? Representative(kind: "representative") : nil)
        else {
            note(
                entry, zone: contact.zone,
                "not decided again: the policy engine refuses the debtor as the timeline shows it")
            return
        }
        rechecked += 1
        let decision = engine.evaluate(
            PolicyRequest(
                now: entry.at, contact: Contact(channel: entry.channel ?? .call, debtId: entry.debtId ?? ""),
                debtor: debtor, history: history.history(before: index)))
        if decision.decision != (redirected ? .redirect : .allow) {
            recheckFailures += 1
            let why = decision.reasons.map(\.rule.rawValue).joined(separator: ", ")
            note(entry, zone: contact.zone, "the policy engine says \(decision.decision.rawValue) (\(why))")
        }
    }
}
