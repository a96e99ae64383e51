import AMQP
import Foundation
import Synchronization
import TactTestKit
import Testing

@Suite("Consumers, settlement and dead-lettering", .enabled(if: TestEnvironment.hasBroker), .timeLimit(.minutes(2)))
struct ConsumerTests {
    @Test func nackWithoutRequeueLandsInTheDeadLetterQueue() async throws {
        let connection = try await Broker.connect()
        let dlx = Broker.unique("dlx")
        let dead = Broker.unique("dead")
        let work = Broker.unique("work")
        try await connection.declare(
            AMQPTopology(
                exchanges: [.init(dlx, type: .direct, autoDelete: true)],
                queues: [
                    .init(dead, autoDelete: true),
                    .init(work, autoDelete: true, deadLetterExchange: dlx, deadLetterRoutingKey: "dead"),
                ],
                bindings: [.init(queue: dead, exchange: dlx, routingKey: "dead")]))
        try await connection.publish(AMQPMessage(routingKey: work, body: Array("poison".utf8)))

        let consumer = try await connection.consume(queue: work, prefetch: 1)
        var iterator = consumer.makeAsyncIterator()
        let delivery = try #require(try await iterator.next())
        try delivery.nack(requeue: false)

        let deadConsumer = try await connection.consume(queue: dead, prefetch: 1)
        var deadIterator = deadConsumer.makeAsyncIterator()
        let deadLettered = try #require(try await deadIterator.next())
        #expect(deadLettered.text == "poison")
        #expect(deadLettered.routingKey == "dead")
        let death = deadLettered.properties.headers?["x-death"]
        #expect(death != nil)
        try deadLettered.ack()
        #expect(try await connection.queueState(work).messageCount == 0)
        await connection.close()
    }

