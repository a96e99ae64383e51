import AMQP
import Foundation
import Logging
import TactTestKit
import Testing

/// A three-node RabbitMQ cluster on loopback (`scripts/broker cluster`), and a client given every node: when the node
/// it is connected to stops, it carries on through another, and a quorum queue loses nothing.
@Suite("AMQP: a cluster", .enabled(if: TestEnvironment.hasBroker), .timeLimit(.minutes(6)))
struct ClusterFailoverTests {
    @Test func whenItsNodeStopsTheClientCarriesOnThroughAnotherAndTheQuorumQueueLosesNothing() async throws {
        let base = Int.random(in: 36_000...43_000)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tact-cluster-\(base)")
        func broker(_ arguments: [String]) async throws -> ChildProcess.Result {
            try await ChildProcess.run(Repository.path("scripts/broker"), arguments, timeout: .seconds(240))
        }

        let started = try await broker(["cluster", "start", "--nodes", "3", "--port", "\(base)", "--dir", folder.path])
        // Stopped whatever happens, and before the test ends: three brokers left running would outlive the run.
        do {
            try await failOver(started, base: base, folder: folder, broker: broker)
        } catch {
            _ = try? await broker(["cluster", "stop", "--nodes", "3", "--port", "\(base)", "--dir", folder.path])
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        _ = try await broker(["cluster", "stop", "--nodes", "3", "--port", "\(base)", "--dir", folder.path])
        try? FileManager.default.removeItem(at: folder)
    }

    private func failOver(
        _ started: ChildProcess.Result, base: Int, folder: URL,
        broker: ([String]) async throws -> ChildProcess.Result
    ) async throws {
        #expect(started.status == 0, "\(started.output)")
        let urls = try #require(started.stdout.split(separator: "\n").last.map(String.init))
        var configuration = try AMQPConfiguration(url: urls)
        #expect(configuration.endpoints.map(\.port) == [base, base + 1, base + 2])
        configuration.connectionName = "test-cluster"
        configuration.connectTimeout = .seconds(5)
        configuration.reconnect = AMQPReconnectPolicy(initialDelay: .milliseconds(100), maximumDelay: .seconds(1))
        let connection = try await AMQPConnection.connect(configuration, logger: Logger(label: "test"))
        let queue = "test.cluster.\(UUID().uuidString.prefix(8))"
        try await connection.declare(AMQPTopology(queues: [.init(queue, type: .quorum)]))
        func publish(_ range: Range<Int>) async {
            let results = await connection.publish(
                range.map {
                    AMQPMessage(
                        routingKey: queue, body: Array("message \($0)".utf8),
                        properties: AMQPProperties(deliveryMode: .persistent, messageID: "\($0)"))
                })
            #expect(results.allSatisfy { (try? $0.get()) != nil })
        }
        await publish(0..<100)

        // The first node, which the client is connected to, stops.
        let stopped = try await broker([
            "stop", "--port", "\(base)", "--dir", folder.appendingPathComponent("node-\(base)").path,
        ])
        #expect(stopped.status == 0, "\(stopped.output)")
        await publish(100..<200)
        #expect(connection.reconnectCount >= 1)

        let consumer = try await connection.consume(queue: queue, prefetch: 100)
        var seen = Set<String>()
        let deadline = ContinuousClock.now + .seconds(60)
        while seen.count < 200, ContinuousClock.now < deadline {
            for delivery in try await consumer.next(upTo: 100, timeout: .seconds(5)) {
                seen.insert(delivery.properties.messageID ?? "")
                try delivery.ack()
            }
        }
        #expect(seen.count == 200, "every message confirmed before and after the node stopped is there")
        try await consumer.cancel()
        try await connection.deleteQueue(queue)
        await connection.close()
    }
}
