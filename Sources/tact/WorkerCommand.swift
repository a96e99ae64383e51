import ArgumentParser
import Contract
import Domain
import Intake
import Logging
import Observability
import Policy
import TactConfig
import TactTools
import Worker
import WorkerCore

/// `tact worker`: decide due tasks and propose their reminders and calls to the scheduler (see ``WorkerService``).
/// Run as many as needed.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run a worker: apply the contact policy to due tasks and decide their reminders and calls.",
        discussion: "Stops gracefully on SIGTERM or SIGINT, finishing the tasks in hand. Broker: TACT_AMQP_URL.")

    @OptionGroup var options: ServiceOptions

    @Option(
        help: """
            Serve /metrics and /health on exactly this port (0: not at all); default: the first free port from \
            metrics.workerPort up.
            """)
    var metricsPort: UInt16?

    func run() async throws {
        let logger = Logs.bootstrap(label: "tact.worker")
        ParentWatch.startIfAsked()
        do {
            let environment = try ServiceEnvironment(options)
            var engines: [String: PolicyEngine] = [:]
            for (name, rulebook) in environment.rulebooks { engines[name] = try PolicyEngine(rulebook: rulebook) }
            let core = WorkerCore(
                topology: TactTopology(prefix: environment.configuration.exchangePrefix), engines: engines,
                workerID: ServiceEnvironment.processName)
            let registry = MetricsRegistry()
            let metrics = WorkerMetrics(registry: registry)
            let port = metricsPort ?? UInt16(environment.configuration.metrics.workerPort)
            let server =
                port == 0
                ? nil
                : try OperatorEndpoint(registry: registry, health: Health(metrics.checks)).serve(
                    host: environment.configuration.metrics.host, port: port,
                    alternatives: metricsPort == nil ? ServiceConfiguration.Metrics.workerPortsTried : 0)
            defer { server?.stop() }
            if let server {
                logger.notice("Serving /metrics and /health", metadata: ["tact.metrics": "\(server.address)"])
            }
            let service = WorkerService(
                configuration: environment.configuration,
                amqp: try environment.amqp(connectionName: "tact-worker \(ServiceEnvironment.processName)"),
                core: core, logger: logger, metrics: server == nil ? WorkerMetrics() : metrics)
            try await runUntilSignalled(service, logger: logger)
        } catch {
            throw fail("worker", error)
        }
    }
}
