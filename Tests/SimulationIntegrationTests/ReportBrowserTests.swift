import Foundation
import Simulation
import SimulationTestSupport
import TactTestKit
import Testing

/// The report in a real browser: Debian's Chromium, headless, renders the page `tact simulate` wrote, runs its
/// script, and the figures in the rendered DOM are the timeline's. `scripts/setup` installs Chromium, so a missing
/// browser fails this test (set TACT_SKIP_BROWSER_TESTS=1 to skip it knowingly on a machine without one).
@Suite struct ReportBrowserTests {
    static let chromiumNames = ["chromium", "chromium-browser", "google-chrome"]
    static let skipped = ProcessInfo.processInfo.environment["TACT_SKIP_BROWSER_TESTS"] == "1"

    @Test(.disabled(if: skipped, "TACT_SKIP_BROWSER_TESTS=1"))
    func theReportRendersAndItsFiguresMatchTheTimeline() async throws {
        guard let chromium = ChildProcess.find(Self.chromiumNames) else {
            Issue.record("Chromium is not installed: run scripts/setup (it installs Debian's chromium)")
            return
        }
        let folder = try TemporaryFolder.create("sim")
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = try SimulateCLITests.configFolder(in: folder)
        let simulate = try await SimulateCLITests.run(
            try TactBinary.url(), SimulateCLITests.arguments(config: config, out: folder, days: "60"))
        try #require(simulate.status == 0, "\(simulate.stderr)")
        let report = folder.appendingPathComponent("report.html")
        let lines = try String(contentsOf: folder.appendingPathComponent("timeline.jsonl"), encoding: .utf8)
        let totals = TimelineTotals(try lines.split(separator: "\n").map { try TimelineEntry.decode(line: $0) })

        let browser = [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--user-data-dir=\(folder.appendingPathComponent("profile").path)",
        ]
        let dump = try await SimulateCLITests.run(chromium, browser + ["--dump-dom", report.absoluteString])
        try #require(!dump.timedOut && dump.status == 0, "chromium: \(dump.status) \(dump.stderr.suffix(2000))")
        let dom = dump.stdout

        // The script ran to its end without an error.
        #expect(ReportDOM.bodyAttribute("data-rendered", in: dom) == "true", "\(dom.prefix(400))")
        #expect(ReportDOM.bodyAttribute("data-error", in: dom) == nil)
        // The pictures are there: four charts, the legend and one calendar per debtor.
        let pictures = dom.components(separatedBy: "<svg").count - 1
        #expect(pictures == 4 + 1 + 34)
        #expect(ReportDOM.bodyAttribute("data-svg-count", in: dom) == String(pictures))
        #expect(dom.components(separatedBy: "class=\"calendar\"").count - 1 == 34)

        // The figures the browser shows are the timeline's.
        let figures = ReportDOM.figures(dom)
        #expect(figures["debtors"] == 34)
        #expect(figures["emissionsTotal"] == totals.emissions.values.reduce(0, +))
        for channel in ["call", "sms", "email", "letter"] {
            #expect(figures["emissions.\(channel)"] == totals.emissions[channel] ?? 0, "\(channel)")
        }
        for kind in ["allow", "defer", "suppress", "redirect"] {
            #expect(figures["decisions.\(kind)"] == totals.decisions[kind] ?? 0, "\(kind)")
        }
        for (result, count) in totals.outcomes { #expect(figures["outcomes.\(result)"] == count, "\(result)") }
        #expect(figures["expired"] == totals.expired)
        #expect(figures["debtorsContacted"] == totals.contacted.count)
        #expect(figures["debtorsReached"] == totals.reached.count)
        #expect(figures["promisesMade"] == totals.promises)
        #expect(ReportDOM.chartedContacts(dom).filter { $0.value > 0 } == totals.emissions)
        // The compliance lines a reader sees.
        #expect(dom.contains(#"data-check="callsOnSundays" data-value="0""#))
        #expect(dom.contains(#"data-check="cap:pl-respectful/calls-per-debtor""#))
        #expect(!dom.contains(#"class="fail""#))

        // And it paints: a screenshot of the page.
        let picture = folder.appendingPathComponent("report.png")
        let shot = try await SimulateCLITests.run(
            chromium,
            browser + [
                "--hide-scrollbars", "--window-size=1280,2400", "--screenshot=\(picture.path)", report.absoluteString,
            ])
        #expect(shot.status == 0, "\(shot.stderr.suffix(2000))")
        let size = (try? FileManager.default.attributesOfItem(atPath: picture.path)[.size] as? Int) ?? 0
        #expect(size > 50_000)
    }
}
