import Foundation
import GRDB
import Policy

// Records to and from rows. Each record type names its columns once (`columns`, in the order of `values`), so
// that the SELECT lists, the INSERTs and the decoding cannot drift apart.

extension Row {
    func value<V: DatabaseValueConvertible & StatementColumnConvertible>(_ column: String) throws -> V {
        try decode(forColumn: column)
    }

    func instant(_ column: String) throws -> Instant { Instant(secondsSinceEpoch: try decode(forColumn: column)) }

    func optionalInstant(_ column: String) throws -> Instant? {
        (try decode(Int64?.self, forColumn: column)).map(Instant.init(secondsSinceEpoch:))
    }

    /// A closed vocabulary (status, channel, …); an unknown spelling means a damaged or foreign file.
    func vocabulary<V: RawRepresentable>(_ column: String, path: String) throws -> V where V.RawValue == String {
        guard let value = V(rawValue: try decode(String.self, forColumn: column)) else {
            throw StoreError(.corrupt, path: path, reason: "unknown value in column \(column)")
        }
        return value
    }

    func json<T: Decodable>(_ type: T.Type, _ column: String, path: String) throws -> T {
        try StoredJSON.decode(type, from: try decode(String.self, forColumn: column), column: column, path: path)
    }

    func optionalJSON<T: Decodable>(_ type: T.Type, _ column: String, path: String) throws -> T? {
        guard let text = try decode(String?.self, forColumn: column) else { return nil }
        return try StoredJSON.decode(type, from: text, column: column, path: path)
    }
}

/// Binds a row's values; `nil` is NULL.
typealias RowValues = [(any DatabaseValueConvertible)?]

extension DebtorRecord {
    static let columns = [
        "id", "creditor_id", "rulebook", "specialist_id", "contact", "time_zones", "inconvenient", "opt_outs",
        "representative", "created_at", "strategy",
    ]

    init(row: Row, path: String) throws {
        self.init(
            id: try row.value("id"), creditorID: try row.value("creditor_id"), rulebook: try row.value("rulebook"),
            specialistID: try row.value("specialist_id"),
            contact: try row.json(ContactDetails.self, "contact", path: path),
            timeZones: try row.json([String].self, "time_zones", path: path),
            inconvenient: try row.json([InconvenientTime].self, "inconvenient", path: path),
            optOuts: try row.json(Set<Channel>.self, "opt_outs", path: path),
            representative: try row.optionalJSON(Representative.self, "representative", path: path),
            createdAt: try row.instant("created_at"))
        strategy = try row.value("strategy")
    }

    func values(path: String) throws -> RowValues {
        [
            id, creditorID, rulebook, specialistID,
            try StoredJSON.encode(contact, column: "contact", path: path),
            try StoredJSON.encode(timeZones, column: "time_zones", path: path),
            try StoredJSON.encode(inconvenient, column: "inconvenient", path: path),
            // Sorted, so that the same set is always stored as the same text.
            try StoredJSON.encode(optOuts.map(\.rawValue).sorted(), column: "opt_outs", path: path),
            try representative.map { try StoredJSON.encode($0, column: "representative", path: path) },
            createdAt.secondsSinceEpoch, strategy,
        ]
    }
}

extension DebtRecord {
    static let columns = ["debtor_id", "id", "placement_id", "amount", "currency", "due_date", "status"]

    init(row: Row, path: String) throws {
        self.init(
            debtorID: try row.value("debtor_id"), id: try row.value("id"), placementID: try row.value("placement_id"),
            amount: try row.value("amount"), currency: try row.value("currency"), dueDate: try row.value("due_date"),
            status: try row.vocabulary("status", path: path))
    }

    var values: RowValues { [debtorID, id, placementID, amount, currency, dueDate, status.rawValue] }
}

extension HoldRecord {
    static let columns = ["id", "debtor_id", "debt_id", "kind", "since", "until", "lifted_at"]

    init(row: Row, path: String) throws {
        self.init(
            id: try row.value("id"), debtorID: try row.value("debtor_id"), debtID: try row.value("debt_id"),
            kind: try row.vocabulary("kind", path: path), since: try row.instant("since"),
            until: try row.optionalInstant("until"), liftedAt: try row.optionalInstant("lifted_at"))
    }

