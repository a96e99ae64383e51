import AMQP
import Contract
import Domain
import Foundation

/// Asks the scheduler whether a call may still be made (``CallCheck``), or any contact sent (``ContactCheck``), on
/// `tact.scheduler.checks`, and waits for the answer on a reply queue of this process's own: exclusive, gone when
/// the connection closes. A checker that outlives a reconnect has lost its reply queue (``isCurrent``): make a new
/// one.
package struct CallChecker {
    package let connection: AMQPConnection
    package let topology: TactTopology
    package let timeout: Duration
    private let replyQueue: String
    private let replies: AMQPConsumer
    /// The connection's reconnect count when the reply queue was declared.
    private let generation: Int

    /// Whether the reply queue still exists: the connection has not been made anew since.
    package var isCurrent: Bool { connection.reconnectCount == generation }

    package init(connection: AMQPConnection, topology: TactTopology, timeout: Duration) async throws {
        self.connection = connection
        self.topology = topology
        self.timeout = timeout
        replyQueue = topology.checkReplyQueue(id: UUID().uuidString.lowercased())
        generation = connection.reconnectCount
        try await connection.declare(
            AMQPTopology(queues: [
                topology.checksQueueDeclaration, .init(replyQueue, durable: false, exclusive: true, autoDelete: true),
            ]))
        replies = try await connection.consume(queue: replyQueue, prefetch: 10)
    }

    /// The scheduler's answer, or `nil` if none came within the timeout. An answer without a refusal means the
    /// scheduler recorded the call as taken by `specialist`.
    package func check(_ call: Call, takenBy specialist: String) async throws -> CallCheckReply? {
        try await ask(
            CallCheck(
                taskId: call.taskId, attempt: call.attempt, specialistId: specialist, validUntil: call.validUntil),
            answeredBy: CallCheckReply.self, appID: "tact-next")
    }

    /// The scheduler's answer about a contact (a reminder's or a call's task id, attempt and window) at the moment
    /// of sending it, or `nil` if none came within the timeout. `send` means the scheduler recorded the contact as
    /// claimed by `sender`.
    package func checkContact(
        taskID: String, attempt: Int, validUntil: Instant?, by sender: String
    ) async throws -> ContactCheckReply? {
        try await ask(
            ContactCheck(taskId: taskID, attempt: attempt, senderId: sender, validUntil: validUntil),
            answeredBy: ContactCheckReply.self, appID: "tact-sender")
    }

    private func ask<Request: ContractMessage, Reply: ContractMessage>(
        _ request: Request, answeredBy: Reply.Type, appID: String
    ) async throws -> Reply? {
        let correlation = UUID().uuidString
        try await connection.publish(
            AMQPMessage(
                routingKey: topology.checksQueue, body: MessageCoding.encode(request),
                properties: AMQPProperties(
                    contentType: "application/json", correlationID: correlation, replyTo: replyQueue,
                    expiration: TactTopology.callCheckTTL, type: Request.messageType, appID: appID),
                mandatory: true))
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            // An answer to an earlier question that came too late is skipped.
            for delivery in try await replies.next(upTo: 1, timeout: deadline - ContinuousClock.now) {
                try delivery.ack()
                guard delivery.properties.correlationID == correlation else { continue }
                do {
                    return try MessageCoding.decode(Reply.self, from: delivery.body)
                } catch {
                    throw CallCheckError(code: "unreadable-reply", "the scheduler's answer could not be read: \(error)")
                }
            }
        }
        return nil
    }
}

/// Why `tact next` could not check a call with the scheduler.
package struct CallCheckError: Error, CustomStringConvertible {
    /// `no-answer`, `unreadable-reply`.
    package let code: String
    package let message: String
    package init(code: String, _ message: String) {
        self.code = code
        self.message = message
    }
    package var description: String { "\(code): \(message)" }
}
