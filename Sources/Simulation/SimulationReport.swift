import Domain
import Foundation
import Policy

/// The what-if report: one self-contained HTML page (no external assets) with the compliance checks in words,
/// the key figures, summary charts and a calendar per debtor, all as inline SVG. The figures are embedded as JSON
/// (`<script type="application/json" id="tact-summary">`) and every bar carries its count in `data-count`, so the
/// page can be checked against the timeline by a machine as well as read by a person.
public struct SimulationReport: Sendable {
    /// How the run was set up, as the page states it.
    public struct Run: Sendable, Equatable, Codable {
        public var rulebook: String?
        public var strategy: String?
        public var outcomes: String?
        public var seed: UInt64?
        public var debtorsFile: String?

        public init(
            rulebook: String? = nil, strategy: String? = nil, outcomes: String? = nil, seed: UInt64? = nil,
            debtorsFile: String? = nil
        ) {
            self.rulebook = rulebook
            self.strategy = strategy
            self.outcomes = outcomes
            self.seed = seed
            self.debtorsFile = debtorsFile
        }
    }

    /// What `tact-summary` holds.
    public struct Embedded: Sendable, Equatable, Codable {
        public var run: Run
        public var summary: SimulationSummary
        public var checks: ComplianceChecks
    }

    /// Calendars drawn at most; the checks and charts always cover every debtor.
    public static let maximumCalendars = 500

    public let result: SimulationResult
    public let run: Run
    public let summary: SimulationSummary
    public let checks: ComplianceChecks

    public init(result: SimulationResult, run: Run) {
        self.result = result
        self.run = run
        self.summary = SimulationSummary(result)
        self.checks = ComplianceChecks(result)
    }

    /// The embedded figures as JSON, safe inside `<script>` (no `<` and no `/` unescaped).
    public var embeddedJSON: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(Embedded(run: run, summary: summary, checks: checks))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "<", with: "\\u003c")
    }

    public var html: String {
        let title = "Tact what-if simulation: \(run.rulebook ?? "mixed rulebooks"), \(summary.days) days"
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(SVGCanvas.escape(title))</title>
            <style>\(ReportPage.style)</style>
            </head>
            <body data-rendered="false">
            <header><h1>\(SVGCanvas.escape(title))</h1>\(ReportPage.setup(run: run, summary: summary))</header>
            <section id="checks"><h2>Compliance checks</h2>\(ReportPage.checks(checks))</section>
            <section id="figures"><h2>Key figures</h2>
            <table id="tact-figures"><tbody></tbody></table>
            <noscript><p>The figures table is filled by a script; the same figures are in the page's tact-summary JSON.</p></noscript>
            </section>
            <section id="charts"><h2>Summary charts</h2>
            <figure><figcaption>Contacts per day, by channel</figcaption>\(SummaryCharts.contactsPerDay(summary))</figure>
            <figure><figcaption>Decisions, and the rules that blocked contacts</figcaption>\(SummaryCharts.decisionsByRule(summary))</figure>
            <figure><figcaption>Debtors contacted, reached and paid (share of \(summary.debtors))</figcaption>\(SummaryCharts.reach(summary))</figure>
            <figure><figcaption>Promises to pay</figcaption>\(SummaryCharts.promises(summary))</figure>
            </section>
            <section id="calendars"><h2>Debtors</h2>
            \(ReportPage.legend)
            <p><label>Show debtor <input id="debtor-filter" type="search" placeholder="id, e.g. D-1001"></label></p>
            \(calendars)
            </section>
            <script type="application/json" id="tact-summary">\(embeddedJSON)</script>
            <script>\(ReportPage.script)</script>
            </body>
            </html>

            """
    }

    private var calendars: String {
        let histories = DebtorHistory.all(in: result)
        var engines: [String: PolicyEngine] = [:]
        for (id, rulebook) in result.rulebooks { engines[id] = try? PolicyEngine(rulebook: rulebook) }
        var parts: [String] = []
        for debtor in result.debtors.prefix(Self.maximumCalendars) {
            guard let history = histories[debtor.id] else { continue }
            let calendar = DebtorCalendar(
                history: history, rulebook: result.rulebooks[debtor.rulebook], engine: engines[debtor.rulebook],
                start: result.start, end: result.end)
            parts.append(
                "<article class=\"debtor\" id=\"debtor-\(SVGCanvas.escape(debtor.id))\" data-debtor=\"\(SVGCanvas.escape(debtor.id))\">"
                    + "<h3>\(ReportPage.heading(history))</h3>\(calendar.svg)</article>")
        }
        if result.debtors.count > Self.maximumCalendars {
            parts.append(
                "<p>Calendars of the first \(Self.maximumCalendars) of \(result.debtors.count) debtors; the checks and "
                    + "charts above cover all of them.</p>")
        }
        return parts.joined(separator: "\n")
    }
}
