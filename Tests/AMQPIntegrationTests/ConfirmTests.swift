import AMQP
import Foundation
import TactTestKit
import Testing

@Suite("Publisher confirms", .enabled(if: TestEnvironment.hasBroker), .timeLimit(.minutes(3)))
struct ConfirmTests {
    @Test func publishToMissingExchangeFailsClearlyAndTheChannelRecovers() async throws {
        let connection = try await Broker.connect()
        let missing = Broker.unique("missing-exchange")
        let error = try await #require(throws: AMQPError.self) {
            try await connection.publish(AMQPMessage(exchange: missing, routingKey: "x", body: [1]))
        }
        #expect(error.code == .channelClosedByServer)
        #expect(error.replyCode == 404)
        #expect(error.replyText?.contains("no exchange") == true)

        // The publish channel was reopened: the next publish works.
        let queue = Broker.unique("after-404")
        try await connection.declare(AMQPTopology(queues: [.init(queue, autoDelete: true)]))
        try await connection.publish(AMQPMessage(routingKey: queue, body: [2]))
        #expect(try await connection.queueState(queue).messageCount == 1)
        try await connection.deleteQueue(queue)
        await connection.close()
    }

    @Test func mandatoryUnroutablePublishIsReportedAsReturned() async throws {
        let connection = try await Broker.connect()
        let exchange = Broker.unique("no-bindings")
        try await connection.declare(AMQPTopology(exchanges: [.init(exchange, type: .direct, autoDelete: true)]))
        let error = try await #require(throws: AMQPError.self) {
            try await connection.publish(
                AMQPMessage(exchange: exchange, routingKey: "nobody", body: [1], mandatory: true))
        }
        #expect(error.code == .unroutable)
        #expect(error.replyCode == 312)

        // Without `mandatory` the broker drops it and confirms: that is AMQP's contract, not a loss we hide.
        try await connection.publish(AMQPMessage(exchange: exchange, routingKey: "nobody", body: [1]))
        try await connection.deleteExchange(exchange)
        await connection.close()
    }

    @Test func onlyTheUnroutableMessagesOfABatchAreReturned() async throws {
        let connection = try await Broker.connect()
        let exchange = Broker.unique("partly-bound")
        let queue = Broker.unique("bound")
        try await connection.declare(
            AMQPTopology(
                exchanges: [.init(exchange, type: .direct, autoDelete: true)],
                queues: [.init(queue, autoDelete: true)],
                bindings: [.init(queue: queue, exchange: exchange, routingKey: "yes")]))
        let keys = (0..<200).map { $0 % 3 == 0 ? "no" : "yes" }
        let results = await connection.publish(
            keys.map { AMQPMessage(exchange: exchange, routingKey: $0, body: Array($0.utf8), mandatory: true) })
        for (key, result) in zip(keys, results) {
            switch result {
            case .success: #expect(key == "yes")
            case .failure(let error):
                #expect(key == "no")
                #expect(error.code == .unroutable)
            }
        }
        #expect(try await connection.queueState(queue).messageCount == UInt32(keys.filter { $0 == "yes" }.count))
        try await connection.deleteQueue(queue)
        await connection.close()
    }

    @Test func tenThousandPipelinedPublishesAreConfirmedAndConsumedExactlyOnce() async throws {
        let connection = try await Broker.connect()
        let queue = Broker.unique("pipelined")
        try await connection.declare(AMQPTopology(queues: [.init(queue, type: .quorum)]))
        let count = 10_000
        let messages = (0..<count).map { index in
            AMQPMessage(
                routingKey: queue, body: Array("message \(index)".utf8),
                properties: AMQPProperties(deliveryMode: .persistent, messageID: "\(index)"))
        }
        let results = await connection.publish(messages)
        #expect(results.count == count)
        #expect(results.allSatisfy { (try? $0.get()) != nil })

        let consumer = try await connection.consume(queue: queue, prefetch: 500)
        var seen = Set<String>()
        var duplicates = 0
        for try await delivery in consumer {
            let id = try #require(delivery.properties.messageID)
            if !seen.insert(id).inserted { duplicates += 1 }
            try delivery.ack()
            if seen.count == count { break }
        }
        try await consumer.cancel()
        #expect(seen.count == count)
        #expect(duplicates == 0)
        let state = try await connection.queueState(queue)
        #expect(state.messageCount == 0)
        try await connection.deleteQueue(queue)
        await connection.close()
    }
}
