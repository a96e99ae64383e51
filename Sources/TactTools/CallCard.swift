import Contract
import Domain
import Policy

/// What `tact next` shows a specialist: who to call, about what, and what happened so far, so the call can be
/// kind and useful. It holds personal data on purpose: it is the specialist's screen, never a log.
package struct CallCard {
    package init(call: Call, priority: UInt8?, now: Instant, outcomeDue: Instant? = nil, fromPoolFor: String? = nil) {
        self.call = call
        self.priority = priority
        self.now = now
        self.outcomeDue = outcomeDue
        self.fromPoolFor = fromPoolFor
    }

    package let call: Call
    package let priority: UInt8?
    package let now: Instant
    /// When the call returns to be planned again if no outcome was recorded.
    package let outcomeDue: Instant?
    /// The specialist who took the call from the pool because their own queue held none.
    package let fromPoolFor: String?

    /// An instant as the debtor's clocks show it, beside UTC: every zone they may be in.
    private func local(_ instant: Instant) -> String {
        let zones = call.context.policy?.debtor.timeZones ?? []
        guard !zones.isEmpty else { return "\(instant)" }
        return "\(instant) (" + zones.map { LocalDay.describe(instant, inZone: $0) }.joined(separator: "; ") + ")"
    }
    package var text: String {
        let context = call.context
        var lines = [
            "Call \(call.taskId) — \(call.purpose), priority \(priority.map(String.init) ?? "-"), tone \(context.tone)",
            "  Debtor \(call.debtorId): \(context.name), \(call.phone), language \(context.language)"
                + (call.creditorId.map { ", creditor \($0)" } ?? ""),
            "  Their time now: \(local(now))",
            "  Debt \(call.debtId): \(context.debt.amount) \(context.debt.currency), due \(context.debt.dueDate)",
        ]
        if let specialist = fromPoolFor {
            lines.insert("  From the pool: no call was waiting in \(specialist)'s own queue", at: 1)
        }
        if let assigned = context.assignedSpecialist {
            lines.append("  Case of \(assigned), who is away: please keep their approach")
        }
        if let promise = context.promise {
            lines.append("  Promise: \(promise.amount) by \(promise.date) (\(promise.status))")
        }
        if let plan = context.plan {
            var line = "  Plan: \(plan.instalments.count) instalments, \(plan.paid) paid"
            if let current = plan.current {
                let instalment = plan.instalments[current]
                line += "; about instalment \(current + 1): \(instalment.amount) due \(instalment.dueDate)"
            }
            lines.append(line)
        }
        if let last = context.lastOutcome {
            lines.append("  Last outcome: \(last.result.rawValue) (\(last.channel.rawValue), \(last.at))")
        }
        for hold in context.holds {
            lines.append("  Hold: \(hold.kind.rawValue) since \(hold.since)\(hold.until.map { " until \($0)" } ?? "")")
        }
        let recent = context.recentContacts.suffix(5)
        if !recent.isEmpty {
            lines.append(
                "  Recent contacts: "
                    + recent.map { "\($0.channel.rawValue) \($0.result.rawValue) \($0.at)" }.joined(separator: "; "))
        }
        lines.append("  Permitted until: \(call.validUntil.map(local) ?? "no end")")
        if context.tone == "gentle" {
            lines.append("  Suggested: listen first; ask how they are; offer time and a realistic plan, no pressure.")
        }
        if let outcomeDue {
            lines.append("  Without an outcome by \(outcomeDue), the call returns to be planned again.")
        }
        lines.append(
            "Record what happened: tact outcome '\(call.taskId)' --result conversation|no-answer|voicemail|not-connected [--promise AMOUNT@YYYY-MM-DD]"
        )
        return lines.joined(separator: "\n")
    }
}