    var values: RowValues {
        [
            id, debtorID, debtID, kind.rawValue, since.secondsSinceEpoch, until?.secondsSinceEpoch,
            liftedAt?.secondsSinceEpoch,
        ]
    }
}

extension TaskRecord {
    static let columns = [
        "id", "debtor_id", "debt_id", "channel", "purpose", "status", "due_at", "lease_until", "attempts",
        "settled_attempts", "created_at", "closed_reason",
    ]

    init(row: Row, path: String) throws {
        self.init(
            id: try row.value("id"), debtorID: try row.value("debtor_id"), debtID: try row.value("debt_id"),
            channel: try row.vocabulary("channel", path: path), purpose: try row.value("purpose"),
            status: try row.vocabulary("status", path: path), dueAt: try row.instant("due_at"),
            leaseUntil: try row.optionalInstant("lease_until"), attempts: try row.value("attempts"),
            settledAttempts: try row.value("settled_attempts"), createdAt: try row.instant("created_at"),
            closedReason: try row.value("closed_reason"))
    }

    var values: RowValues {
        [
            id, debtorID, debtID, channel.rawValue, purpose, status.rawValue, dueAt.secondsSinceEpoch,
            leaseUntil?.secondsSinceEpoch, attempts, settledAttempts, createdAt.secondsSinceEpoch, closedReason,
        ]
    }
}

extension LedgerEntry {
    static let columns = ["task_id", "debtor_id", "debt_id", "channel", "at", "result"]

    init(row: Row, path: String) throws {
        self.init(
            taskID: try row.value("task_id"), debtorID: try row.value("debtor_id"), debtID: try row.value("debt_id"),
            channel: try row.vocabulary("channel", path: path), at: try row.instant("at"),
            result: try row.vocabulary("result", path: path))
    }

    var values: RowValues { [taskID, debtorID, debtID, channel.rawValue, at.secondsSinceEpoch, result.rawValue] }
}

extension OutboxMessage {
    /// Without `sequence`, which the table assigns.
    static let columns = [
        "exchange", "routing_key", "message_id", "type", "body", "expires_at", "headers", "priority",
    ]

    init(row: Row, path: String) throws {
        let priority: Int? = try row.decode(forColumn: "priority")
        self.init(
            sequence: try row.value("sequence"), exchange: try row.value("exchange"),
            routingKey: try row.value("routing_key"), messageID: try row.value("message_id"),
            type: try row.value("type"), body: Array(try row.decode(Data.self, forColumn: "body")),
            expiresAt: try row.optionalInstant("expires_at"),
            headers: try row.json([String: String].self, "headers", path: path),
            priority: try priority.map { value in
                guard let priority = UInt8(exactly: value) else {
                    throw StoreError(.corrupt, path: path, reason: "priority out of range")
                }
                return priority
            })
    }

    func values(path: String) throws -> RowValues {
        [
            exchange, routingKey, messageID, type, Data(body), expiresAt?.secondsSinceEpoch,
            try StoredJSON.encode(headers, column: "headers", path: path), priority.map { Int($0) },
        ]
    }
}

extension DecisionRecord {
    static let columns = ["task_id", "debtor_id", "decided_at", "decision", "earliest", "reasons", "worker"]

    init(row: Row, path: String) throws {
        self.init(
            taskID: try row.value("task_id"), debtorID: try row.value("debtor_id"),
            decidedAt: try row.instant("decided_at"), decision: try row.vocabulary("decision", path: path),
            earliest: try row.optionalInstant("earliest"),
            reasons: try row.json([PolicyDecision.Reason].self, "reasons", path: path),
            worker: try row.value("worker"))
    }

    func values(path: String) throws -> RowValues {
        [
            taskID, debtorID, decidedAt.secondsSinceEpoch, decision.rawValue, earliest?.secondsSinceEpoch,
            try StoredJSON.encode(reasons, column: "reasons", path: path), worker,
        ]
    }
}
