import AMQP
import ArgumentParser
import Contract
import Domain
import Foundation
import Intake
import Policy
import TactConfig
import TactTools

/// `tact dead list`: the messages in `<prefix>.dead`, oldest first, given back untouched afterwards.
struct DeadListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the dead letters: message id, type, reason, source, size, time; bodies only if asked.",
        discussion: """
            The messages are taken from the queue and given back untouched (AMQP cannot read a queue otherwise); \
            bodies hold personal data and are shown only with --show-body.
            """)

    @Option(help: "Show at most this many.") var limit: Int = 100
    @Flag(help: "One JSON object per line (fields: messageId, type, error, source, size, timestamp, broker, replay).")
    var json = false
    @Flag(help: "Also show each body (it may hold names, phone numbers and addresses).") var showBody = false
    @OptionGroup var options: ServiceOptions

    func run() async throws {
        guard limit > 0 else { throw fail("dead list", ValidationError("--limit must be at least 1"), code: 2) }
        do {
            let environment = try ServiceEnvironment(options)
            let queue = try await DeadQueue.open(
                amqp: try environment.amqp(connectionName: "tact-dead"),
                prefix: environment.configuration.exchangePrefix, limit: limit)
            let letters = queue.letters
            await queue.close(givingBack: letters)
            if json {
                for letter in letters { print(letter.json(topology: queue.topology, showBody: showBody).rendered) }
                return
            }
            print(
                "\(queue.topology.deadQueue): \(queue.count) message\(queue.count == 1 ? "" : "s")"
                    + (letters.count < queue.count ? ", showing \(letters.count)" : ""))
            for (index, letter) in letters.enumerated() { print(describe(letter, index + 1, queue)) }
        } catch {
            throw fail("dead list", error)
        }
    }

    private func describe(_ letter: DeadLetter, _ number: Int, _ queue: DeadQueue) -> String {
        var lines = [
            "\(number). \(letter.messageID)  type \(letter.type)  \(letter.size) bytes  "
                + (letter.timestamp?.description ?? "no timestamp")
        ]
        lines.append("   error:  " + (letter.error ?? letter.brokerReason.map { "(broker) \($0)" } ?? "-"))
        lines.append("   source: " + (letter.source ?? "-"))
        switch letter.replay(in: queue.topology) {
        case .to(let exchange, let routingKey): lines.append("   replay: to \(exchange) with routing key \(routingKey)")
        case .impossible(let why): lines.append("   replay: not possible: \(why)")
        }
        if showBody { lines.append("   body:   " + String(decoding: letter.delivery.body, as: UTF8.self)) }
        return lines.joined(separator: "\n")
    }
}
