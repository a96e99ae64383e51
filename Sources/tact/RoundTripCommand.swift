import AMQP
import ArgumentParser
import Foundation
import Intake
import Logging
import TactTools

/// Checks a broker end to end: declares a throwaway queue, publishes with confirms, consumes and acknowledges.
struct RoundTripCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roundtrip",
        abstract: "Publish and consume messages through the broker in TACT_AMQP_URL, and report the timing.")

    @Option(help: "How many messages to send.")
    var count = 1000

    @Option(help: "Body size in bytes.")
    var size = 300

    func run() async throws {
        guard count > 0, size >= 0 else { throw ValidationError("--count must be positive and --size not negative") }
        let url = ProcessInfo.processInfo.environment["TACT_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672/"
        var configuration = try AMQPConfiguration(url: url)
        configuration.connectionName = "tact-roundtrip"
        configuration.reconnect = .never
        let connection = try await AMQPConnection.connect(configuration, logger: Logger(label: "tact"))
        let queue = "tact.roundtrip.\(UUID().uuidString.prefix(8))"
        try await connection.declare(AMQPTopology(queues: [.init(queue, exclusive: true, autoDelete: true)]))

        let body = [UInt8](repeating: 0x2A, count: size)
        let messages = (0..<count).map {
            AMQPMessage(routingKey: queue, body: body, properties: .init(deliveryMode: .persistent, messageID: "\($0)"))
        }
        let clock = ContinuousClock()
        let publishStart = clock.now
        let failures = await connection.publish(messages).filter { (try? $0.get()) == nil }.count
        let published = clock.now - publishStart
        guard failures == 0 else { throw ValidationError("\(failures) of \(count) publishes were not confirmed") }

        let consumeStart = clock.now
        var received = 0
        for try await delivery in try await connection.consume(queue: queue, prefetch: 200) {
            try delivery.ack()
            received += 1
            if received == count { break }
        }
        let consumed = clock.now - consumeStart
        await connection.close()
        print("broker: \(configuration)")
        print("published \(count) persistent messages of \(size) bytes with confirms in \(published)")
        print("consumed and acknowledged \(received) in \(consumed)")
    }
}
