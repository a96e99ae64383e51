import AMQP
import ArgumentParser
import Cadence
import Domain
import Foundation
import Glibc
import Intake
import Logging
import Observability
import Policy
import ServiceLifecycle
import TactConfig
import TactTools
import Templates
import UnixSignals

/// Options every service command and tool shares.
struct ServiceOptions: ParsableArguments {
    @Option(
        name: .customLong("config-dir"),
        help: "Configuration directory (default: $TACT_CONFIG_DIR, ./Config, or found from the executable).")
    var configDirectory: String?
}

/// What a command needs to run: the service configuration, every rulebook, the broker settings and a logger.
/// Loading fails with one line naming the file, field and problem.
struct ServiceEnvironment {
    let directory: ConfigDirectory
    let configuration: ServiceConfiguration
    let rulebooks: [String: Rulebook]
    let strategies: [String: Strategy]

    init(_ options: ServiceOptions) throws {
        directory = try ConfigDirectory.locate(option: options.configDirectory)
        configuration = try ServiceConfiguration.load(from: directory)
        rulebooks = try RulebookLoader(directory: directory).loadAll()
        strategies = try StrategyLoader(directory: directory).loadAll()
        try configuration.validateDocuments(in: directory)
    }

    /// The message templates and disclosure rules (`Config/templates/`), checked as they load.
    func templates() throws(ConfigError) -> TemplateCatalog {
        try TemplateLoader(directory: directory).load(rulebooks: rulebooks.keys.sorted())
    }

    /// Broker settings from the configured URL (itself from `TACT_AMQP_URL` when set).
    func amqp(connectionName: String) throws -> AMQPConfiguration {
        var amqp = try AMQPConfiguration(url: configuration.amqpURL)
        amqp.connectionName = connectionName
        return amqp
    }

    /// The `user_id` an operator's tool sets on what it publishes to the intake: its broker user, when asked to
    /// (`--with-user-id`) or when the service file's `identity` section makes the scheduler check every message.
    func intakeUserID(asked: Bool = false) throws -> String? {
        asked || configuration.identity.isVerified ? try amqp(connectionName: "tact").username : nil
    }

    /// `host/pid`: how operators tell processes apart in logs and decisions.
    static var processName: String {
        "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)"
    }
}

enum Logs {
    /// Structured lines on stderr; level from `TACT_LOG_LEVEL` (trace … critical, default info).
    static func bootstrap(label: String) -> Logger {
        let level = ProcessInfo.processInfo.environment["TACT_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            // Values from outside (message ids, routing keys, broker users) stay on one line, capped.
            var handler = EscapingLogHandler(StreamLogHandler.standardError(label: label))
            handler.logLevel = level
            return handler
        }
        return Logger(label: label)
    }
}

/// One line on stderr and a non-zero exit: how every command reports an error (never a stack trace).
func fail(_ command: String, _ error: any Error, code: Int32 = 1) -> ExitCode {
    let line = "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
    FileHandle.standardError.write(Data("tact \(command): error: \(line)\n".utf8))
    return ExitCode(code)
}

/// Runs a long-lived service until SIGTERM or SIGINT asks it to stop gracefully.
func runUntilSignalled(_ service: some Service, logger: Logger) async throws {
    try await ServiceGroup(
        configuration: .init(
            services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    ).run()
}

/// With `TACT_EXIT_WITH_PARENT=1` (set by the tests), a service stops gracefully when the process that started
/// it dies, so an interrupted test run leaves no scheduler or worker behind.
enum ParentWatch {
    static func startIfAsked() {
        guard ProcessInfo.processInfo.environment["TACT_EXIT_WITH_PARENT"] == "1" else { return }
        let parent = getppid()
        Thread.detachNewThread {
            while getppid() == parent { Thread.sleep(forTimeInterval: 0.5) }
            kill(getpid(), SIGTERM)
        }
    }
}
