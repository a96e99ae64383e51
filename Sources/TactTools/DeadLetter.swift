import AMQP
import Contract
import Domain
import Foundation
import Policy

/// What an operator may see of a message in `<prefix>.dead`: ids, the reason and where it came from; never the
/// body (placements carry names, phone numbers and addresses) unless asked for.
package struct DeadLetter {
    package let delivery: AMQPDelivery

    package var messageID: String { delivery.properties.messageID ?? "-" }
    package var type: String { delivery.properties.type ?? "-" }
    package var size: Int { delivery.body.count }
    /// `x-tact-error`: the scheduler's reason, which names the field, never the value.
    package var error: String? { header(TactTopology.errorHeader) }
    /// `x-tact-source`: `<queue kind>:<routing key>` of the refused input.
    package var source: String? { header(TactTopology.sourceHeader) }
    /// `x-tact-user-id`: the creditor's broker user that published it (an id, not personal data).
    package var publisher: String? { header(TactTopology.userHeader) }

    /// When the message was published, or when the broker dead-lettered it.
    package var timestamp: Instant? {
        if let date = delivery.properties.timestamp { return Instant(date) }
        if case .timestamp(let seconds) = death?["time"] { return Instant(secondsSinceEpoch: Int64(seconds)) }
        return nil
    }

    /// The broker's own dead-lettering (`x-death`): why (`delivery_limit`, `rejected`, `expired`) and from which
    /// queue, for messages Tact did not refuse itself.
    package var brokerReason: String? {
        guard let death else { return nil }
        let reason = death["reason"]?.stringValue ?? "dead-lettered"
        return death["queue"]?.stringValue.map { "\(reason) from \($0)" } ?? reason
    }

    /// Where a replay republishes the message, or why it cannot be replayed.
    package enum Replay: Equatable {
        case to(exchange: String, routingKey: String)
        case impossible(String)
    }

    /// Only inputs the scheduler refused, from the exchanges creditors and gateways publish to, go back: the
    /// exchange and routing key they came through are known from `x-tact-source`.
    package func replay(in topology: TactTopology) -> Replay {
        guard let source else {
            if let brokerReason {
                return .impossible(
                    "dead-lettered by the broker (\(brokerReason)), not refused by Tact: no x-tact-source")
            }
            return .impossible("no x-tact-source header: not refused by Tact")
        }
        // RabbitMQ vouched for the creditor's user_id, and the scheduler checked the creditor against it. A replay
        // cannot carry it (the broker accepts only the replaying user's own), so the check would be skipped.
        if let publisher {
            return .impossible(
                "published by broker user \(publisher), which a replay cannot carry: the creditor publishes it again")
        }
        let parts = source.split(separator: ":", maxSplits: 1).map(String.init)
        let kind = parts.first ?? ""
        let routingKey = parts.count > 1 ? parts[1] : ""
        switch (kind, routingKey) {
        case ("intake", "placement"), ("intake", "event"), ("intake", "specialist"):
            return .to(exchange: topology.intakeExchange, routingKey: routingKey)
        case ("outcomes", "outcome"):
            return .to(exchange: topology.outcomesExchange, routingKey: routingKey)
        case ("intake", _), ("outcomes", _):
            return .impossible("arrived with a routing key Tact does not read; publish it again with the right one")
        default:
            return .impossible("an internal \(kind) message (\(source)): Tact's own processes publish those")
        }
    }

    /// One line of `tact dead list --json`, fields in this order.
    package func json(topology: TactTopology, showBody: Bool) -> AuditJSON {
        var fields: [(String, AuditJSON)] = [
            ("messageId", .text(delivery.properties.messageID)), ("type", .text(delivery.properties.type)),
            ("error", .text(error)), ("source", .text(source)), ("size", .int(Int64(size))),
            ("timestamp", .instant(timestamp)), ("broker", .text(brokerReason)),
        ]
        switch replay(in: topology) {
        case .to(let exchange, let routingKey):
            fields.append(("replay", .object([("exchange", .string(exchange)), ("routingKey", .string(routingKey))])))
        case .impossible(let why):
            fields.append(("replay", .null))
            fields.append(("notReplayable", .string(why)))
        }
        if showBody {
            if let text = String(validating: delivery.body, as: UTF8.self) {
                fields.append(("body", .string(text)))
            } else {
                fields.append(("bodyBase64", .string(Data(delivery.body).base64EncodedString())))
            }
        }
        return .object(fields)
    }

    private func header(_ name: String) -> String? { delivery.properties.headers?[name]?.stringValue }

    /// The most recent `x-death` entry (the broker puts it first).
    private var death: AMQPTable? {
        guard case .array(let entries) = delivery.properties.headers?["x-death"], case .table(let first) = entries.first
        else { return nil }
        return first
    }
}
