import Domain

/// One entry of the audit trail: a change to Tact's state, who or what caused it, and the hash that chains it to
/// the entry before. Append-only (the table's triggers refuse updates and deletes); see ``AuditChain``.
///
/// The trail holds ids, states, rule ids and codes: never names, addresses, phone numbers, e-mail addresses or
/// amounts, so that it can be exported to anyone who audits Tact.
public struct AuditRecord: Sendable, Equatable {
    /// Position in the chain, from 1, in the order written.
    public var sequence: Int64
    /// When it was written (the scheduler's clock for the input or tick that caused it).
    public var at: Instant
    /// The case it concerns, if any.
    public var debtorID: String?
    /// What changed: a task, hold, debt or message id.
    public var subject: String
    /// What happened, e.g. `task.taken`, `hold.saved`, `input.placement`.
    public var action: String
    /// Who or what caused it.
    public var actor: AuditActor
    /// The state after the change, as canonical JSON (keys sorted; see ``AuditDetail``).
    public var detail: String
    /// Hex SHA-256 of the entry before's hash and this entry's fields.
    public var hash: String

    public init(
        sequence: Int64, at: Instant, debtorID: String?, subject: String, action: String, actor: AuditActor,
        detail: String, hash: String
    ) {
        self.sequence = sequence
        self.at = at
        self.debtorID = debtorID
        self.subject = subject
        self.action = action
        self.actor = actor
        self.detail = detail
        self.hash = hash
    }
}

/// Who or what caused a change: `creditor:acme`, `specialist:anna`, `worker:host/4711`, `scheduler`, …
public struct AuditActor: Sendable, Hashable, CustomStringConvertible {
    public let description: String

    /// As stored.
    public init(_ description: String) { self.description = description }

    /// A creditor's message; with the broker user that published it, when RabbitMQ vouched for one.
    public static func creditor(_ id: String, brokerUser: String?) -> AuditActor {
        AuditActor("creditor:\(id)" + (brokerUser.map { " (broker user \($0))" } ?? " (unauthenticated)"))
    }

    /// A message whose sender is named only by the broker user that published it, if RabbitMQ vouched for one.
    public static func sender(brokerUser: String?) -> AuditActor {
        AuditActor(brokerUser.map { "broker user \($0)" } ?? "unauthenticated sender")
    }

    /// A specialist (or `pool`), through `tact next` or `tact outcome`.
    public static func specialist(_ id: String) -> AuditActor { AuditActor("specialist:\(id)") }

    /// A gateway or specialist that checked a contact before sending it (``senderId`` of a contact check).
    public static func contactSender(_ id: String) -> AuditActor { AuditActor("sender:\(id)") }

    /// A worker's decision, by the worker's name (`host/pid`).
    public static func worker(_ id: String) -> AuditActor { AuditActor("worker:\(id)") }

    /// The scheduler's own doing: due tasks handed out, leases run out, calls returned without an outcome.
    public static let scheduler = AuditActor("scheduler")
    /// The broker: a contact expired unread in its queue, or was given back.
    public static let broker = AuditActor("broker")
    /// An operator's tool without an identity of its own (`tact specialists`).
    public static let operatorTool = AuditActor("operator")
    /// An outcome whose reporter Tact cannot name (a gateway, or `tact outcome` for a task nobody took).
    public static let reporter = AuditActor("reporter")
}

/// The detail of an audit entry: named values, written as JSON with sorted keys so that the same state is always
/// the same text (the hash covers it).
public struct AuditDetail: Sendable {
    private var fields: [(key: String, value: String)] = []

    public init() {}

    /// Adds a value (left out when `nil`).
    public mutating func add(_ key: String, _ value: String?) {
        if let value { fields.append((key, value)) }
    }

    public mutating func add(_ key: String, _ value: Instant?) { add(key, value?.description) }
    public mutating func add(_ key: String, _ value: Int) { add(key, String(value)) }

    /// `{"a":"1","b":"x"}`: every value a string, keys sorted, `nil`s left out. Written for every change the store
    /// makes, so by hand.
    public var json: String {
        // Most callers add their keys in order already.
        let inOrder = zip(fields, fields.dropFirst()).allSatisfy { $0.key < $1.key }
        let sorted = inOrder ? fields : fields.sorted { $0.key < $1.key }
        var output = "{"
        output.reserveCapacity(16 + sorted.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count + 6 })
        for (index, field) in sorted.enumerated() {
            if index > 0 { output.append(",") }
            JSONString.quote(field.key, to: &output)
            output.append(":")
            JSONString.quote(field.value, to: &output)
        }
        output.append("}")
        return output
    }
}
