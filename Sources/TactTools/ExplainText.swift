import Domain
import Policy
import Store

/// `tact explain` for people: a header, the timeline in time order, the state of every task, holds, contacts, and
/// the next planned contact.
package enum ExplainText {
    package static func render(_ records: ExplainRecords, next: ExplainNextContact?, now: Instant) -> String {
        let debtor = records.debtor
        var out =
            "Debtor \(debtor.ref): creditor \(debtor.creditorID), rulebook \(debtor.rulebook)"
            + (debtor.specialistID.map { ", specialist \($0)" } ?? "") + "\n"
            + (records.person.map(\.linked).flatMap { $0.isEmpty ? nil : $0 }.map {
                "The same person (person key) as: \($0.joined(separator: ", ")); their holds, opt-outs and contacts "
                    + "count here.\n"
            } ?? "")
        out +=
            "Time zones: "
            + (debtor.timeZones.isEmpty ? "unknown (the rulebook decides)" : debtor.timeZones.joined(separator: ", "))
            + "; opt-outs: "
            + (debtor.optOuts.isEmpty ? "none" : debtor.optOuts.map(\.rawValue).sorted().joined(separator: ", "))
            + "; representative: "
            + (debtor.representative.map { "on file (\($0.kind ?? "kind not given"))" } ?? "none")
            + "\n"
        out +=
            "Debts: "
            + records.debts.map { "\($0.id) \($0.status.rawValue) (placement \($0.placementID))" }
            .joined(separator: ", ") + "\n"
        out += "As of \(records.both(now))\n"

        out += "\nTimeline (UTC, then \(records.zone ?? "UTC: time zone unknown")):\n"
        for (instant, lines) in timeline(records) {
            let local = records.zone.map { LocalDay.describe(instant, inZone: $0) } ?? ""
            out += "  \(instant)  \(local)  \(lines[0])\n"
            for line in lines.dropFirst() { out += "      \(line)\n" }
        }

        out += "\nTasks:\n"
        if records.tasks.isEmpty { out += "  none\n" }
        for task in records.tasks {
            var line =
                "  \(task.id): \(task.channel.rawValue) \(task.purpose), debt \(task.debtID), \(task.status.rawValue)"
            switch task.status {
            case .pending: line += ", due \(records.both(task.dueAt))"
            case .inFlight: line += " (being decided; hand-out \(task.attempts))"
            case .taken where task.claimingSender == nil:
                line +=
                    " by \(task.takenBy ?? "unknown")"
                    + (task.leaseUntil.map { "; returns without an outcome at \(records.both($0))" } ?? "")
            case .taken:
                line +=
                    " (claimed by sender \(task.claimingSender ?? task.takenBy ?? "unknown") at the moment of sending"
                    + (task.leaseUntil.map { "; unconfirmed without an outcome by \(records.both($0))" } ?? "") + ")"
            case .done, .cancelled: line += task.closedReason.map { " (\($0))" } ?? ""
            }
            out += line + "\n"
        }

        out += "\nHolds:\n"
        if records.holds.isEmpty { out += "  none\n" }
        for hold in records.holds {
            out +=
                "  \(hold.id): \(hold.kind.rawValue)" + (hold.debtID.map { " on debt \($0)" } ?? "")
                + " from \(records.both(hold.since))" + holdEnd(hold, records)
                + (hold.liftedAt.map { ", lifted \(records.both($0))" } ?? "") + "\n"
        }

        // A contact published and not yet reported on may still be waiting in a queue: it is not shown as made.
        let tasks = Dictionary(records.tasks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let (waiting, made) = (
            records.ledger.filter { $0.result == .pending }, records.ledger.filter { $0.result != .pending }
        )
        out += "\nContacts made:\n"
        if made.isEmpty { out += "  none\n" }
        for entry in made {
            out +=
                "  \(records.both(entry.at)): \(entry.channel.rawValue) about debt \(entry.debtID), "
                + "task \(entry.taskID), outcome \(entry.result.rawValue)\n"
        }
        if !waiting.isEmpty {
            out += "\nContacts sent, no outcome yet (they count toward caps):\n"
            for entry in waiting {
                let state =
                    switch tasks[entry.taskID].map({ ($0.status, $0.takenBy, $0.claimingSender, $0.closedReason) }) {
                    case (.taken, _, let sender?, _)?: "claimed by sender \(sender), being sent"
                    case (.taken, let specialist, nil, _)?: "taken by \(specialist ?? "unknown")"
                    case (.done, _, _, _)?: "queued, not yet checked by its sender"
                    case (.cancelled, _, _, .claimUnconfirmed)?: "claimed and never reported on (it may have been sent)"
                    default: "returned without an outcome"
                    }
                out +=
                    "  \(records.both(entry.at)): \(entry.channel.rawValue) about debt \(entry.debtID), "
                    + "task \(entry.taskID), \(state)\n"
            }
        }

        out += "\nNext planned contact:\n"
        guard let next else {
            if let taken = records.tasks.first(where: { $0.status == .taken }) {
                return out
                    + "  none planned: call \(taken.id) was taken by \(taken.takenBy ?? "unknown")"
                    + (taken.leaseUntil.map { "; without an outcome by \(records.both($0)) it is planned again" } ?? "")
                    + "\n"
            }
            return out + "  none: no task is pending\n"
        }
        let task = next.task
        out +=
            "  \(task.id): \(task.channel.rawValue) \(task.purpose) about debt \(task.debtID)"
            + (task.status == .inFlight ? " (handed to a worker now)" : "") + "\n"
        if let planned = next.plannedFor { out += "  planned for \(records.both(planned))\n" }
        if let note = next.note { return out + "  \(note)\n" }
        if let permissible = next.permissibleAt {
            out += "  permissible from \(records.both(permissible))\n"
        } else {
            out += "  not permissible until something changes (the policy suppresses it)\n"
        }
        let source =
            next.basis == .decision
            ? "the decision of \(next.decidedAt)"
                + (next.reasonsAt == next.decidedAt ? "" : ", its rules as they stand at \(next.reasonsAt)")
            : "the policy evaluated now for \(next.decidedAt)"
        if next.reasons.isEmpty {
            out += "  nothing in the rulebook blocks it (\(source))\n"
        } else {
            out += "  not sooner because (\(source)):\n"
            for reason in next.reasons { out += "    \(describe(reason))\n" }
            for step in next.later {
                out += "  then, from \(records.both(step.from)):\n"
                for reason in step.reasons { out += "    \(describe(reason))\n" }
            }
        }
        return out
    }

    /// A sender's check at the moment of sending, from its trail entry: `send` claimed the contact, anything else
    /// refused it there.
    private static func describe(_ check: ExplainRecords.SendCheck) -> String {
        let attempt = check.attempt.map { " (hand-out \($0))" } ?? ""
        if check.verdict == "send" {
            return "contact \(check.taskID)\(attempt) claimed at the moment of sending by \(check.sender)"
        }
        let reasons = check.reasons.map { ": \($0)" } ?? ""
        return
            "contact \(check.taskID)\(attempt) refused at the moment of sending to \(check.sender): \(check.verdict)\(reasons)"
    }

    /// The hold's end as the policy sees it, and where it comes from.
    private static func holdEnd(_ hold: HoldRecord, _ records: ExplainRecords) -> String {
        guard let end = records.holdEnds[hold.id] else { return ", no end: it lasts until it is lifted" }
        return " until \(records.both(end))"
            + (hold.until == nil ? " (the rulebook's default for \(hold.kind.rawValue))" : "")
    }

    package static func describe(_ reason: PolicyDecision.Reason) -> String {
        "\(reason.rule)" + (reason.until.map { " until \($0)" } ?? "") + ": \(reason.detail)"
    }

    /// A move of the case, as the timeline says it.
    package static func describe(_ handover: HandoverRecord) -> String {
        let line = "case handed over from \(handover.fromID ?? "the pool") to \(handover.toID ?? "the pool")"
        switch handover.cause {
        case .handover: return line
        case .retirement: return line + ": \(handover.fromID ?? "the specialist") retired"
        }
    }

    /// Events in time order (stable for equal instants: placement, tasks, holds, decisions, contacts, hand-overs).
    private static func timeline(_ records: ExplainRecords) -> [(Instant, [String])] {
        var events: [(Instant, Int, [String])] = []
        func add(_ instant: Instant, _ lines: [String]) { events.append((instant, events.count, lines)) }
        add(records.debtor.createdAt, ["placed by creditor \(records.debtor.creditorID)"])
        for task in records.tasks.sorted(by: { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }) {
            add(
                task.createdAt,
                ["task \(task.id) planned: \(task.channel.rawValue) \(task.purpose), debt \(task.debtID)"])
        }
        for hold in records.holds {
            add(
                hold.since,
                ["hold \(hold.id) (\(hold.kind.rawValue)) starts" + (hold.debtID.map { " for debt \($0)" } ?? "")])
            if let lifted = hold.liftedAt { add(lifted, ["hold \(hold.id) (\(hold.kind.rawValue)) lifted"]) }
            if let end = records.holdEnds[hold.id], hold.liftedAt.map({ end < $0 }) ?? true {
                add(end, ["hold \(hold.id) (\(hold.kind.rawValue)) ends"])
            }
        }
        for decision in records.decisions {
            let head =
                "decision \(decision.decision.rawValue) for \(decision.taskID)"
                + (decision.decision == .defer ? " until \(decision.earliest.map(\.description) ?? "-")" : "")
                + " (worker \(decision.worker))"
            add(decision.decidedAt, [head] + decision.reasons.map(describe))
        }
        for entry in records.ledger {
            add(entry.at, ["contact \(entry.channel.rawValue) by task \(entry.taskID): \(entry.result.rawValue)"])
        }
        for handover in records.handovers { add(handover.at, [describe(handover)]) }
        for check in records.checks { add(check.at, [describe(check)]) }
        return events.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map { ($0.0, $0.2) }
    }
}
