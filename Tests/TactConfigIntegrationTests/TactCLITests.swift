import Foundation
import TactTestKit
import Testing

/// Runs the built `tact` binary as a real process: the command-line contract of `tact policy evaluate`.
/// `swift build --build-tests` builds `tact` next to the test bundle before `swift test` runs.
@Suite struct TactCLITests {
    static let request = """
        {"now": "2026-12-01T13:30:00Z",
         "contact": {"channel": "call", "debtId": "C-1"},
         "debtor": {"id": "D-1",
                    "timeZones": ["America/New_York", "America/Los_Angeles"],
                    "inconvenient": [{"days": ["mon", "tue"], "from": "09:00", "to": "12:00"}],
                    "holds": [{"kind": "bereavement", "since": "2026-11-20T10:00:00Z"},
                              {"kind": "dispute", "since": "2026-11-25T09:00:00Z", "until": "2026-12-03T00:00:00Z"}],
                    "optOuts": ["sms"],
                    "representative": {"kind": "attorney", "name": "A. Lawyer", "phone": "+15550100", "email": "a@law.example"}},
         "history": [{"at": "2026-11-28T15:00:00Z", "channel": "call", "debtId": "C-1", "result": "no-answer"}]}
        """

    static func run(_ arguments: [String], input: String, directory: URL = Repository.root) async throws
        -> ChildProcess.Result
    {
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "TACT_CONFIG_DIR")
        return try await ChildProcess.run(
            try TactBinary.url(), ["policy", "evaluate"] + arguments, environment: environment, directory: directory,
            input: Data(input.utf8))
    }

    static let expected =
        #"{"decision":"defer","earliest":"2026-12-20T16:00:00Z","reasons":[{"detail":"holds[0] from 2026-11-20T10:00:00Z until 2026-12-20T05:00:00Z (rulebook default): paused","rule":"hold:bereavement","until":"2026-12-20T05:00:00Z"},{"detail":"holds[1] from 2026-11-25T09:00:00Z until 2026-12-03T00:00:00Z: paused","rule":"hold:dispute","until":"2026-12-03T00:00:00Z"},{"detail":"Tue 05:30 in America/Los_Angeles is outside contact hours 08:00–21:00","rule":"contact-hours","until":"2026-12-01T16:00:00Z"}]}"#
        + "\n"

    @Test func happyPathWritesOneJSONDecision() async throws {
        let run = try await Self.run(["--rulebook", "us-regf"], input: Self.request)
        #expect(run.status == 0)
        #expect(run.stdout == Self.expected)
        #expect(run.stderr.isEmpty)
    }

    @Test func explainAddsAnAccountOnStderrWithoutPersonalData() async throws {
        let run = try await Self.run(["--rulebook", "us-regf", "--explain"], input: Self.request)
        #expect(run.status == 0)
        #expect(run.stdout == Self.expected)
        #expect(run.stderr.contains("BLOCKS  contact-hours"))
        #expect(run.stderr.contains("Decision: defer until 2026-12-20T16:00:00Z"))
        for secret in ["A. Lawyer", "+15550100", "a@law.example"] { #expect(!run.stderr.contains(secret)) }
    }

    /// 13:00 in New York and 10:00 in Los Angeles: allowed until 21:00 in New York.
    static let allowRequest = """
        {"now": "2026-12-01T18:00:00Z", "contact": {"channel": "call", "debtId": "C-1"},
         "debtor": {"id": "D-1", "timeZones": ["America/New_York", "America/Los_Angeles"]}, "history": []}
        """

    @Test func allowCarriesTheEndOfThePermittedWindow() async throws {
        let run = try await Self.run(["--rulebook", "us-regf", "--explain"], input: Self.allowRequest)
        #expect(run.status == 0)
        #expect(
            run.stdout
                == #"{"decision":"allow","earliest":"2026-12-01T18:00:00Z","reasons":[],"validUntil":"2026-12-02T02:00:00Z"}"#
                + "\n")
        #expect(run.stderr.contains("Decision: allow now; allowed until 2026-12-02T02:00:00Z"))
    }

    @Test func lettersUnderRegFHaveNoEndToTheirWindow() async throws {
        let input = Self.allowRequest.replacingOccurrences(of: #""channel": "call""#, with: #""channel": "letter""#)
        let run = try await Self.run(["--rulebook", "us-regf", "--explain"], input: input)
        #expect(run.status == 0)
        #expect(run.stdout == #"{"decision":"allow","earliest":"2026-12-01T18:00:00Z","reasons":[]}"# + "\n")
        #expect(run.stderr.contains("Decision: allow now; the permitted window does not close within"))
    }

    @Test func findsRulebooksByPathAndByConfigDirFromAnywhere() async throws {
        let elsewhere = FileManager.default.temporaryDirectory
        let byPath = try await Self.run(
            ["--rulebook", Repository.root.appendingPathComponent("Config/rulebooks/us-regf.yaml").path],
            input: Self.request,
            directory: elsewhere)
        #expect(byPath.status == 0 && byPath.stdout == Self.expected)
        let byOption = try await Self.run(
            ["--rulebook", "us-regf", "--config-dir", Repository.root.appendingPathComponent("Config").path],
            input: Self.request, directory: elsewhere)
        #expect(byOption.status == 0 && byOption.stdout == Self.expected)
    }

    @Test func redirectCarriesTheRepresentative() async throws {
        let input = Self.request.replacingOccurrences(of: #""kind": "bereavement""#, with: #""kind": "attorney""#)
        let run = try await Self.run(["--rulebook", "pl-respectful"], input: input)
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix(#"{"decision":"redirect""#))
        #expect(
            run.stdout.contains(
                #""redirectTo":{"email":"a@law.example","kind":"attorney","name":"A. Lawyer","phone":"+15550100"}"#))
    }

    /// Each category of invalid input: exit 2, nothing on stdout, exactly one line on stderr naming the problem.
    @Test(arguments: [
        ("unknown rulebook", ["--rulebook", "xx-unknown"], Self.request, "no rulebook named xx-unknown"),
        ("invalid rulebook file", ["--rulebook", "/nonexistent/book.yaml"], Self.request, "file does not exist"),
        (
            "unknown time zone", ["--rulebook", "us-regf"],
            Self.request.replacingOccurrences(of: "America/Los_Angeles", with: "America/Gotham"),
            "debtor.timeZones[1]: unknown time-zone id"
        ),
        (
            "malformed timestamp", ["--rulebook", "us-regf"],
            Self.request.replacingOccurrences(of: "2026-12-01T13:30:00Z", with: "1 Dec 2026"),
            "now: malformed timestamp"
        ),
        (
            "unknown channel", ["--rulebook", "us-regf"],
            Self.request.replacingOccurrences(
                of: #""channel": "call", "debtId": "C-1"}"#, with: #""channel": "fax", "debtId": "C-1"}"#),
            "contact.channel: unknown channel"
        ),
        (
            "missing field", ["--rulebook", "us-regf"],
            Self.request.replacingOccurrences(of: #""contact": {"channel": "call", "debtId": "C-1"},"#, with: ""),
            "contact: missing field"
        ),
        ("not JSON", ["--rulebook", "us-regf"], "this is not JSON", "not valid JSON"),
        ("empty input", ["--rulebook", "us-regf"], "", "not valid JSON"),
    ])
    func invalidInputExitsTwoWithOneLine(label: String, arguments: [String], input: String, message: String)
        async throws
    {
        let run = try await Self.run(arguments, input: input)
        #expect(run.status == 2, "\(label)")
        #expect(run.stdout.isEmpty, "\(label)")
        #expect(
            run.stderr.hasSuffix("\n")
                && run.stderr.dropLast().split(separator: "\n", omittingEmptySubsequences: false).count == 1,
            "\(label): \(run.stderr)")
        #expect(run.stderr.contains(message), "\(label): \(run.stderr)")
        #expect(!run.stderr.contains("Fatal error") && !run.stderr.contains("Stack"), "\(label)")
    }
}
