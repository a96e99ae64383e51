import Domain
import Policy
import Store

/// `tact explain --json`: one document, fields in a fixed order. Ids, states, times and rule reasons only.
package enum ExplainJSON {
    package static func document(_ records: ExplainRecords, next: ExplainNextContact?, now: Instant) -> AuditJSON {
        let debtor = records.debtor
        return .object([
            ("asOf", .instant(now)),
            (
                "debtor",
                .object([
                    ("id", .string(debtor.ref)), ("creditorId", .string(debtor.creditorID)),
                    ("linkedCases", .array((records.person?.linked ?? []).map(AuditJSON.string))),
                    ("rulebook", .string(debtor.rulebook)), ("specialistId", .text(debtor.specialistID)),
                    ("timeZones", .array(debtor.timeZones.map(AuditJSON.string))),
                    ("optOuts", .array(debtor.optOuts.map(\.rawValue).sorted().map(AuditJSON.string))),
                    ("representative", debtor.representative.map { .object([("kind", .text($0.kind))]) } ?? .null),
                    ("createdAt", .instant(debtor.createdAt)),
                ])
            ),
            (
                "debts",
                .array(
                    records.debts.map {
                        .object([
                            ("id", .string($0.id)), ("placementId", .string($0.placementID)),
                            ("status", .string($0.status.rawValue)),
                        ])
                    })
            ),
            ("tasks", .array(records.tasks.map(task))),
            ("decisions", .array(records.decisions.map(decision))),
            (
                "holds",
                .array(
                    records.holds.map {
                        .object([
                            ("id", .string($0.id)), ("kind", .string($0.kind.rawValue)), ("debtId", .text($0.debtID)),
                            ("since", .instant($0.since)), ("until", .instant($0.until)),
                            ("end", .instant(records.holdEnds[$0.id])), ("liftedAt", .instant($0.liftedAt)),
                        ])
                    })
            ),
            (
                "contacts",
                .array(
                    records.ledger.map {
                        .object([
                            ("taskId", .string($0.taskID)), ("debtId", .string($0.debtID)),
                            ("channel", .string($0.channel.rawValue)), ("at", .instant($0.at)),
                            ("result", .string($0.result.rawValue)),
                        ])
                    })
            ),
            (
                "handovers",
                .array(
                    records.handovers.map {
                        .object([
                            ("changeId", .string($0.changeID)), ("at", .instant($0.at)), ("from", .text($0.fromID)),
                            ("to", .text($0.toID)), ("cause", .string($0.cause.rawValue)),
                        ])
                    })
            ),
            (
                // The senders' checks at the moment of sending: `verdict` `send` claimed the contact.
                "checks",
                .array(
                    records.checks.map { check in
                        .object([
                            ("taskId", .string(check.taskID)), ("at", .instant(check.at)),
                            ("sender", .string(check.actor)), ("verdict", .string(check.verdict)),
                        ])
                    })
            ),
            ("next", next.map { nextContact($0, records) } ?? .null),
        ])
    }

    package static func reasons(_ reasons: [PolicyDecision.Reason]) -> AuditJSON {
        .array(
            reasons.map {
                .object([
                    ("rule", .string($0.rule.rawValue)), ("until", .instant($0.until)), ("detail", .string($0.detail)),
                ])
            })
    }

    private static func task(_ task: TaskRecord) -> AuditJSON {
        .object([
            ("id", .string(task.id)), ("debtId", .string(task.debtID)), ("channel", .string(task.channel.rawValue)),
            ("purpose", .string(task.purpose.rawValue)), ("status", .string(task.status.rawValue)),
            ("dueAt", .instant(task.dueAt)),
            ("attempts", .int(Int64(task.attempts))), ("createdAt", .instant(task.createdAt)),
            ("closedReason", .text(task.closedReason?.description)),
        ])
    }

    private static func decision(_ decision: DecisionRecord) -> AuditJSON {
        .object([
            ("taskId", .string(decision.taskID)), ("decidedAt", .instant(decision.decidedAt)),
            ("decision", .string(decision.decision.rawValue)), ("earliest", .instant(decision.earliest)),
            ("reasons", reasons(decision.reasons)), ("worker", .string(decision.worker)),
        ])
    }

    private static func nextContact(_ next: ExplainNextContact, _ records: ExplainRecords) -> AuditJSON {
        .object([
            ("taskId", .string(next.task.id)), ("debtId", .string(next.task.debtID)),
            ("channel", .string(next.task.channel.rawValue)), ("purpose", .string(next.task.purpose.rawValue)),
            ("status", .string(next.task.status.rawValue)), ("dueAt", .instant(next.task.dueAt)),
            ("plannedFor", .instant(next.plannedFor)), ("permissibleAt", .instant(next.permissibleAt)),
            (
                "permissibleAtLocal",
                .text(records.zone.flatMap { zone in next.permissibleAt.map { LocalDay.describe($0, inZone: zone) } })
            ),
            ("basis", .string(next.basis.rawValue)), ("decidedAt", .instant(next.decidedAt)),
            ("decision", .text(next.decision?.rawValue)), ("reasons", reasons(next.reasons)),
            ("reasonsAt", .instant(next.reasonsAt)),
            (
                "later",
                .array(next.later.map { .object([("from", .instant($0.from)), ("reasons", reasons($0.reasons))]) })
            ),
            ("note", .text(next.note)),
        ])
    }
}
