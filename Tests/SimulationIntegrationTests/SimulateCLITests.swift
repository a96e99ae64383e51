import Foundation
import Simulation
import SimulationTestSupport
import TactTestKit
import Testing

/// `tact simulate` as a user runs it: the built binary, a real folder, real files.
@Suite struct SimulateCLITests {
    /// A configuration folder of the test's own: the repository's rulebooks, strategies, mappings and outcome model.
    static func configFolder(in folder: URL) throws -> URL {
        let config = folder.appendingPathComponent("Config")
        let manager = FileManager.default
        try manager.createDirectory(at: config.appendingPathComponent("samples"), withIntermediateDirectories: true)
        try manager.copyItem(
            at: SimulationSamples.config.appendingPathComponent("rulebooks"),
            to: config.appendingPathComponent("rulebooks"))
        try manager.copyItem(at: SimulationSamples.outcomes, to: config.appendingPathComponent("samples/outcomes.yaml"))
        try manager.copyItem(
            at: SimulationSamples.config.appendingPathComponent("strategies"),
            to: config.appendingPathComponent("strategies"))
        try manager.copyItem(
            at: SimulationSamples.config.appendingPathComponent("mappings"),
            to: config.appendingPathComponent("mappings"))
        return config
    }

    /// Runs `executable` (the built `tact`, or a browser) to its end, within two minutes, without a configuration
    /// folder from the environment: each test names its own.
    static func run(_ executable: URL, _ arguments: [String], directory: URL? = nil) async throws
        -> ChildProcess.Result
    {
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "TACT_CONFIG_DIR")
        return try await ChildProcess.run(
            executable, arguments, environment: environment, directory: directory, timeout: .seconds(120))
    }

    static func arguments(
        config: URL, out: URL, days: String = "21", debtors: String = SimulationSamples.debtors.path,
        extra: [String] = []
    ) -> [String] {
        [
            "simulate", "--rulebook", "pl-respectful", "--strategy", "default", "--days", days, "--outcomes",
            "outcomes",
            "--seed", "4", "--start", "2026-12-01", debtors, "--out", out.appendingPathComponent("report.html").path,
            "--timeline", out.appendingPathComponent("timeline.jsonl").path, "--config-dir", config.path,
        ] + extra
    }

    @Test func writesTheReportAndTheTimelineAndRepeatsItself() async throws {
        let folder = try TemporaryFolder.create("sim")
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = try Self.configFolder(in: folder)
        var outputs: [(String, String)] = []
        for round in 1...2 {
            let out = folder.appendingPathComponent("run\(round)")
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            let run = try await Self.run(try TactBinary.url(), Self.arguments(config: config, out: out))
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.hasPrefix("simulated 34 debtors for 21 days from 2026-12-01T00:00:00Z"))
            #expect(run.stdout.contains("compliance: every check passed"))
            outputs.append(
                (
                    try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8),
                    try String(contentsOf: out.appendingPathComponent("timeline.jsonl"), encoding: .utf8)
                ))
        }
        #expect(outputs[0] == outputs[1])
        let (html, lines) = outputs[0]
        let timeline = try lines.split(separator: "\n").map { try TimelineEntry.decode(line: $0) }
        let totals = TimelineTotals(timeline)
        let embedded = try ReportDOM.embedded(html)
        #expect(embedded.summary.emissions == totals.emissions)
        #expect(embedded.summary.decisions == totals.decisions)
        #expect(embedded.summary.outcomes == totals.outcomes)
        #expect(
            embedded.run.strategy == "default" && embedded.run.seed == 4 && embedded.run.rulebook == "pl-respectful")
        #expect(timeline.first { $0.kind == .placement }?.detail == "strategy: default")
        // Self-contained: nothing is fetched from anywhere.
        for external in ["src=\"http", "href=\"http", "<link ", "@import", "url("] { #expect(!html.contains(external)) }
        for secret in ["Przykładowy", "debtor1@example.com", "+48000000001"] {
            #expect(!html.contains(secret) && !lines.contains(secret))
        }
    }

    /// Each bad input: exit 2, nothing on stdout, one line on stderr naming the problem, no stack trace.
    @Test(arguments: BadInput.all)
    func badInputIsOneLineAndExitTwo(_ bad: BadInput) async throws {
        let folder = try TemporaryFolder.create("sim")
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = try Self.configFolder(in: folder)
        let file = folder.appendingPathComponent(bad.fileName)
        try bad.contents.write(to: file)
        let written = { (value: String) in value.replacingOccurrences(of: "$FILE", with: file.path) }
        var arguments = Self.arguments(config: config, out: folder, debtors: written(bad.debtors))
        for (option, value) in bad.options {
            let index = try #require(arguments.firstIndex(of: option))
            arguments[index + 1] = written(value)
        }
        let run = try await Self.run(try TactBinary.url(), arguments, directory: folder)
        #expect(run.status == 2, "\(bad.label): \(run.stderr)")
        #expect(run.stdout.isEmpty, "\(bad.label)")
        let lines = run.stderr.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 2 && lines[1].isEmpty, "\(bad.label): \(run.stderr)")
        #expect(run.stderr.hasPrefix("tact simulate: error: "), "\(bad.label): \(run.stderr)")
        #expect(run.stderr.contains(bad.message), "\(bad.label): \(run.stderr)")
        for crash in ["Fatal error", "Backtrace", "Stack dump"] { #expect(!run.stderr.contains(crash)) }
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("report.html").path))
    }

    /// One bad input: a file to write (`$FILE` in `debtors` or an option's value names it) and what to change.
    struct BadInput: Sendable, CustomTestStringConvertible {
        static let goodRow = SimulationSamples.goodDebtorRow

        var label: String
        var fileName = "debtors.csv"
        var contents = Data((SimulationSamples.debtorHeader + goodRow).utf8)
        var debtors = "$FILE"
        var options: [(String, String)] = []
        var message: String
        var testDescription: String { label }

        static let all: [BadInput] = [
            BadInput(label: "missing file", debtors: "/nonexistent/gone.csv", message: "gone.csv: file does not exist"),
            BadInput(
                label: "bad CSV encoding",
                contents: Data(SimulationSamples.debtorHeader.utf8) + Data([0x44, 0x2C, 0xE9, 0x0A]),
                message: "debtors.csv: line 2: encoding"),
            BadInput(
                label: "unknown time zone",
                contents: Data(
                    (SimulationSamples.debtorHeader + goodRow
                        + "sim,D-2,Ann,Europe/Atlantis,+1,,,pl,1,PLN,2026-11-01,,C-2\n")
                        .utf8),
                message: "debtors.csv: line 3: invalid-field: debtor.timeZones[0]: unknown time-zone id"),
            BadInput(
                label: "missing column",
                contents: Data("creditor_id,debtor_id,name,time_zones,phone,language,amount,currency,debt_id\n".utf8),
                message: "debtors.csv: no column \"due_date\" for debt.dueDate in the header"),
            BadInput(
                label: "unknown rulebook", options: [("--rulebook", "xx-nowhere")],
                message: "no rulebook named xx-nowhere"),
            BadInput(
                label: "unknown strategy", options: [("--strategy", "reckless")], message: "no strategy named reckless"),
            BadInput(
                label: "missing outcome model", options: [("--outcomes", "/nonexistent/model.yaml")],
                message: "/nonexistent/model.yaml: file does not exist"),
            BadInput(
                label: "bad outcome model", fileName: "bad.yaml", contents: Data("channels:\n  fax: {}\n".utf8),
                debtors: SimulationSamples.debtors.path, options: [("--outcomes", "$FILE")],
                message: "bad.yaml: channels.fax: unknown field"),
            BadInput(label: "no days", options: [("--days", "0")], message: "--days must be between 1 and 3650"),
            BadInput(label: "days not a number", options: [("--days", "abc")], message: "'abc' is invalid for '--days"),
            BadInput(label: "seed not a number", options: [("--seed", "-1")], message: "--seed"),
            BadInput(
                label: "bad start", options: [("--start", "yesterday")], message: "--start must be an RFC 3339 instant"),
            BadInput(
                label: "no folder for the report", options: [("--out", "/nonexistent/report.html")],
                message: "--out: the folder /nonexistent does not exist"),
        ]
    }
}
