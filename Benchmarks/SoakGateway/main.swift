// The gateway of scripts/soak: it stands for every SMS, e-mail and letter gateway and for the specialists, takes
// every contact Tact publishes, checks it with the scheduler at the moment of sending as senders must
// (`contact-check`), reports an outcome for each one it sends, and writes one JSON line per delivery so that the
// soak can count what reached people: lost, second copies, contacts outside hours or after a hold.
//
//   SoakGateway URL PREFIX OUTPUT [--no-check]
//
// Each line: {"queue", "id" (message_id), "attempt", "creditor", "debtor", "channel", "published" (the AMQP
// timestamp, seconds), "received" (seconds, fractional), "redelivered", "verdict" (`send`, a refusal, `no-answer`
// when the scheduler did not answer within 10 s, or `unchecked`)}. A delivery is acknowledged once its line is written. It
// reconnects through broker restarts and runs until SIGTERM.
import AMQP
import Contract
import Domain
import Foundation
import Logging
import Messaging

let arguments = CommandLine.arguments
guard arguments.count == 4 || (arguments.count == 5 && arguments[4] == "--no-check") else {
    FileHandle.standardError.write(Data("usage: SoakGateway URL PREFIX OUTPUT [--no-check]\n".utf8))
    exit(2)
}
let prefix = arguments[2]
let checking = arguments.count == 4
_ = FileManager.default.createFile(atPath: arguments[3], contents: nil)
guard let output = FileHandle(forWritingAtPath: arguments[3]) else {
    FileHandle.standardError.write(Data("SoakGateway: cannot write \(arguments[3])\n".utf8))
    exit(1)
}
var configuration = try AMQPConfiguration(url: arguments[1])
configuration.connectionName = "soak-gateway"
var logger = Logger(label: "soak-gateway")
logger.logLevel = .warning
let connection = try await AMQPConnection.connect(configuration, logger: logger)
let topology = TactTopology(prefix: prefix)
let lines = Lines(output)

/// Writes lines one at a time from any consumer.
final class Lines: @unchecked Sendable {
    private let lock = NSLock()
    private let handle: FileHandle
    init(_ handle: FileHandle) { self.handle = handle }
    func write(_ object: [String: Any]) {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        lock.lock()
        handle.write(data + Data("\n".utf8))
        lock.unlock()
    }
}

/// What a delivery carries that the soak counts.
struct Contact {
    var taskID: String
    var attempt: Int
    var creditor: String
    var debtor: String
    var debt: String
    var channel: Channel
    var validUntil: Instant?

    init?(_ body: [UInt8]) {
        if let call = try? MessageCoding.decode(Call.self, from: body) {
            (taskID, attempt, creditor, debtor, debt) = (
                call.taskId, call.attempt, call.creditorId ?? "", call.debtorId, call.debtId
            )
            (channel, validUntil) = (.call, call.validUntil)
        } else if let reminder = try? MessageCoding.decode(Reminder.self, from: body) {
            (taskID, attempt, creditor, debtor, debt) = (
                reminder.taskId, reminder.attempt, reminder.creditorId ?? "", reminder.debtorId, reminder.debtId
            )
            (channel, validUntil) = (reminder.channel, reminder.validUntil)
        } else {
            return nil
        }
    }
}

let queues = ["reminders.sms", "reminders.email", "reminders.letter", "calls.pool"].map { "\(prefix).\($0)" }
try await withThrowingTaskGroup(of: Void.self) { group in
    for queue in queues {
        group.addTask {
            // The scheduler declares the queues; until it has, there is nothing to take.
            var consumer: AMQPConsumer?
            while consumer == nil {
                consumer = try? await connection.consume(queue: queue, prefetch: 200)
                if consumer == nil { try await Task.sleep(for: .milliseconds(500)) }
            }
            // One checker per queue: its reply queue serves one question at a time, and lives as long as the
            // connection.
            var checker: CallChecker?
            func currentChecker() async throws -> CallChecker? {
                guard checking else { return nil }
                if let checker, checker.isCurrent { return checker }
                checker = try await CallChecker(connection: connection, topology: topology, timeout: .seconds(10))
                return checker
            }
            let sender = "soak-\(queue.split(separator: ".").last ?? "")"
            for try await delivery in consumer! {
                var line: [String: Any] = [
                    "queue": queue, "id": delivery.properties.messageID ?? "", "redelivered": delivery.redelivered,
                    "published": Int(delivery.properties.timestamp?.timeIntervalSince1970 ?? 0),
                    "received": Date().timeIntervalSince1970, "verdict": "unchecked",
                ]
                if let contact = Contact(delivery.body) {
                    line["attempt"] = contact.attempt
                    line["creditor"] = contact.creditor
                    line["debtor"] = contact.debtor
                    line["channel"] = contact.channel.rawValue
                    if let checker = try? await currentChecker() {
                        let reply = try? await checker.checkContact(
                            taskID: contact.taskID, attempt: contact.attempt, validUntil: contact.validUntil,
                            by: sender)
                        line["verdict"] = reply?.verdict.rawValue ?? "no-answer"
                        // Sent: reported, as a gateway reports what it delivered (a call, as unanswered).
                        if reply?.verdict == .send {
                            let outcome = Outcome(
                                outcomeId: "O-\(contact.taskID)-\(contact.attempt)", taskId: contact.taskID,
                                creditorId: contact.creditor, debtorId: contact.debtor, debtId: contact.debt,
                                channel: contact.channel, at: Instant(Date()),
                                result: contact.channel == .call ? .noAnswer : .delivered)
                            try? await connection.publish(
                                AMQPMessage(
                                    exchange: topology.outcomesExchange, routingKey: "outcome",
                                    body: MessageCoding.encode(outcome),
                                    properties: AMQPProperties(
                                        contentType: "application/json", deliveryMode: .persistent,
                                        messageID: outcome.outcomeId, type: Outcome.messageType)))
                        }
                    }
                }
                lines.write(line)
                // Unanswered: given back unsent (rejected, not requeued), so that the scheduler plans it again.
                if line["verdict"] as? String == "no-answer" {
                    try? delivery.reject(requeue: false)
                } else {
                    try? delivery.ack()
                }
            }
        }
    }
    try await group.waitForAll()
}
