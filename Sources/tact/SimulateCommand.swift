import ArgumentParser
import Domain
import Foundation
import Intake
import Policy
import SchedulerCore
import Simulation
import TactConfig
import TactTools

/// `tact simulate`: what if these debtors were handled under this rulebook and strategy? Runs the real scheduler
/// and worker logic on a virtual clock over an in-memory transport, with simulated outcomes, and writes an HTML
/// report (and, if asked, the timeline as JSON lines). No broker and no store are involved.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "What if: simulate debtors under a rulebook and strategy on a virtual clock, and write a report.",
        discussion: """
            DEBTORS is the file tact place reads: CSV with a header row, its columns mapped to placement fields \
            by Config/mappings/<name>.yaml (--mapping, --column, --default, --creditor), or placement messages as \
            JSON lines. Every row must be good. \
            --outcomes names an outcome model: a YAML file, or a name in Config/samples (outcomes). The same inputs \
            and --seed give the same run. Bad input: one line on stderr and exit 2. The report is written \
            either way; if its compliance checks found a contact the rules forbid, exit 3.
            """)

    @Option(help: "Rulebook name (e.g. pl-respectful) or path to a rulebook YAML file.")
    var rulebook: String

    @Option(help: "Cadence strategy name (Config/strategies/NAME.yaml), passed to every placement.")
    var strategy: String

    @Option(help: "Days to simulate (1–3650).")
    var days: Int

    @Option(help: "Outcome model: a YAML file, or the name of one in Config/samples.")
    var outcomes: String

    @Option(help: "Seed of the simulated outcomes.")
    var seed: UInt64 = 1

    @Option(help: "First simulated instant (RFC 3339, or a date for its 00:00 UTC); default: today 00:00 UTC.")
    var start: String?

    @Argument(help: "The debtors: CSV with a header row (as for tact place), or JSON lines of placements.")
    var debtors: String

    @OptionGroup var mappingOptions: MappingOptions

    @Option(help: "Where to write the HTML report.")
    var out: String

    @Option(help: "Where to write the timeline (JSON lines), if wanted.")
    var timeline: String?

    @Option(
        name: .customLong("config-dir"),
        help: "Configuration directory (default: $TACT_CONFIG_DIR, ./Config, or found from the executable).")
    var configDirectory: String?

    func run() async throws {
        let inputs: SimulateInputs
        do {
            inputs = try SimulateInputs(self)
        } catch {
            throw fail("simulate", error, code: 2)
        }
        do {
            let simulation = try Simulation(
                configuration: inputs.configuration, rulebooks: [inputs.rulebook.id: inputs.rulebook],
                strategies: inputs.strategies, start: inputs.start)
            for placement in inputs.placements {
                simulation.schedule(.placement(placement, userID: nil), at: inputs.start)
            }
            let clock = ContinuousClock.now
            try await simulation.run(until: inputs.end, responder: inputs.model)
            let elapsed = ContinuousClock.now - clock
            let result = try await simulation.result()
            let report = SimulationReport(
                result: result,
                run: .init(
                    rulebook: inputs.rulebook.id, strategy: strategy, outcomes: inputs.outcomesName, seed: seed,
                    debtorsFile: URL(fileURLWithPath: debtors).lastPathComponent))
            try SimulateOutput.write(report, html: inputs.reportURL, timeline: inputs.timelineURL)
            print(SimulateOutput.lines(report, elapsed: elapsed, html: out, timeline: timeline).joined(separator: "\n"))
            guard report.checks.passed else {
                throw fail("simulate", ComplianceFailure(findings: report.checks.findingCount), code: 3)
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw fail("simulate", error)
        }
    }
}

/// The simulated run broke a rule: a script (or CI) running what-ifs must not take it for a pass.
struct ComplianceFailure: Error, CustomStringConvertible {
    let findings: Int
    var description: String { "compliance-failed: \(findings) finding(s) in the compliance checks; see the report" }
}
