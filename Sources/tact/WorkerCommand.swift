import ArgumentParser
import Contract
import Logging
import TactConfig
import Policy
import Worker

/// `tact worker`: decide due tasks and emit reminders and calls (see ``WorkerService``). Run as many as needed.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run a worker: apply the contact policy to due tasks and emit reminders and calls.",
        discussion: "Stops gracefully on SIGTERM or SIGINT, finishing the tasks in hand. Broker: TACT_AMQP_URL.")

    @OptionGroup var options: ServiceOptions

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
            let service = WorkerService(
                configuration: environment.configuration,
                amqp: try environment.amqp(connectionName: "tact-worker \(ServiceEnvironment.processName)"),
                core: core, logger: logger)
            try await runUntilSignalled(service, logger: logger)
        } catch {
            throw fail("worker", error)
        }
    }
}
