import ArgumentParser
import Contract
import Delivery
import Domain
import Logging
import Observability
import TactConfig

/// `tact deliver --channel email|sms|letter`: a sender (see ``SenderService``). Run as many as needed.
struct DeliverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver",
        abstract: "Run a sender: write, check and send the reminders of one channel, and report each outcome.",
        discussion: """
            email: through the SMTP relay of delivery.email (password in TACT_SMTP_PASSWORD). sms: through the \
            provider's HTTP API at delivery.sms.url (signing secret in TACT_SMS_SECRET). letter: to the spool folder \
            delivery.letter.spool. Every message is checked against its rulebook's disclosures, and every contact \
            with the scheduler at the moment of sending. Stops gracefully on SIGTERM or SIGINT.
            """)

    @Option(help: "email, sms or letter.")
    var channel: String

    @Option(help: "Serve /metrics and /health on this port (default: none).")
    var metricsPort: UInt16 = 0

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        let logger = Logs.bootstrap(label: "tact.deliver")
        ParentWatch.startIfAsked()
        guard let channel = Channel(rawValue: channel), channel != .call else {
            throw fail("deliver", ValidationError("--channel must be email, sms or letter"), code: 2)
        }
        do {
            let environment = try ServiceEnvironment(options)
            let configuration = environment.configuration
            let catalog = try environment.templates()
            let transport: any Transport =
                switch channel {
                case .email: try SMTPTransport(configuration.delivery.email)
                case .sms: try SMSTransport(configuration.delivery.sms)
                default: try LetterSpool(folder: configuration.delivery.letterSpool)
                }
            let registry = MetricsRegistry()
            let metrics = DeliveryMetrics(registry: registry)
            let server =
                metricsPort == 0
                ? nil
                : try OperatorEndpoint(registry: registry, health: Health(metrics.checks)).serve(
                    host: configuration.metrics.host, port: metricsPort, alternatives: 0)
            defer { server?.stop() }
            let name = "\(channel.rawValue)@\(ServiceEnvironment.processName)"
            let service = try SenderService(
                channel: channel, amqp: try environment.amqp(connectionName: "tact-deliver \(name)"),
                topology: TactTopology(prefix: configuration.exchangePrefix), catalog: catalog,
                configuration: configuration, transport: transport, senderID: name, logger: logger,
                metrics: server == nil ? DeliveryMetrics() : metrics)
            try await runUntilSignalled(service, logger: logger)
        } catch {
            throw fail("deliver", error)
        }
    }
}
