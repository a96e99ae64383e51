import AMQP
import Contract
import Foundation
import Logging
import Messaging

/// Publishes intake messages with confirms, declaring the shared topology first so that nothing is dropped even
/// when the scheduler has never run.
///
/// Messages go out in batches, two batches on the wire at once: the client pipelines each batch's confirms, and
/// the second batch keeps the connection busy while the broker confirms the end of the first.
package enum IntakePublisher {
    package struct Item: Sendable {
        package init(routingKey: String, messageID: String, type: String, body: [UInt8]) {
            self.routingKey = routingKey
            self.messageID = messageID
            self.type = type
            self.body = body
        }

        package let routingKey: String
        package let messageID: String
        package let type: String
        package let body: [UInt8]
    }

    /// Messages per `publish` call.
    package static let batchSize = 2_000

    /// Some messages were not confirmed. The broker may still have some of them: publishing them again is safe,
    /// since the scheduler deduplicates by the ids inside the messages.
    package struct PartialFailure: Error, CustomStringConvertible {
        package let confirmed: Int
        package let total: Int
        package let first: AMQPError
        package var description: String {
            "\(confirmed) of \(total) confirmed by the broker; first failure: \(first). Publishing the same input "
                + "again is safe: what was placed is not placed twice"
        }
    }

    /// Publishes `items` in order and returns how many the broker confirmed (all of them, or it throws).
    ///
    /// - Parameter progress: called with the number confirmed so far, from any thread.
    package static func publish(
        _ items: [Item], amqp: AMQPConfiguration, prefix: String, userID: String?, exchange: String? = nil,
        progress: @escaping @Sendable (Int) -> Void = { _ in }
    ) async throws -> Int {
        var amqp = amqp
        amqp.reconnect = AMQPReconnectPolicy(maximumAttempts: 5)
        let connection = try await AMQPConnection.connect(amqp, logger: Logger(label: "tact"))
        let topology = TactTopology(prefix: prefix)
        do {
            try await connection.declare(topology.shared)
        } catch let error as AMQPError where error.replyCode == 403 {
            // A creditor's user may only publish; the scheduler declares what it needs.
        } catch {
            await connection.close()
            throw error
        }
        let timestamp = Date()
        func message(_ item: Item) -> AMQPMessage {
            AMQPMessage(
                exchange: exchange ?? topology.intakeExchange, routingKey: item.routingKey, body: item.body,
                properties: AMQPProperties(
                    contentType: "application/json", deliveryMode: .persistent, messageID: item.messageID,
                    timestamp: timestamp, type: item.type, userID: userID),
                mandatory: true)
        }
        let batches = stride(from: 0, to: items.count, by: batchSize).map { start in
            items[start..<min(start + batchSize, items.count)].map(message)
        }
        let failures = await withTaskGroup(of: [AMQPError].self) { group in
            var failures: [AMQPError] = []
            var confirmed = 0
            var next = 0
            // Two batches in flight. Their order on the wire may swap, which intake messages allow: each is
            // applied on its own, and two placements of one debtor carry the same person.
            while next < min(2, batches.count) {
                let batch = batches[next]
                group.addTask { await Self.failures(connection.publish(batch)) }
                next += 1
            }
            while let batchFailures = await group.next() {
                failures += batchFailures
                confirmed += batchSize
                progress(min(confirmed, items.count) - failures.count)
                if next < batches.count {
                    let batch = batches[next]
                    group.addTask { await Self.failures(connection.publish(batch)) }
                    next += 1
                }
            }
            return failures
        }
        await connection.close()
        if let first = failures.first {
            throw PartialFailure(confirmed: items.count - failures.count, total: items.count, first: first)
        }
        return items.count
    }

    private static func failures(_ results: [Result<Void, AMQPError>]) -> [AMQPError] {
        results.compactMap { result in
            if case .failure(let error) = result { return error }
            return nil
        }
    }
}