    @Test func quorumQueueDeadLettersAMessageRedeliveredPastItsLimit() async throws {
        let connection = try await Broker.connect()
        let dead = Broker.unique("limit-dead")
        let work = Broker.unique("limit-work")
        try await connection.declare(
            AMQPTopology(queues: [
                .init(dead, autoDelete: true),
                .init(work, type: .quorum, deadLetterExchange: "", deadLetterRoutingKey: dead, deliveryLimit: 2),
            ]))
        try await connection.publish(
            AMQPMessage(routingKey: work, body: Array("retry me".utf8), properties: .init(deliveryMode: .persistent)))

        let consumer = try await connection.consume(queue: work, prefetch: 1)
        var iterator = consumer.makeAsyncIterator()
        var attempts = 0
        // Each requeue counts as a delivery; after the limit the broker dead-letters instead of redelivering.
        while attempts < 3, let delivery = try await iterator.next() {
            attempts += 1
            #expect(
                delivery.properties.headers?["x-delivery-count"]?.integerValue
                    == (attempts == 1 ? nil : Int64(attempts - 1)))
            try delivery.nack(requeue: true)
        }
        #expect(attempts == 3)
        try await eventually("the message to be dead-lettered") {
            try await connection.queueState(dead).messageCount == 1
        }
        #expect(try await connection.queueState(work).messageCount == 0)
        try await consumer.cancel()
        try await connection.deleteQueue(work)
        await connection.close()
    }

    /// What Tact's reminder queues rely on: a quorum queue expires a message at its own expiration and dead-letters
    /// it, at least once, with its properties; a rejected one goes the same way.
    @Test func quorumQueueDeadLettersExpiredAndRejectedMessagesAtLeastOnce() async throws {
        let connection = try await Broker.connect()
        let returned = Broker.unique("returned")
        let exchange = Broker.unique("expired")
        let work = Broker.unique("reminders")
        try await connection.declare(
            AMQPTopology(
                exchanges: [.init(exchange, type: .fanout, autoDelete: true)],
                queues: [
                    .init(returned, autoDelete: true),
                    .init(work, type: .quorum, deadLetterExchange: exchange, deadLetterStrategy: .atLeastOnce),
                ],
                bindings: [.init(queue: returned, exchange: exchange)]))
        let results = await connection.publish([
            AMQPMessage(
                routingKey: work, body: Array("expires".utf8),
                properties: .init(deliveryMode: .persistent, expiration: .milliseconds(200), messageID: "soon")),
            AMQPMessage(
                routingKey: work, body: Array("rejected".utf8),
                properties: .init(deliveryMode: .persistent, expiration: .seconds(600), messageID: "later")),
        ])
        #expect(results.allSatisfy { (try? $0.get()) != nil })
        try await eventually("the first message to expire") {
            try await connection.queueState(returned).messageCount == 1
        }
        let consumer = try await connection.consume(queue: work, prefetch: 1)
        var iterator = consumer.makeAsyncIterator()
        let delivery = try #require(try await iterator.next())
        #expect(delivery.properties.messageID == "later", "the expired one was not delivered")
        try delivery.nack(requeue: false)
        try await consumer.cancel()

        let back = try await connection.consume(queue: returned, prefetch: 2)
        var backIterator = back.makeAsyncIterator()
        var seen: [String] = []
        while seen.count < 2, let message = try await backIterator.next() {
            seen.append(message.properties.messageID ?? "")
            #expect(message.properties.headers?["x-death"] != nil)
            try message.ack()
        }
        #expect(seen == ["soon", "later"])
        try await back.cancel()
        try await connection.deleteQueue(work)
        await connection.close()
    }

    @Test(arguments: [1, 5, 20])
    func prefetchBoundsUnacknowledgedDeliveries(prefetch: Int) async throws {
        let connection = try await Broker.connect()
        let queue = Broker.unique("prefetch")
        try await connection.declare(AMQPTopology(queues: [.init(queue, autoDelete: true)]))
        let total = prefetch * 4
        _ = await connection.publish((0..<total).map { AMQPMessage(routingKey: queue, body: [UInt8($0 % 256)]) })

        let consumer = try await connection.consume(queue: queue, prefetch: UInt16(prefetch))
        var held: [AMQPDelivery] = []
        var iterator = consumer.makeAsyncIterator()
        var received = 0
        while received < total {
            // Take everything the broker is willing to send without acknowledgement.
            while held.count < prefetch, let delivery = try await iterator.next() {
                held.append(delivery)
                received += 1
            }
            #expect(held.count == prefetch)
            // The broker has room for nothing more: the queue still holds the rest, and no delivery is in flight.
            try await Task.sleep(for: .milliseconds(100))
            let state = try await connection.queueState(queue)
            #expect(Int(state.messageCount) == total - received)
            for delivery in held { try delivery.ack() }
            held.removeAll()
        }
        #expect(received == total)
        try await consumer.cancel()
        await connection.close()
    }

    @Test func multipleAckSettlesEveryEarlierDelivery() async throws {
        let connection = try await Broker.connect()
        let queue = Broker.unique("multiple")
        try await connection.declare(AMQPTopology(queues: [.init(queue)]))
        _ = await connection.publish((0..<10).map { AMQPMessage(routingKey: queue, body: [UInt8($0)]) })
        let consumer = try await connection.consume(queue: queue, prefetch: 10)
        var deliveries: [AMQPDelivery] = []
        for try await delivery in consumer {
            deliveries.append(delivery)
            if deliveries.count == 10 { break }
        }
        try deliveries[9].ack(multiple: true)
        // Every one is settled now; settling one again is refused locally instead of closing the channel.
        let again = #expect(throws: AMQPError.self) { try deliveries[3].ack() }
        #expect(again?.code == .alreadySettled)
        try await consumer.cancel()
        await connection.close()
        let reopened = try await Broker.connect()
        #expect(try await reopened.queueState(queue).messageCount == 0)
        try await reopened.deleteQueue(queue)
        await reopened.close()
    }

    @Test func rejectAndNackWithRequeueRedeliver() async throws {
        let connection = try await Broker.connect()
        let queue = Broker.unique("requeue")
        try await connection.declare(AMQPTopology(queues: [.init(queue, autoDelete: true)]))
        try await connection.publish(AMQPMessage(routingKey: queue, body: [7]))
        let consumer = try await connection.consume(queue: queue, prefetch: 1)
        var iterator = consumer.makeAsyncIterator()
        let first = try #require(try await iterator.next())
        #expect(!first.redelivered)
        try first.reject(requeue: true)
        let second = try #require(try await iterator.next())
        #expect(second.redelivered)
        try second.nack(requeue: true)
        let third = try #require(try await iterator.next())
        #expect(third.redelivered)
        try third.ack()
        try await consumer.cancel()
        await connection.close()
    }

    @Test func cancelEndsTheSequenceAndReturnsUntakenDeliveries() async throws {
        let connection = try await Broker.connect()
        let queue = Broker.unique("cancel")
        try await connection.declare(AMQPTopology(queues: [.init(queue, autoDelete: false)]))
        _ = await connection.publish((0..<20).map { AMQPMessage(routingKey: queue, body: [UInt8($0)]) })
        let consumer = try await connection.consume(queue: queue, prefetch: 20)
        var iterator = consumer.makeAsyncIterator()
        let taken = try #require(try await iterator.next())
        try await eventually("the rest to be buffered") {
            try await connection.queueState(queue).messageCount == 0
        }
        try await consumer.cancel()
        #expect(try await iterator.next() == nil)
        // The taken one can still be acknowledged; the 19 never taken are back in the queue.
        try taken.ack()
        try await eventually("untaken deliveries to return") {
            try await connection.queueState(queue).messageCount == 19
        }
        #expect(try await connection.queueState(queue).consumerCount == 0)
        try await connection.deleteQueue(queue)
        await connection.close()
    }

    @Test func aTimedWaitEndsEmptyAndWhatArrivesLaterIsNotLost() async throws {
        let connection = try await Broker.connect()
        let queue = Broker.unique("timed")
        try await connection.declare(AMQPTopology(queues: [.init(queue, autoDelete: true)]))
        let consumer = try await connection.consume(queue: queue, prefetch: 10)
        let started = ContinuousClock.now
        #expect(try await consumer.next(upTo: 10, timeout: .milliseconds(300)).isEmpty)
        #expect(ContinuousClock.now - started >= .milliseconds(300))
        // Many short waits racing the deliveries: each delivery is handed to exactly one call, none dropped.
        let publisher = Task {
            for n in 0..<50 {
                try await connection.publish(AMQPMessage(routingKey: queue, body: [UInt8(n)]))
                try await Task.sleep(for: .milliseconds(2))
            }
        }
        var received: [UInt8] = []
        while received.count < 50, ContinuousClock.now - started < .seconds(30) {
            for delivery in try await consumer.next(upTo: 3, timeout: .milliseconds(1)) {
                received += delivery.body
                try delivery.ack()
            }
        }
        try await publisher.value
        #expect(received == (0..<50).map { UInt8($0) })
        let quiet = ContinuousClock.now
        #expect(try await consumer.next(upTo: 1, timeout: .milliseconds(100)).isEmpty)
        #expect(ContinuousClock.now - quiet < .seconds(5), "a timed wait ends near its timeout")
        try await consumer.cancel()
        #expect(try await consumer.next(upTo: 1, timeout: .seconds(30)).isEmpty, "an ended sequence: empty at once")
        await connection.close()
    }

    @Test func deletingTheQueueEndsTheConsumerWithAnError() async throws {
        let connection = try await Broker.connect()
        let queue = Broker.unique("deleted")
        try await connection.declare(AMQPTopology(queues: [.init(queue)]))
        let consumer = try await connection.consume(queue: queue, prefetch: 1)
        try await connection.deleteQueue(queue)
        var iterator = consumer.makeAsyncIterator()
        let error = await #expect(throws: AMQPError.self) { _ = try await iterator.next() }
        #expect(error?.code == .consumerCancelled)
        await connection.close()
    }

    @Test func consumingAMissingQueueFails() async throws {
        let connection = try await Broker.connect()
        let error = await #expect(throws: AMQPError.self) {
            _ = try await connection.consume(queue: Broker.unique("absent"))
        }
        #expect(error?.replyCode == 404)
        // The connection is still usable.
        let queue = Broker.unique("still-usable")
        try await connection.declare(AMQPTopology(queues: [.init(queue, autoDelete: true)]))
        await connection.close()
    }

    @Test func closeEndsConsumersAndRefusesLaterWork() async throws {
        let connection = try await Broker.connect()
        let queue = Broker.unique("closing")
        try await connection.declare(AMQPTopology(queues: [.init(queue, autoDelete: true)]))
        let consumer = try await connection.consume(queue: queue, prefetch: 1)
        let ended = Mutex(false)
        async let drained: Void = {
            for try await _ in consumer {}
            ended.withLock { $0 = true }
        }()
        await connection.close()
        try await drained
        #expect(ended.withLock { $0 })
        let error = await #expect(throws: AMQPError.self) {
            try await connection.publish(AMQPMessage(routingKey: queue, body: [1]))
        }
        #expect(error?.code == .connectionClosed)
    }
}
