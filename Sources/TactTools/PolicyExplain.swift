import Domain
import Foundation
import Policy

/// The human-readable account behind `tact policy evaluate --explain`: ids, zones and local times only,
/// never the representative's details or other personal data. Ends with the decision: for `allow`, until
/// when it holds ("allowed until …"), for `defer`, from when.
package enum PolicyExplain {
    package static func render(_ explanation: PolicyExplanation, request: PolicyRequest) -> String {
        var lines: [String] = []
        let contact = request.contact
        lines.append(
            "Rulebook \(explanation.rulebook): \(contact.channel.rawValue) about debt \(contact.debtId) "
                + "for debtor \(request.debtor.id) at \(request.now)")
        if explanation.zones.isEmpty {
            lines.append("Time zones: unknown")
        } else {
            let source = explanation.zonesAreFallback ? " (debtor's zone unknown: rulebook fallback, intersected)" : ""
            lines.append("Time zones: \(explanation.zones.joined(separator: ", "))\(source)")
        }
        let width = explanation.checks.map(\.rule.rawValue.count).max() ?? 0
        for check in explanation.checks {
            let outcome: String =
                switch check.outcome {
                case .blocks: "BLOCKS "
                case .passes: "passes "
                case .notApplicable: "n/a    "
                }
            let rule = check.rule.rawValue.padding(toLength: width, withPad: " ", startingAt: 0)
            let until = check.until.map { " (until \($0))" } ?? ""
            lines.append("  \(outcome) \(rule)  \(check.detail)\(until)")
        }
        let decision = explanation.decision
        let summary: String =
            switch decision.decision {
            case .allow:
                decision.validUntil.map { "allow now; allowed until \($0), when the permitted window closes" }
                    ?? "allow now; the permitted window does not close within the engine's horizon"
            case .defer: "defer until \(decision.earliest.map(\.description) ?? "?")"
            case .suppress: "suppress (not permissible until circumstances change)"
            case .redirect: "redirect to the representative on file"
            }
        lines.append("Decision: \(summary)")
        return lines.joined(separator: "\n") + "\n"
    }
}
