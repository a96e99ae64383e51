// The e-mail sender of `tact deliver`, with or without the check at the moment of sending, for
// `scripts/bench delivery`: the same SenderService, transport and templates either way, so that the two differ by
// the check alone. `tact deliver` itself always checks.
//
//   DeliveryBench --check|--no-check      (configuration: TACT_CONFIG_DIR, TACT_AMQP_URL, TACT_SMTP_URL)
//
// Runs until killed.
import AMQP
import Contract
import Delivery
import Domain
import Foundation
import Logging
import TactConfig

let arguments = CommandLine.arguments
guard arguments.count == 2, ["--check", "--no-check"].contains(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: DeliveryBench --check|--no-check\n".utf8))
    exit(2)
}
let directory = try ConfigDirectory.locate(option: nil)
let configuration = try ServiceConfiguration.load(from: directory)
let rulebooks = try RulebookLoader(directory: directory).names()
let catalog = try TemplateLoader(directory: directory).load(rulebooks: rulebooks)
var amqp = try AMQPConfiguration(url: configuration.amqpURL)
amqp.connectionName = "delivery-bench"
var logger = Logger(label: "delivery-bench")
logger.logLevel = .warning
let service = try SenderService(
    channel: .email, amqp: amqp, topology: TactTopology(prefix: configuration.exchangePrefix), catalog: catalog,
    configuration: configuration, transport: try SMTPTransport(configuration.delivery.email),
    senderID: "bench-\(ProcessInfo.processInfo.processIdentifier)", logger: logger,
    checksContacts: arguments[1] == "--check")
try await service.run()
