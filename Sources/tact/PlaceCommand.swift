import AMQP
import ArgumentParser
import Contract
import TactConfig
import Foundation
import Logging

/// `tact place FILE`: validate every placement of a JSON-lines file, then publish them all with confirms.
struct PlaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "place",
        abstract: "Place debtors: publish the placements of a JSON-lines file to the intake exchange.",
        discussion: """
            Every line is checked first; if any is bad, each bad line is reported with its number and reason and \
            nothing is published (exit 2). Placing the same file twice places nothing twice: placements are \
            deduplicated by placementId. Broker: TACT_AMQP_URL.
            """)

    @Argument(help: "A file with one placement message (JSON) per line.")
    var file: String

    @Flag(help: "Set the AMQP user_id property to the broker user, so the scheduler checks it against creditorId.")
    var withUserID = false

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        let placements: [Placement]
        do {
            placements = try Self.read(file)
        } catch let error as BadLines {
            FileHandle.standardError.write(Data(error.lines.map { "tact place: \($0)\n" }.joined().utf8))
            throw ExitCode(2)
        } catch {
            throw fail("place", error, code: 2)
        }
        do {
            let environment = try ServiceEnvironment(options)
            let amqp = try environment.amqp(connectionName: "tact-place")
            let published = try await IntakePublisher.publish(
                placements.map {
                    IntakePublisher.Item(
                        routingKey: "placement", messageID: $0.placementId, type: Placement.messageType,
                        body: MessageCoding.encode($0))
                }, amqp: amqp, prefix: environment.configuration.exchangePrefix,
                userID: withUserID ? amqp.username : nil)
            print("placed \(published) placement\(published == 1 ? "" : "s") from \(file)")
        } catch {
            throw fail("place", error)
        }
    }

    struct BadLines: Error { let lines: [String] }

    /// Reads and validates every line; throws ``BadLines`` listing every bad one.
    static func read(_ path: String) throws -> [Placement] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read \(path)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ValidationError("\(path) is not UTF-8 text")
        }
        var placements: [Placement] = []
        var bad: [String] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard !line.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            do {
                placements.append(try MessageCoding.decode(Placement.self, from: Array(line.utf8)))
            } catch {
                bad.append("line \(index + 1): \(error.reason)")
            }
        }
        if !bad.isEmpty { throw BadLines(lines: bad) }
        return placements
    }
}

/// Publishes intake messages with confirms, declaring the shared topology first so that nothing is dropped
/// even when the scheduler has never run.
enum IntakePublisher {
    struct Item {
        let routingKey: String
        let messageID: String
        let type: String
        let body: [UInt8]
    }

    static func publish(
        _ items: [Item], amqp: AMQPConfiguration, prefix: String, userID: String?, exchange: String? = nil
    ) async throws -> Int {
        var amqp = amqp
        amqp.reconnect = AMQPReconnectPolicy(maximumAttempts: 5)
        let connection = try await AMQPConnection.connect(amqp, logger: Logger(label: "tact"))
        let topology = TactTopology(prefix: prefix)
        do {
            try await connection.declare(topology.shared)
        } catch let error as AMQPError where error.replyCode == 403 {
            // A creditor's user may only publish; the scheduler declares what it needs.
        }
        let results = await connection.publish(
            items.map {
                AMQPMessage(
                    exchange: exchange ?? topology.intakeExchange, routingKey: $0.routingKey, body: $0.body,
                    properties: AMQPProperties(
                        contentType: "application/json", deliveryMode: .persistent, messageID: $0.messageID,
                        timestamp: Date(), type: $0.type, userID: userID),
                    mandatory: true)
            })
        await connection.close()
        let failures = results.compactMap { result -> AMQPError? in
            if case .failure(let error) = result { return error }
            return nil
        }
        if let first = failures.first {
            throw ValidationError("\(items.count - failures.count) of \(items.count) published; first failure: \(first)")
        }
        return items.count
    }
}
