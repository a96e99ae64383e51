import AMQP
import Foundation
import TactTestKit
import Testing

@Suite("Round trips against a real broker", .enabled(if: TestEnvironment.hasBroker), .timeLimit(.minutes(2)))
struct RoundTripTests {
    @Test func bodiesArriveByteForByte() async throws {
        let connection = try await Broker.connect()
        let queue = Broker.unique("bodies")
        try await connection.declare(AMQPTopology(queues: [.init(queue, autoDelete: true)]))
        var binary: [UInt8] = Array(0...255) + [0, 0, 1, 0]
        binary += binary
        let large = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let bodies: [[UInt8]] = [binary, [], large]
        for body in bodies { try await connection.publish(AMQPMessage(routingKey: queue, body: body)) }

        let consumer = try await connection.consume(queue: queue, prefetch: 10)
        var received: [[UInt8]] = []
        for try await delivery in consumer {
            received.append(delivery.body)
            try delivery.ack()
            if received.count == bodies.count { break }
        }
        #expect(received == bodies)
        try await connection.deleteQueue(queue)
        await connection.close()
    }

    @Test func everyPropertyAndHeaderTypeSurvives() async throws {
        let connection = try await Broker.connect()
        let queue = Broker.unique("properties")
        try await connection.declare(AMQPTopology(queues: [.init(queue, autoDelete: true, maxPriority: 5)]))
        let headers: AMQPTable = [
            "string": "zażółć gęślą jaźń",
            "int8": .int8(-8), "uint8": .uint8(200), "int16": .int16(-1600), "uint16": .uint16(60000),
            "int32": .int32(-32), "uint32": .uint32(4_000_000_000), "int64": .int64(Int64.min),
            "bool-true": true, "bool-false": false,
            "double": .double(3.25), "float": .float(1.5),
            "decimal": .decimal(scale: 2, value: 12050),
            "bytes": .bytes([0, 1, 2, 255, 0]),
            "timestamp": .timestamp(1_764_460_800),
            "void": .void,
            "array": .array(["a", .int64(1), .bool(true)]),
            "nested": .table(["inner": .table(["deep": "yes", "n": .int32(7)]), "list": .array([])]),
        ]
        let properties = AMQPProperties(
            contentType: "application/json", contentEncoding: "identity", headers: headers,
            deliveryMode: .persistent, priority: 3, correlationID: "corr-1", replyTo: "reply-queue",
            expiration: .seconds(60), messageID: "msg-1", timestamp: Date(timeIntervalSince1970: 1_764_460_800),
            type: "placement", userID: "guest", appID: "tact-tests")
        try await connection.publish(AMQPMessage(routingKey: queue, body: Array("{}".utf8), properties: properties))

        let consumer = try await connection.consume(queue: queue, prefetch: 1)
        var iterator = consumer.makeAsyncIterator()
        let delivery = try #require(try await iterator.next())
        try delivery.ack()
        #expect(delivery.properties == properties)
        #expect(delivery.properties.headers == headers)
        #expect(delivery.routingKey == queue)
        #expect(delivery.exchange == "")
        #expect(!delivery.redelivered)
        try await consumer.cancel()
        try await connection.deleteQueue(queue)
        await connection.close()
    }
}
