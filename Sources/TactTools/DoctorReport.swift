import Doctor
import Domain

/// What `tact doctor` prints: a line per violation and a summary line, or one JSON document. Ids only.
package enum DoctorReport {
    /// `step-back-leak debtor D-1 debt C-1 tasks T-1,T-2: …`.
    package static func line(_ violation: Violation) -> String {
        var line = "\(violation.code.rawValue) debtor \(violation.debtorID)"
        if let debt = violation.debtID { line += " debt \(debt)" }
        if !violation.taskIDs.isEmpty { line += " tasks \(violation.taskIDs.joined(separator: ","))" }
        return line + ": " + violation.detail
    }

    /// `doctor: 2 violations (1 no-next-step, 1 step-back-leak) in 34 debtors, 40 open debts, at T`.
    package static func summary(_ summary: StoreCheckup.Summary, at now: Instant) -> String {
        let scope =
            "\(summary.debtors) debtor\(summary.debtors == 1 ? "" : "s"), "
            + "\(summary.openDebts) open debt\(summary.openDebts == 1 ? "" : "s"), at \(now)"
        guard summary.violations > 0 else { return "doctor: no violation in \(scope)" }
        let counts = Violation.Code.allCases.compactMap { code in
            summary.counts[code].map { "\($0) \(code.rawValue)" }
        }
        let noun = summary.violations == 1 ? "violation" : "violations"
        return "doctor: \(summary.violations) \(noun) (\(counts.joined(separator: ", "))) in \(scope)"
    }

    /// `tact doctor --json`: one document, fields in a fixed order.
    package static func document(
        _ violations: [Violation], summary: StoreCheckup.Summary, at now: Instant
    ) -> AuditJSON {
        .object([
            ("asOf", .instant(now)), ("debtors", .int(Int64(summary.debtors))),
            ("openDebts", .int(Int64(summary.openDebts))), ("violationCount", .int(Int64(summary.violations))),
            (
                "counts",
                .object(
                    Violation.Code.allCases.map { ($0.rawValue, .int(Int64(summary.counts[$0] ?? 0))) })
            ),
            (
                "violations",
                .array(
                    violations.map {
                        .object([
                            ("code", .string($0.code.rawValue)), ("debtorId", .string($0.debtorID)),
                            ("debtId", .text($0.debtID)), ("taskIds", .array($0.taskIDs.map(AuditJSON.string))),
                            ("detail", .string($0.detail)),
                        ])
                    })
            ),
        ])
    }
}
