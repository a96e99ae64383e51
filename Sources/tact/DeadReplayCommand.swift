import AMQP
import ArgumentParser
import Contract
import Foundation
import Intake
import TactConfig
import TactTools

/// `tact dead replay`: sends refused inputs again, after the cause was fixed (the debtor placed, a rulebook
/// configured, …). Each body goes back untouched to the exchange and routing key it first came through; the dead
/// copy is acknowledged only once the broker confirmed the new one, and every other message is given back
/// untouched, so nothing is lost whatever fails.
struct DeadReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Republish dead letters to where they came from, then remove them from the queue.",
        discussion: """
            Inputs refused by the scheduler go back where they came through (header x-tact-source: \
            intake:placement, intake:event, outcomes:outcome); messages the broker dead-lettered (delivery limit, \
            expiry, rejection) go to the exchange and routing key their x-death header names, when those are this \
            installation's. The others are named and left in place. A letter published under a broker user (user_id) \
            goes back only when replayed by that same user, carrying it; others are left for their creditor to \
            publish again. Exit status 1 when a requested id is missing or not replayable, or the broker did not \
            confirm a replay.
            """)

    @Option(name: .customLong("id"), help: "The message id of a dead letter to replay (repeatable).")
    var ids: [String] = []
    @Flag(help: "Replay every dead letter that can be replayed.") var all = false
    @OptionGroup var options: ServiceOptions

    func run() async throws {
        guard all != !ids.isEmpty else {
            throw fail("dead replay", ValidationError("say which: --id MESSAGE_ID (repeatable) or --all"), code: 2)
        }
        let environment: ServiceEnvironment
        let queue: DeadQueue
        do {
            environment = try ServiceEnvironment(options)
            queue = try await DeadQueue.open(
                amqp: try environment.amqp(connectionName: "tact-dead"),
                prefix: environment.configuration.exchangePrefix, limit: nil)
        } catch {
            throw fail("dead replay", error)
        }
        // A letter published under a broker user goes back only under that same user.
        let replayer = try? environment.amqp(connectionName: "tact-dead").username
        let wanted = Set(ids)
        let selected = queue.letters.filter { all || wanted.contains($0.messageID) }
        var untouched = queue.letters.filter { !(all || wanted.contains($0.messageID)) }
        var problems = 0
        var replayable: [(DeadLetter, AMQPMessage)] = []
        for letter in selected {
            switch letter.replay(in: queue.topology, as: replayer) {
            case .to(let exchange, let routingKey):
                replayable.append((letter, Self.message(letter, exchange: exchange, routingKey: routingKey)))
            case .impossible(let why):
                print("kept \(letter.messageID): cannot be replayed: \(why)")
                untouched.append(letter)
                if !all { problems += 1 }
            }
        }
        let results = replayable.isEmpty ? [] : await queue.connection.publish(replayable.map(\.1))
        var replayed = 0
        for ((letter, message), result) in zip(replayable, results) {
            switch result {
            case .success:
                // Confirmed: only now may the dead copy go.
                do {
                    try letter.delivery.ack()
                    replayed += 1
                    print("replayed \(letter.messageID) to \(message.exchange) (\(message.routingKey))")
                } catch {
                    // The broker will deliver the dead copy again: a duplicate that the scheduler deduplicates.
                    print("replayed \(letter.messageID), but its dead copy stays: \(error)")
                    problems += 1
                }
            case .failure(let error):
                print("kept \(letter.messageID): the broker did not confirm the replay: \(error)")
                untouched.append(letter)
                problems += 1
            }
        }
        await queue.close(givingBack: untouched)
        for id in ids.sorted() where !queue.letters.contains(where: { $0.messageID == id }) {
            print("not found: no dead letter with message id \(id)")
            problems += 1
        }
        let left = queue.letters.count - replayed
        print(
            "replayed \(replayed) dead letter\(replayed == 1 ? "" : "s"); \(left) left in \(queue.topology.deadQueue)")
        if problems > 0 { throw ExitCode(1) }
    }

    /// The body untouched, with the original's message id and type; persistent, mandatory, confirmed.
    static func message(_ letter: DeadLetter, exchange: String, routingKey: String) -> AMQPMessage {
        AMQPMessage(
            exchange: exchange, routingKey: routingKey, body: letter.delivery.body,
            properties: AMQPProperties(
                contentType: "application/json", deliveryMode: .persistent,
                messageID: letter.delivery.properties.messageID, timestamp: Date(),
                type: letter.delivery.properties.type, userID: letter.publishedAs,
                appID: "tact-dead-replay"),
            mandatory: true)
    }
}
