// The gateway of scripts/soak: it stands for every SMS, e-mail and letter gateway and for the specialists, takes
// every contact Tact publishes, and writes one JSON line per delivery so that the soak can count what reached
// people: lost, second copies, contacts outside hours or after a hold.
//
//   SoakGateway URL PREFIX OUTPUT
//
// Each line: {"queue", "id" (message_id), "attempt", "creditor", "debtor", "channel", "published" (the AMQP
// timestamp, seconds), "received" (seconds, fractional), "redelivered"}. A delivery is acknowledged once its line is
// written. It reconnects through broker restarts and runs until SIGTERM.
import AMQP
import Contract
import Domain
import Foundation
import Logging

let arguments = CommandLine.arguments
guard arguments.count == 4 else {
    FileHandle.standardError.write(Data("usage: SoakGateway URL PREFIX OUTPUT\n".utf8))
    exit(2)
}
let prefix = arguments[2]
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

func line(for delivery: AMQPDelivery, queue: String) -> [String: Any] {
    var object: [String: Any] = [
        "queue": queue, "id": delivery.properties.messageID ?? "", "redelivered": delivery.redelivered,
        "published": Int(delivery.properties.timestamp?.timeIntervalSince1970 ?? 0),
        "received": Date().timeIntervalSince1970,
    ]
    if let call = try? MessageCoding.decode(Call.self, from: delivery.body) {
        object["attempt"] = call.attempt
        object["creditor"] = call.creditorId ?? ""
        object["debtor"] = call.debtorId
        object["channel"] = "call"
    } else if let reminder = try? MessageCoding.decode(Reminder.self, from: delivery.body) {
        object["attempt"] = reminder.attempt
        object["creditor"] = reminder.creditorId ?? ""
        object["debtor"] = reminder.debtorId
        object["channel"] = reminder.channel.rawValue
    }
    return object
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
            for try await delivery in consumer! {
                lines.write(line(for: delivery, queue: queue))
                try? delivery.ack()
            }
        }
    }
    try await group.waitForAll()
}
