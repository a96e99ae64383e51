import AMQP
import Foundation
import Synchronization
import TactTestKit
import Testing

/// Closes every connection on the broker, so `scripts/test` runs this suite on its own after the others.
@Suite(
    "Faults: connections closed by the broker", .serialized, .timeLimit(.minutes(3)),
    .enabled(if: TestEnvironment.faultTests && TestEnvironment.controlsBroker))
struct FaultTests {
    @Test func publisherAndConsumerRecoverAndNoConfirmedMessageIsLost() async throws {
        let publisher = try await Broker.connect(name: "fault-publisher")
        let consumerConnection = try await Broker.connect(name: "fault-consumer")
        let queue = Broker.unique("fault-flow")
        let exchange = Broker.unique("fault-exchange")
        // Declared by the publisher's connection: an exclusive queue dies with the connection, so its presence
        // after the reconnect proves the topology was declared again.
        let marker = Broker.unique("fault-marker")
        try await publisher.declare(
            AMQPTopology(
                exchanges: [.init(exchange, type: .direct)],
                queues: [.init(queue, type: .quorum), .init(marker, durable: false, exclusive: true)],
                bindings: [.init(queue: queue, exchange: exchange, routingKey: "flow")]))

        let total = 20_000
        let confirmed = Mutex(Set<Int>())
        let received = Mutex(Set<Int>())
        let consumer = try await consumerConnection.consume(queue: queue, prefetch: 100)
        let consuming = Task {
            for try await delivery in consumer {
                if let id = delivery.properties.messageID.flatMap(Int.init) { received.withLock { _ = $0.insert(id) } }
                try? delivery.ack()  // A stale delivery is redelivered; the set absorbs the duplicate.
                if received.withLock({ $0.count }) == total { break }
            }
        }
        // While the test closes the connections (rabbitmqctl takes a second or two), publishing slows down, so that
        // each close surely lands while messages are in flight.
        let closing = Mutex(false)
        let publishing = Task {
            var pending = Array(0..<total)
            while !pending.isEmpty {
                let batch = Array(pending.prefix(100))
                let results = await publisher.publish(
                    batch.map { id in
                        AMQPMessage(
                            exchange: exchange, routingKey: "flow", body: Array("m\(id)".utf8),
                            properties: AMQPProperties(deliveryMode: .persistent, messageID: "\(id)"), mandatory: true)
                    })
                var failed: [Int] = []
                for (id, result) in zip(batch, results) {
                    switch result {
                    case .success: confirmed.withLock { _ = $0.insert(id) }
                    case .failure: failed.append(id)  // Reported, never silent: publish again.
                    }
                }
                pending = failed + pending.dropFirst(batch.count)
                // Paced so that both closes below land while messages are in flight.
                try? await Task.sleep(for: .milliseconds(closing.withLock { $0 } ? 50 : 5))
            }
        }

        try await eventually("a quarter to be confirmed") { confirmed.withLock { $0.count } >= total / 4 }
        closing.withLock { $0 = true }
        _ = try await BrokerControl.ctl(["close_all_connections", "fault test"])
        #expect(confirmed.withLock { $0.count } < total, "the first close happened mid-flow")
        closing.withLock { $0 = false }
        try await eventually("half to be confirmed") { confirmed.withLock { $0.count } >= total / 2 }
        closing.withLock { $0 = true }
        _ = try await BrokerControl.ctl(["close_all_connections", "fault test again"])
        #expect(confirmed.withLock { $0.count } < total, "the second close happened mid-flow")
        closing.withLock { $0 = false }

        await publishing.value
        #expect(confirmed.withLock { $0.count } == total)
        try await eventually("every confirmed message to be consumed", timeout: .seconds(60)) {
            received.withLock { $0.count } == total
        }
        consuming.cancel()
        #expect(received.withLock { $0 } == Set(0..<total))
        try await eventually("both connections to have reconnected twice") {
            publisher.reconnectCount >= 2 && consumerConnection.reconnectCount >= 2
        }
        // The exclusive queue exists again on the publisher's new connection.
        try await publisher.publish(AMQPMessage(routingKey: marker, body: [1], mandatory: true))

        try await publisher.deleteQueue(queue)
        try await publisher.deleteExchange(exchange)
        await publisher.close()
        await consumerConnection.close()
    }

    @Test func unconfirmedPublishesFailWhenTheClientGivesUpReconnecting() async throws {
        let connection = try await Broker.connect(name: "fault-giveup") {
            $0.reconnect = AMQPReconnectPolicy(initialDelay: .milliseconds(10), maximumAttempts: 0)
        }
        let queue = Broker.unique("fault-giveup")
        try await connection.declare(AMQPTopology(queues: [.init(queue, autoDelete: true)]))
        _ = try await BrokerControl.ctl(["close_all_connections", "fault test"])
        try await eventually("the client to notice") { !connection.isConnected }
        let error = await #expect(throws: AMQPError.self) {
            try await connection.publish(AMQPMessage(routingKey: queue, body: [1]))
        }
        #expect(error?.code == .connectionLost)
    }
}
