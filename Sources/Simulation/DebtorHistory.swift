import Contract
import Policy

/// One debtor's side of a timeline, read back: contacts with what became of them, holds and opt-outs as the
/// events placed them. The report draws it and the audit checks it, without asking the scheduler's store.
struct DebtorHistory {
    struct Contact {
        var entry: TimelineEntry
        /// The outcome reported, if any (the last one).
        var result: Outcome.Result?
        /// When the outcome arrived.
        var reportedAt: Instant?
        /// The promise to pay the outcome carried, if any.
        var promise: Outcome.Promise?
        /// When it came back unread, if it did: it never reached the person.
        var expiredAt: Instant?
    }

    struct HoldSpan {
        var kind: HoldKind
        var debtId: String?
        var since: Instant
        /// As the event gave it; `nil` leaves the rulebook's default (or no end) to the policy.
        var until: Instant?
        /// Effective end: `until`, the rulebook's default duration, or a lift; `nil` when open-ended.
        var end: Instant?
        /// When a later event lifted it (a resolved dispute): the store no longer hands it to the policy.
        var liftedAt: Instant?

        func isActive(at instant: Instant, debt: String) -> Bool {
            (debtId == nil || debtId == debt) && since <= instant && (end.map { instant < $0 } ?? true)
        }
    }

    var debtor: SimulationResult.Debtor
    var zone: String
    var contacts: [Contact] = []
    var holds: [HoldSpan] = []
    /// Opt-out and opt-in events: (instant, channel, opted out).
    var optOutChanges: [(at: Instant, channel: Channel, out: Bool)] = []
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
        for entry in result.timeline {
            guard var history = histories[entry.debtorId] else { continue }
            let key = "\(entry.taskId ?? "")#\(entry.attempt ?? 0)"
            switch entry.kind {
            case .emission:
                open[key] = history.contacts.count
                history.contacts.append(Contact(entry: entry))
            case .outcome:
                // Outcomes name the task only; the latest emission of the task is the one reported on.
                if let index = history.contacts.lastIndex(where: { $0.entry.taskId == entry.taskId }) {
                    history.contacts[index].result = entry.result
                    history.contacts[index].reportedAt = entry.at
                    history.contacts[index].promise = entry.promise
                }
            case .expired:
                if let index = open[key] { history.contacts[index].expiredAt = entry.at }
            case .decision where entry.decision == .defer || entry.decision == .suppress:
                history.blocked.append(entry)
            case .event:
                history.events.append(entry)
                history.apply(entry, rulebook: result.rulebooks[history.debtor.rulebook])
            default:
                break
            }
            histories[entry.debtorId] = history
        }
        return histories
    }

    private mutating func apply(_ event: TimelineEntry, rulebook: Rulebook?) {
        guard let kind = event.event else { return }
        if let hold = kind.hold {
            var end = event.until
            if end == nil, let days = rulebook?.holdDurations[hold] {
                end = ZoneClock.start(of: ZoneClock.date(event.at, zone).adding(days: days), zone)
            }
            holds.append(HoldSpan(kind: hold, debtId: event.debtId, since: event.at, until: event.until, end: end))
        }
        switch kind {
        case .disputeResolved:
            for index in holds.indices where holds[index].kind == .dispute && holds[index].liftedAt == nil {
                holds[index].end = event.at
                holds[index].liftedAt = event.at
            }
        case .optOut, .optIn:
            if let channel = event.channel { optOutChanges.append((event.at, channel, kind == .optOut)) }
        default:
            break
        }
    }

    /// Channels opted out of just before `instant`.
    func optOuts(before instant: Instant) -> Set<Channel> {
        var channels = Set<Channel>()
        for change in optOutChanges where change.at < instant {
            if change.out { channels.insert(change.channel) } else { channels.remove(change.channel) }
        }
        return channels
    }

    /// The policy's view of the contacts made before the timeline's `index`-th contact: results known by then.
    func history(before index: Int) -> [HistoryEvent] {
        let now = contacts[index].entry.at
        return contacts[..<index].compactMap { contact in
            if let expired = contact.expiredAt, expired <= now { return nil }
            // Contacts redirected to a representative do not enter the ledger.
            if contact.entry.cause == "representative" { return nil }
            let known = contact.reportedAt.map { $0 <= now } ?? false
            return HistoryEvent(
                at: contact.entry.at, channel: contact.entry.channel ?? .call, debtId: contact.entry.debtId ?? "",
                result: known ? contact.result?.contactResult ?? .pending : .pending)
        }
    }
}
