/// Exchanges, queues and bindings to declare.
///
/// A connection re-declares every topology it was given after it reconnects, so that a broker restarted without
/// its definitions (or a transient queue lost with the old connection) comes back as the application expects.
public struct AMQPTopology: Sendable, Hashable {
    public var exchanges: [Exchange]
    public var queues: [Queue]
    public var bindings: [Binding]

    public init(exchanges: [Exchange] = [], queues: [Queue] = [], bindings: [Binding] = []) {
        self.exchanges = exchanges
        self.queues = queues
        self.bindings = bindings
    }

    /// An exchange kind. Plugins add more; create those with ``init(_:)``.
    public struct ExchangeType: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        public init(_ name: String) { self.name = name }
        public static let direct = ExchangeType("direct")
        public static let topic = ExchangeType("topic")
        public static let fanout = ExchangeType("fanout")
        public static let headers = ExchangeType("headers")
        public var description: String { name }
    }

    public struct Exchange: Sendable, Hashable {
        public var name: String
        public var type: ExchangeType
        /// Survives a broker restart. Default: `true`.
        public var durable: Bool
        public var autoDelete: Bool
        /// Only other exchanges may publish to it.
        public var `internal`: Bool
        public var arguments: AMQPTable

        public init(
            _ name: String,
            type: ExchangeType,
            durable: Bool = true,
            autoDelete: Bool = false,
            internal: Bool = false,
            arguments: AMQPTable = [:]
        ) {
            self.name = name
            self.type = type
            self.durable = durable
            self.autoDelete = autoDelete
            self.internal = `internal`
            self.arguments = arguments
        }
    }

    /// Classic or quorum (replicated, Raft-based) queue.
    public struct QueueType: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        public static let classic = QueueType(name: "classic")
        public static let quorum = QueueType(name: "quorum")
        public var description: String { name }
    }

    /// How a quorum queue dead-letters (`x-dead-letter-strategy`). At most once, the broker's default, can lose a
    /// message dead-lettered while a node changes hands; at least once keeps it in the queue until the target
    /// queue confirms it, and needs `x-overflow: reject-publish`, which these settings add.
    public enum DeadLetterStrategy: String, Sendable, Hashable {
        case atMostOnce = "at-most-once"
        case atLeastOnce = "at-least-once"
    }

    public struct Queue: Sendable, Hashable {
        public var name: String
        public var type: QueueType
        /// Survives a broker restart. Quorum queues are always durable. Default: `true`.
        public var durable: Bool
        /// Belongs to the declaring connection and goes away with it.
        public var exclusive: Bool
        public var autoDelete: Bool
        /// Where rejected, expired or over-delivered messages go (`x-dead-letter-exchange`).
        public var deadLetterExchange: String?
        /// Routing key for dead-lettered messages (`x-dead-letter-routing-key`).
        public var deadLetterRoutingKey: String?
        /// Quorum queues: deliveries after which a message is dead-lettered (`x-delivery-limit`).
        public var deliveryLimit: Int?
        /// Quorum queues: how messages are dead-lettered. `nil` leaves the broker's default (at most once).
        public var deadLetterStrategy: DeadLetterStrategy?
        /// Enables message priorities 0…n (`x-max-priority`); classic queues only.
        public var maxPriority: Int?
        /// Only one consumer receives at a time; the others wait as hot standbys (`x-single-active-consumer`).
        public var singleActiveConsumer: Bool
        /// Messages older than this are dropped or dead-lettered (`x-message-ttl`).
        public var messageTTL: Duration?
        /// Any other `x-` arguments.
        public var extraArguments: AMQPTable

        public init(
            _ name: String,
            type: QueueType = .classic,
            durable: Bool = true,
            exclusive: Bool = false,
            autoDelete: Bool = false,
            deadLetterExchange: String? = nil,
            deadLetterRoutingKey: String? = nil,
            deliveryLimit: Int? = nil,
            deadLetterStrategy: DeadLetterStrategy? = nil,
            maxPriority: Int? = nil,
            singleActiveConsumer: Bool = false,
            messageTTL: Duration? = nil,
            extraArguments: AMQPTable = [:]
        ) {
            self.name = name
            self.type = type
            self.durable = durable
            self.exclusive = exclusive
            self.autoDelete = autoDelete
            self.deadLetterExchange = deadLetterExchange
            self.deadLetterRoutingKey = deadLetterRoutingKey
            self.deliveryLimit = deliveryLimit
            self.deadLetterStrategy = deadLetterStrategy
            self.maxPriority = maxPriority
            self.singleActiveConsumer = singleActiveConsumer
            self.messageTTL = messageTTL
            self.extraArguments = extraArguments
        }

        /// The `queue.declare` arguments these settings amount to.
        public var arguments: AMQPTable {
            var args = extraArguments
            if type == .quorum { args["x-queue-type"] = .string("quorum") }
            if let deadLetterExchange { args["x-dead-letter-exchange"] = .string(deadLetterExchange) }
            if let deadLetterRoutingKey { args["x-dead-letter-routing-key"] = .string(deadLetterRoutingKey) }
            if let deliveryLimit { args["x-delivery-limit"] = .int64(Int64(deliveryLimit)) }
            if let deadLetterStrategy {
                args["x-dead-letter-strategy"] = .string(deadLetterStrategy.rawValue)
                if deadLetterStrategy == .atLeastOnce { args["x-overflow"] = .string("reject-publish") }
            }
            if let maxPriority { args["x-max-priority"] = .int64(Int64(maxPriority)) }
            if singleActiveConsumer { args["x-single-active-consumer"] = .bool(true) }
            if let messageTTL { args["x-message-ttl"] = .int64(messageTTL.milliseconds) }
            return args
        }
    }

    public struct Binding: Sendable, Hashable {
        public var queue: String
        public var exchange: String
        public var routingKey: String
        public var arguments: AMQPTable

        public init(queue: String, exchange: String, routingKey: String = "", arguments: AMQPTable = [:]) {
            self.queue = queue
            self.exchange = exchange
            self.routingKey = routingKey
            self.arguments = arguments
        }
    }

    /// Rejects what the broker would reject with a less helpful message, or what librabbitmq would assert on.
    func validate() throws(AMQPError) {
        let names = exchanges.map(\.name) + queues.map(\.name) + bindings.flatMap { [$0.queue, $0.exchange] }
        for name in names where name.utf8.count > 255 {
            throw AMQPError(.invalidConfiguration, "exchange and queue names are limited to 255 bytes")
        }
        for exchange in exchanges where exchange.name.isEmpty || exchange.name.hasPrefix("amq.") {
            throw AMQPError(.invalidConfiguration, "exchange names may not be empty or start with 'amq.'")
        }
        for queue in queues {
            if queue.name.isEmpty { throw AMQPError(.invalidConfiguration, "queue names may not be empty") }
            if queue.type == .quorum && (queue.exclusive || queue.autoDelete || !queue.durable) {
                throw AMQPError(.invalidConfiguration, "quorum queue '\(queue.name)' must be durable and shared")
            }
            if queue.type != .quorum && (queue.deadLetterStrategy != nil || queue.deliveryLimit != nil) {
                throw AMQPError(
                    .invalidConfiguration,
                    "dead-letter strategy and delivery limit of '\(queue.name)' need a quorum queue")
            }
            // Quorum queues in RabbitMQ 3.x have no priorities.
            if queue.type == .quorum && queue.maxPriority != nil {
                throw AMQPError(.invalidConfiguration, "quorum queue '\(queue.name)' cannot have priorities")
            }
            if let limit = queue.maxPriority, !(1...255).contains(limit) {
                throw AMQPError(.invalidConfiguration, "x-max-priority of '\(queue.name)' must be 1…255")
            }
        }
    }
}

/// What a passive declaration reports about a queue.
public struct AMQPQueueState: Sendable, Hashable {
    /// Messages ready for delivery (not counting unacknowledged ones).
    public var messageCount: UInt32
    public var consumerCount: UInt32
}
