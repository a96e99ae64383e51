import ArgumentParser
import Domain
import Foundation
import Intake
import Policy
import TactConfig
import TactTools

/// `tact policy evaluate --rulebook NAME|PATH [--explain] [--config-dir DIR]`
///
/// Contract (integrators and tests rely on it): one JSON request on stdin, one JSON decision on stdout,
/// exit 0; invalid input (unknown rulebook or time-zone id, malformed timestamp, unknown channel, missing
/// field, bad JSON) gives exit 2 and exactly one line on stderr. `--explain` adds a human account on stderr.
struct PolicyEvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Decide one proposed contact: JSON request on stdin, JSON decision on stdout.",
        discussion: """
            Exit status: 0 with a decision (allow, defer, suppress, redirect); 2 with a one-line error on \
            stderr for invalid input.
            """
    )

    @Option(name: .long, help: "Rulebook name (e.g. us-regf) or path to a rulebook YAML file.")
    var rulebook: String

    @Flag(name: .long, help: "Also write a human-readable account of every rule to stderr.")
    var explain = false

    @Option(
        name: .customLong("config-dir"),
        help: "Configuration directory (default: $TACT_CONFIG_DIR, ./Config, or found from the executable).")
    var configDirectory: String?

    func run() throws {
        let engine: PolicyEngine
        do {
            engine = try PolicyEngine(rulebook: try loadRulebook())
        } catch let error as ConfigError {
            try fail("rulebook: \(error)")
        } catch {
            try fail("rulebook \(rulebook): \(error)")
        }
        do {
            let input = FileHandle.standardInput.readDataToEndOfFile()
            let request = try PolicyJSON.decode(PolicyRequest.self, from: input)
            if explain {
                let explanation = engine.explain(request)
                FileHandle.standardError.write(Data(PolicyExplain.render(explanation, request: request).utf8))
                write(explanation.decision)
            } else {
                write(engine.evaluate(request))
            }
        } catch {
            try fail("invalid request: \(error)")
        }
    }

    private func loadRulebook() throws(ConfigError) -> Rulebook {
        if RulebookLoader.isPath(rulebook) { return try RulebookLoader(directory: nil).load(rulebook) }
        return try RulebookLoader(directory: ConfigDirectory.locate(option: configDirectory)).load(rulebook)
    }

    private func write(_ decision: PolicyDecision) {
        FileHandle.standardOutput.write(PolicyJSON.encode(decision) + Data("\n".utf8))
    }

    /// One line on stderr, exit 2: the contract for invalid input (never a stack trace).
    private func fail(_ message: String) throws -> Never {
        let line = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        FileHandle.standardError.write(Data("tact policy evaluate: error: \(line)\n".utf8))
        throw ExitCode(2)
    }
}
