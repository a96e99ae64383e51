import Domain
import Policy

/// The names of Tact's exchanges and queues, and what the scheduler and the workers declare on start.
///
/// Every name starts with a configurable prefix (default `tact`), so that several Tact installations can share a
/// broker. `docs/amqp-api.md` describes each one.
public struct TactTopology: Sendable, Equatable {
    public let prefix: String

    public init(prefix: String = "tact") { self.prefix = prefix }

    // MARK: Public contract

    /// Topic exchange creditors publish placements (`placement`) and events (`event`) to.
    public var intakeExchange: String { "\(prefix).intake" }
    /// Topic exchange specialists and gateways publish outcomes (`outcome`) to.
    public var outcomesExchange: String { "\(prefix).outcomes" }
    /// Rejected input, body untouched, with header `x-tact-error`.
    public var deadQueue: String { "\(prefix).dead" }

    public func reminderQueue(_ channel: Channel) -> String { "\(prefix).reminders.\(channel.rawValue)" }
    public func callQueue(specialist: String?) -> String { "\(prefix).calls.\(specialist ?? "pool")" }
    /// The specialist whose call queue `queue` is (`pool` for the shared one), or `nil` if it is not a call queue.
    public func specialist(ofCallQueue queue: String) -> String? {
        let prefix = callQueue(specialist: "")
        guard queue.hasPrefix(prefix), queue.count > prefix.count else { return nil }
        return String(queue.dropFirst(prefix.count))
    }
    /// Whether `queue` is one of the queues contacts are published to (a reminder queue or a call queue).
    public func isContactQueue(_ queue: String) -> Bool {
        Channel.allCases.contains { $0 != .call && reminderQueue($0) == queue } || specialist(ofCallQueue: queue) != nil
    }

    // MARK: Internal

    /// Due tasks for the workers, who compete on it.
    public var tasksQueue: String { "\(prefix).tasks" }
    public var intakeQueue: String { "\(prefix).scheduler.intake" }
    public var outcomesQueue: String { "\(prefix).scheduler.outcomes" }
    public var decisionsQueue: String { "\(prefix).scheduler.decisions" }
    /// Fanout exchange where reminders and calls go when they expire unread (or a specialist rejects them).
    public var expiredExchange: String { "\(prefix).expired" }
    public var expiredQueue: String { "\(prefix).scheduler.expired" }

    /// Header naming why an input went to ``deadQueue``.
    public static let errorHeader = "x-tact-error"
    /// On a dead letter: `<queue kind>:<routing key>` of the refused input.
    public static let sourceHeader = "x-tact-source"
    /// On a dead letter: the broker user that published the refused input, when the message carried a `user_id`.
    public static let userHeader = "x-tact-user-id"
    /// Priority range of call queues (urgent work first).
    public static let maximumCallPriority = 9

    /// `tact next` asks the scheduler here whether a call may still be made (``CallCheck``). Requests are
    /// transient: one nobody answers within ``callCheckTTL`` is dropped, and the tool gives the call back.
    public var checksQueue: String { "\(prefix).scheduler.checks" }
    public static let callCheckTTL: Duration = .seconds(30)
    /// A tool's own queue for the answers, exclusive to its connection.
    public func checkReplyQueue(id: String) -> String { "\(checksQueue).reply-\(id)" }
    /// The scheduler answers only to such queues: it publishes under its own name, and not into a contact queue.
    public func isCheckReplyQueue(_ queue: String) -> Bool {
        queue.hasPrefix(checkReplyQueue(id: "")) && queue.count > checkReplyQueue(id: "").count
    }
}
