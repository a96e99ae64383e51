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
        try await BrokerCluster.with(nodes: 3) { cluster in try await failOver(cluster) }
    }

    private func failOver(_ cluster: BrokerCluster) async throws {
        var configuration = try AMQPConfiguration(url: cluster.urls)
        let base = cluster.basePort
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
        try await cluster.stopNode(0)
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
