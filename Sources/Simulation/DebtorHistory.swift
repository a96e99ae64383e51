import Contract
import Domain
import Policy

/// One debtor's side of a timeline, read back: contacts with what became of them, holds and opt-outs as the
/// events placed them. The report draws it and the audit checks it, without asking the scheduler's store.
///
/// What came before a contact is what stands before it in the timeline (its `position`, the entry's index), not
/// what has an earlier or equal instant: at one instant the scheduler may apply an event before some emissions and
/// after others, and the timeline records the order it did.
struct DebtorHistory {
    struct Contact {
        var entry: TimelineEntry
        /// The emission's index in the timeline.
        var position: Int
        /// The placement in force when it was made: rulebook, zones, inconvenient times.
        var terms: SimulationResult.Debtor.Terms
        /// The zone its local days are counted in, under those terms.
        var zone: String
        /// The outcome reported, if any (the last one).
        var result: Outcome.Result?
        /// When the outcome arrived, and its index in the timeline.
        var reportedAt: Instant?
        var reportedPosition: Int?
        /// The promise to pay the outcome carried, if any.
        var promise: Outcome.Promise?
        /// When it came back unread, if it did: it never reached the person.
        var expiredAt: Instant?
        var expiredPosition: Int?

        /// Whether the outcome stands before `position` in the timeline.
        func isReported(before position: Int) -> Bool { reportedPosition.map { $0 < position } ?? false }
        /// Whether the return unread stands before `position` in the timeline.
        func isExpired(before position: Int) -> Bool { expiredPosition.map { $0 < position } ?? false }
    }

    struct HoldSpan {
        var kind: HoldKind
        var debtId: String?
        var since: Instant
        /// The setting event's index in the timeline.
        var sincePosition: Int
        /// As the event gave it; `nil` leaves the rulebook's default (or no end) to the policy.
        var until: Instant?
        /// `until`, or the default duration of the rulebook in force when it was set (as the calendar draws it);
        /// `nil` when open-ended.
        var expires: Instant?
        /// When a later event lifted it (a resolved dispute), and that event's index in the timeline: the store
        /// no longer hands it to the policy.
        var liftedAt: Instant?
        var liftedPosition: Int?

        /// Effective end, as the calendar draws it: expiry or lift, whichever came first; `nil` when open-ended.
        var end: Instant? {
            guard let liftedAt else { return expires }
            return min(liftedAt, expires ?? liftedAt)
        }

        /// Whether the hold was set before `contact` in the timeline and neither lifted before it nor expired.
        func isSet(before contact: Contact) -> Bool {
            (debtId == nil || debtId == contact.entry.debtId) && sincePosition < contact.position
                && (liftedPosition.map { contact.position < $0 } ?? true)
        }

        /// Whether the hold was in force for `contact`: set before it, not lifted, and not expired at its instant
        /// as the policy engine reckons the end: `until`, else the default duration of the contact's rulebook,
        /// counted in its zone.
        func isInForce(for contact: Contact, rulebook: Rulebook) -> Bool {
            guard isSet(before: contact) else { return false }
            var end = until
            if end == nil, let days = rulebook.holdDurations[kind] {
                end = ZoneClock.start(of: ZoneClock.date(since, contact.zone).adding(days: days), contact.zone)
            }
            return end.map { contact.entry.at < $0 } ?? true
        }
    }

    var debtor: SimulationResult.Debtor
    /// The zone the calendar is drawn in (as the debtor was last placed).
    var zone: String
    var contacts: [Contact] = []
    var holds: [HoldSpan] = []
    /// Opt-out and opt-in events: (index in the timeline, channel, opted out).
    var optOutChanges: [(position: Int, channel: Channel, out: Bool)] = []
    /// Deferral and suppression decisions, for tooltips.
    var blocked: [TimelineEntry] = []
    var events: [TimelineEntry] = []

    /// Builds every debtor's history in one pass over the timeline.
    static func all(in result: SimulationResult) -> [String: DebtorHistory] {
        var histories: [String: DebtorHistory] = [:]
        for debtor in result.debtors where histories[debtor.id] == nil {
            histories[debtor.id] = DebtorHistory(debtor: debtor, zone: result.calendarZone(of: debtor))
        }
        var open: [String: Int] = [:]  // "taskId#attempt" → index in contacts
        for (position, entry) in result.timeline.enumerated() {
            guard var history = histories[entry.debtorId] else { continue }
            let key = "\(entry.taskId ?? "")#\(entry.attempt ?? 0)"
            switch entry.kind {
            case .emission:
                open[key] = history.contacts.count
                let terms = history.debtor.terms(at: position)
                history.contacts.append(
                    Contact(entry: entry, position: position, terms: terms, zone: result.calendarZone(of: terms)))
            case .outcome:
                // Outcomes name the task only; the latest emission of the task is the one reported on.
                if let index = history.contacts.lastIndex(where: { $0.entry.taskId == entry.taskId }) {
                    history.contacts[index].result = entry.result
                    history.contacts[index].reportedAt = entry.at
                    history.contacts[index].reportedPosition = position
                    history.contacts[index].promise = entry.promise
                }
            case .expired:
                if let index = open[key] {
                    history.contacts[index].expiredAt = entry.at
                    history.contacts[index].expiredPosition = position
                }
            case .decision where entry.decision == .defer || entry.decision == .suppress:
                history.blocked.append(entry)
            case .event:
                history.events.append(entry)
                let terms = history.debtor.terms(at: position)
                history.apply(
                    entry, at: position, rulebook: result.rulebooks[terms.rulebook],
                    zone: result.calendarZone(of: terms))
            default:
                break
            }
            histories[entry.debtorId] = history
        }
        return histories
    }

    /// Applies an event under the rulebook and zone of the placement in force.
    private mutating func apply(_ event: TimelineEntry, at position: Int, rulebook: Rulebook?, zone: String) {
        guard let kind = event.event else { return }
        if let hold = kind.hold {
            var end = event.until
            if end == nil, let days = rulebook?.holdDurations[hold] {
                end = ZoneClock.start(of: ZoneClock.date(event.at, zone).adding(days: days), zone)
            }
            holds.append(
                HoldSpan(
                    kind: hold, debtId: event.debtId, since: event.at, sincePosition: position, until: event.until,
                    expires: end))
        }
        switch kind {
        case .disputeResolved:
            for index in holds.indices where holds[index].kind == .dispute && holds[index].liftedAt == nil {
                holds[index].liftedAt = event.at
                holds[index].liftedPosition = position
            }
        case .optOut, .optIn:
            if let channel = event.channel { optOutChanges.append((position, channel, kind == .optOut)) }
        default:
            break
        }
    }

    /// Channels opted out of by the events before the timeline's `position`.
    func optOuts(before position: Int) -> Set<Channel> {
        var channels = Set<Channel>()
        for change in optOutChanges where change.position < position {
            if change.out { channels.insert(change.channel) } else { channels.remove(change.channel) }
        }
        return channels
    }

    /// The policy's view of the contacts made before the `index`-th contact: results the timeline shows before it.
    func history(before index: Int) -> [HistoryEvent] {
        let position = contacts[index].position
        return contacts[..<index].compactMap { contact in
            if contact.isExpired(before: position) { return nil }
            // Contacts redirected to a representative do not enter the ledger.
            if contact.entry.cause == "representative" { return nil }
            let known = contact.isReported(before: position)
            return HistoryEvent(
                at: contact.entry.at, channel: contact.entry.channel ?? .call, debtId: contact.entry.debtId ?? "",
                result: known ? contact.result?.contactResult ?? .pending : .pending)
        }
    }
}
