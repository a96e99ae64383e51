import Foundation
import Simulation

/// What `tact simulate` writes: the report, the timeline, and a few lines on stdout.
package enum SimulateOutput {
    package static func write(_ report: SimulationReport, html: URL, timeline: URL?) throws {
        try Data(report.html.utf8).write(to: html, options: .atomic)
        if let timeline {
            let lines = report.result.timeline.map(\.jsonLine).joined(separator: "\n") + "\n"
            try Data(lines.utf8).write(to: timeline, options: .atomic)
        }
    }

    package static func lines(_ report: SimulationReport, elapsed: Duration, html: String, timeline: String?)
        -> [String]
    {
        let summary = report.summary
        let checks = report.checks
        func counts(_ values: [String: Int], _ keys: [String]) -> String {
            keys.compactMap { key in values[key].map { "\(key) \($0)" } }.joined(separator: ", ")
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        var lines = [
            "simulated \(summary.debtors) debtors for \(summary.days) days from \(summary.start) "
                + "in \(String(format: "%.2f", seconds)) s",
            "  decisions: " + counts(summary.decisions, ["allow", "defer", "suppress", "redirect"]),
            "  contacts: \(summary.emissionsTotal) (" + counts(summary.emissions, ["call", "sms", "email", "letter"])
                + "), \(summary.expired) expired unread",
            "  reached \(summary.debtorsReached) of \(summary.debtors) debtors, \(summary.debtorsPaid) paid; "
                + "promises \(summary.promisesMade) (kept \(summary.promisesKept), broken \(summary.promisesBroken))",
            "  compliance: \(checks.summary)",
            "  report: \(html)",
        ]
        if let timeline { lines.append("  timeline: \(timeline) (\(report.result.timeline.count) entries)") }
        return lines
    }
}
