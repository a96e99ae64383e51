import AMQP
import Contract
import Domain
import Foundation
import Policy

/// What an operator may see of a message in `<prefix>.dead`: ids, the reason and where it came from; never the
/// body (placements carry names, phone numbers and addresses) unless asked for.
package struct DeadLetter {
    package let delivery: AMQPDelivery

    /// The sender's text, on one line (``OneLine``): these are printed for operators.
    package var messageID: String { OneLine.escape(delivery.properties.messageID ?? "-", limit: 256) }
    package var type: String { OneLine.escape(delivery.properties.type ?? "-", limit: 64) }
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

    /// The broker user the letter was published under, which its replay carries.
    package var publishedAs: String? { publisher ?? delivery.properties.userID }

    /// Where a replay republishes the message, or why it cannot be replayed.
    package enum Replay: Equatable {
        case to(exchange: String, routingKey: String)
        case impossible(String)
    }

    /// Inputs the scheduler refused, from the exchanges creditors and gateways publish to, go back where they came
    /// through (`x-tact-source`); so do messages the broker dead-lettered (delivery limit, expiry, rejection) from
    /// this installation's exchanges and queues, to the exchange and routing key their `x-death` names. Neither can
    /// carry the `user_id` the broker vouched for.
    ///
    /// A letter published under a broker user (`user_id`) goes back only when `replayer`, the broker user replaying,
    /// is that user: the replay then carries it (``publishedAs``), and the scheduler checks it as the first time.
    package func replay(in topology: TactTopology, as replayer: String? = nil) -> Replay {
        guard let source else {
            guard let brokerReason else { return .impossible("no x-tact-source header: not refused by Tact") }
            return replayOfBrokerLetter(brokerReason, in: topology, as: replayer)
        }
        // Refused for who sent it: a replay would be refused the same way, or worse, pass under someone else.
        if let error,
            error.hasPrefix("\(ContractError.Code.identity):")
                || error.hasPrefix(
                    "\(ContractError.Code.creditorMismatch):")
        {
            return .impossible("refused for who published it: its creditor publishes it again under its own user")
        }
        // RabbitMQ vouched for the creditor's user_id, and the scheduler checked the creditor against it. A replay
        // can carry it only when the replaying user is that user (the broker accepts no other).
        if let publisher, publisher != replayer {
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

    /// Where a letter the broker dead-lettered goes back: the exchange and first routing key of its latest
    /// `x-death`, when they are this installation's (its intake or outcomes exchange, or through the default
    /// exchange one of the queues whose messages dead-letter into `tact.dead`).
    private func replayOfBrokerLetter(_ reason: String, in topology: TactTopology, as replayer: String?) -> Replay {
        if let user = delivery.properties.userID, user != replayer {
            return .impossible(
                "published by broker user \(user), which a replay cannot carry: the creditor publishes it again")
        }
        guard let exchange = death?["exchange"]?.stringValue,
            case .array(let keys) = death?["routing-keys"], let routingKey = keys.first?.stringValue
        else {
            return .impossible("dead-lettered by the broker (\(reason)), and its x-death names no exchange")
        }
        // Only where messages that dead-letter into `tact.dead` come from: never a contact's queue, which would
        // send a reminder or call past every check.
        let queues = [
            topology.intakeQueue, topology.outcomesQueue, topology.decisionsQueue, topology.expiredQueue,
            topology.tasksQueue,
        ]
        let ours =
            exchange == topology.intakeExchange || exchange == topology.outcomesExchange
            || (exchange.isEmpty && queues.contains(routingKey))
        guard ours else {
            return .impossible(
                "dead-lettered by the broker (\(reason)) from an exchange or queue not of this installation")
        }
        return .to(exchange: exchange, routingKey: routingKey)
    }

    private func header(_ name: String) -> String? {
        delivery.properties.headers?[name]?.stringValue.map { OneLine.escape($0, limit: 512) }
    }

    /// The most recent `x-death` entry (the broker puts it first).
    private var death: AMQPTable? {
        guard case .array(let entries) = delivery.properties.headers?["x-death"], case .table(let first) = entries.first
        else { return nil }
        return first
    }
}
