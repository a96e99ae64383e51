import ArgumentParser
import Contract
import Foundation
import Intake
import Logging
import Observability
import Scheduler
import SchedulerCore
import Store
import TactConfig
import TactTools

/// `tact scheduler`: the single writer of Tact's state (see ``SchedulerService``).
struct SchedulerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler",
        abstract: "Run the scheduler: keep the state, hand due tasks to the workers, publish what they decided.",
        discussion: "Stops gracefully on SIGTERM or SIGINT. Broker: TACT_AMQP_URL; store: TACT_STORE.")

    @OptionGroup var options: ServiceOptions

    @Option(help: "Serve /metrics and /health on this port (0: not at all); default: metrics.schedulerPort.")
    var metricsPort: UInt16?

    func run() async throws {
        let logger = Logs.bootstrap(label: "tact.scheduler")
        ParentWatch.startIfAsked()
        let service: SchedulerService
        do {
            let environment = try ServiceEnvironment(options)
            let path = environment.configuration.storePath
            try PrivateFiles.createFolder(URL(fileURLWithPath: path).deletingLastPathComponent())
            let lock = try ProcessLock(path: path + ".lock")
            _ = lock
            let store = try SQLiteStore(path: path)
            let registry = MetricsRegistry()
            let metrics = SchedulerMetrics(registry: registry)
            let port = metricsPort ?? UInt16(environment.configuration.metrics.schedulerPort)
            let server =
                port == 0
                ? nil
                : try OperatorEndpoint(registry: registry, health: Health(metrics.checks)).serve(
                    host: environment.configuration.metrics.host, port: port)
            defer { server?.stop() }
            if let server {
                logger.notice("Serving /metrics and /health", metadata: ["tact.metrics": "\(server.address)"])
            }
            service = SchedulerService(
                core: SchedulerCore(
                    configuration: environment.configuration, rulebooks: environment.rulebooks,
                    strategies: environment.strategies),
                store: store, amqp: try environment.amqp(connectionName: "tact-scheduler"), logger: logger,
                metrics: server == nil ? SchedulerMetrics() : metrics)
            logger.info("Store opened", metadata: ["tact.store": "\(path)"])
            try await runUntilSignalled(service, logger: logger)
            withExtendedLifetime(lock) {}
        } catch {
            throw fail("scheduler", error)
        }
    }
}
