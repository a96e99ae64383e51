import Domain
import Foundation
import GRDB
import Policy

// Records as GRDB records: each maps to its table through its `CodingKeys`, whose raw values are the column names.
// Instants are INTEGER seconds and vocabularies their raw text; nested values (contact details, time zones,
// reasons, headers) are JSON text, encoded by StoredJSON so that the same value is always the same text.

extension DebtorRecord: FetchableRecord, PersistableRecord {
    /// The `debtor` table.
    public static let databaseTableName = "debtor"

    /// By hand: every hand-out reads the debtor for its policy snapshot. scripts/bench pipeline, placements/s
    /// (medians of 3 rounds, idle machine): 1,137 and 1,195 with this and the ledger's read through Codable, 1,225
    /// by hand, against 1,289–1,398 for the code before GRDB records (docs/benchmarks.md).
    public init(row: Row) throws {
        func json<T: Decodable>(_ type: T.Type, _ column: CodingKeys) throws -> T {
            try StoredJSON.decoder.decode(type, from: Data(try row.decode(String.self, forColumn: column).utf8))
        }
        let representative: String? = try row.decode(forColumn: CodingKeys.representative)
        self.init(
            id: try row.decode(forColumn: CodingKeys.id), creditorID: try row.decode(forColumn: CodingKeys.creditorID),
            rulebook: try row.decode(forColumn: CodingKeys.rulebook),
            strategy: try row.decode(forColumn: CodingKeys.strategy),
            specialistID: try row.decode(forColumn: CodingKeys.specialistID),
            contact: try json(ContactDetails.self, .contact), timeZones: try json([String].self, .timeZones),
            inconvenient: try json([InconvenientTime].self, .inconvenient),
            optOuts: try json(Set<Channel>.self, .optOuts),
            representative: try representative.map {
                try StoredJSON.decoder.decode(Representative.self, from: Data($0.utf8))
            },
            createdAt: try row.decode(forColumn: CodingKeys.createdAt),
            personKey: try row.decode(forColumn: CodingKeys.personKey))
    }

    /// By hand only so that opt-outs are stored sorted: the same set, in any order, is always the same text.
    public func encode(to container: inout PersistenceContainer) throws {
        func json(_ value: some Encodable) throws -> String {
            String(decoding: try StoredJSON.encoder.encode(value), as: UTF8.self)
        }
        container[CodingKeys.id] = id
        container[CodingKeys.creditorID] = creditorID
        container[CodingKeys.rulebook] = rulebook
        container[CodingKeys.strategy] = strategy
        container[CodingKeys.specialistID] = specialistID
        container[CodingKeys.contact] = try json(contact)
        container[CodingKeys.timeZones] = try json(timeZones)
        container[CodingKeys.inconvenient] = try json(inconvenient)
        container[CodingKeys.optOuts] = try json(optOuts.map(\.rawValue).sorted())
        container[CodingKeys.representative] = try representative.map(json)
        container[CodingKeys.createdAt] = createdAt
        // Not a field: the creditor's own id, kept as a column so that a message naming it finds the case.
        container["ref"] = ref
        container[CodingKeys.personKey] = personKey
    }
}

extension DebtRecord: FetchableRecord, PersistableRecord {
    /// The `debt` table.
    public static let databaseTableName = "debt"

    /// By hand, as the ledger's and the decision's: every placement writes its debt, and GRDB's Codable
    /// persistence container cost the pipeline a few per cent (docs/benchmarks.md, issue 11).
    public func encode(to container: inout PersistenceContainer) throws {
        container[CodingKeys.debtorID] = debtorID
        container[CodingKeys.id] = id
        container[CodingKeys.placementID] = placementID
        container[CodingKeys.amount] = amount
        container[CodingKeys.currency] = currency
        container[CodingKeys.dueDate] = dueDate
        container[CodingKeys.status] = status
        container[CodingKeys.paid] = paid
    }
}

extension HoldRecord: FetchableRecord, PersistableRecord {
    /// The `hold` table.
    public static let databaseTableName = "hold"
}

extension TaskRecord: FetchableRecord, PersistableRecord {
    /// The `task` table.
    public static let databaseTableName = "task"

    /// By hand: the dispatch loop reads every due task through it. scripts/bench store, 10,000 tasks taken (median
    /// of 7): 0.285 s with this read, the hand-out update and the outbox insert all through Codable; 0.197 s with
    /// this read and the update by hand; 0.155 s with the outbox insert by hand too (0.164 s before GRDB records).
    public init(row: Row) throws {
        let id: String = try row.decode(forColumn: CodingKeys.id)
        let debtorID: String = try row.decode(forColumn: CodingKeys.debtorID)
        let debtID: String = try row.decode(forColumn: CodingKeys.debtID)
        let channel: Channel = try row.decode(forColumn: CodingKeys.channel)
        let purpose: Purpose = try row.decode(forColumn: CodingKeys.purpose)
        let link: Link? = try row.decode(forColumn: CodingKeys.link)
        let status: Status = try row.decode(forColumn: CodingKeys.status)
        let dueAt: Instant = try row.decode(forColumn: CodingKeys.dueAt)
        let leaseUntil: Instant? = try row.decode(forColumn: CodingKeys.leaseUntil)
        let attempts: Int = try row.decode(forColumn: CodingKeys.attempts)
        let settledAttempts: Int = try row.decode(forColumn: CodingKeys.settledAttempts)
        let createdAt: Instant = try row.decode(forColumn: CodingKeys.createdAt)
        let closedReason: ClosedReason? = try row.decode(forColumn: CodingKeys.closedReason)
        let takenBy: String? = try row.decode(forColumn: CodingKeys.takenBy)
        let queuedFor: String? = try row.decode(forColumn: CodingKeys.queuedFor)
        let priority: Int = try row.decode(forColumn: CodingKeys.priority)
        self.init(
            id: id, debtorID: debtorID, debtID: debtID, channel: channel, purpose: purpose, link: link,
            status: status, dueAt: dueAt, leaseUntil: leaseUntil, attempts: attempts, settledAttempts: settledAttempts,
            createdAt: createdAt, closedReason: closedReason, takenBy: takenBy, queuedFor: queuedFor,
            priority: priority)
    }
}

extension LedgerEntry: FetchableRecord, PersistableRecord {
    /// By hand, as the debtor's: every hand-out reads the debtor's recent ledger for its history.
    public init(row: Row) throws {
        let taskID: String = try row.decode(forColumn: CodingKeys.taskID)
        let debtorID: String = try row.decode(forColumn: CodingKeys.debtorID)
        let debtID: String = try row.decode(forColumn: CodingKeys.debtID)
        let channel: Channel = try row.decode(forColumn: CodingKeys.channel)
        let at: Instant = try row.decode(forColumn: CodingKeys.at)
        let result: ContactResult = try row.decode(forColumn: CodingKeys.result)
        self.init(taskID: taskID, debtorID: debtorID, debtID: debtID, channel: channel, at: at, result: result)
    }

    /// By hand: every contact published enters the ledger.
    public func encode(to container: inout PersistenceContainer) throws {
        container[CodingKeys.taskID] = taskID
        container[CodingKeys.debtorID] = debtorID
        container[CodingKeys.debtID] = debtID
        container[CodingKeys.channel] = channel
        container[CodingKeys.at] = at
        container[CodingKeys.result] = result
    }

    /// The `ledger` table.
    public static let databaseTableName = "ledger"
}

extension DecisionRecord: FetchableRecord, PersistableRecord {
    /// The `decision` table. Its `sequence`, which the table assigns, is not part of the record.
    public static let databaseTableName = "decision"

    /// By hand: every worker decision is kept. The reasons are StoredJSON text (sorted keys, slashes as they are).
    public func encode(to container: inout PersistenceContainer) throws {
        container[CodingKeys.taskID] = taskID
        container[CodingKeys.debtorID] = debtorID
        container[CodingKeys.decidedAt] = decidedAt
        container[CodingKeys.decision] = decision
        container[CodingKeys.earliest] = earliest
        container[CodingKeys.reasons] = String(decoding: try StoredJSON.encoder.encode(reasons), as: UTF8.self)
        container[CodingKeys.worker] = worker
    }
}

// Written only by `SQLiteTransaction.enqueue`, by hand: read and deleted through GRDB.
extension OutboxMessage: FetchableRecord, TableRecord {
    /// The `outbox` table.
    public static let databaseTableName = "outbox"

    /// By hand because the body is bytes (a BLOB, where Codable would make a JSON array of numbers).
    public init(row: Row) throws {
        self.init(
            sequence: try row.decode(forColumn: CodingKeys.sequence),
            exchange: try row.decode(forColumn: CodingKeys.exchange),
            routingKey: try row.decode(forColumn: CodingKeys.routingKey),
            messageID: try row.decode(forColumn: CodingKeys.messageID),
            type: try row.decode(forColumn: CodingKeys.type),
            body: Array(try row.decode(Data.self, forColumn: CodingKeys.body)),
            expiresAt: try row.decode(forColumn: CodingKeys.expiresAt),
            headers: try StoredJSON.decoder.decode(
                [String: String].self, from: try row.decode(Data.self, forColumn: CodingKeys.headers)),
            priority: try row.decode(forColumn: CodingKeys.priority))
    }
}

extension PromiseRecord: FetchableRecord, PersistableRecord {
    /// The `promise` table.
    public static let databaseTableName = "promise"
}

extension OutcomeRecord: FetchableRecord, PersistableRecord {
    /// The `outcome` table.
    public static let databaseTableName = "outcome"
}

extension PaymentRecord: FetchableRecord, PersistableRecord {
    /// The `payment` table.
    public static let databaseTableName = "payment"
}

extension PlanRecord: FetchableRecord, PersistableRecord {
    /// The `plan` table.
    public static let databaseTableName = "plan"

    /// StoredJSON's: sorted keys, slashes as they are.
    public static func databaseJSONEncoder(for column: String) -> JSONEncoder { StoredJSON.encoder }
}

extension SurveyResponseRecord: FetchableRecord, PersistableRecord {
    /// The `survey_response` table.
    public static let databaseTableName = "survey_response"
}

extension SpecialistRecord: FetchableRecord, PersistableRecord {
    /// The `specialist` table.
    public static let databaseTableName = "specialist"
}

extension HandoverRecord: FetchableRecord, PersistableRecord {
    /// The `handover` table.
    public static let databaseTableName = "handover"
}

extension DebtorRecord.CodingKeys: ColumnExpression {}
extension OutboxMessage.CodingKeys: ColumnExpression {}
extension TaskRecord.CodingKeys: ColumnExpression {}
extension LedgerEntry.CodingKeys: ColumnExpression {}
extension DebtRecord.CodingKeys: ColumnExpression {}
extension DecisionRecord.CodingKeys: ColumnExpression {}

// Columns of Domain's and Policy's types. An unknown spelling in a vocabulary column fails to decode, and is reported as a
// damaged row (see SQLiteAccess).

extension Instant: DatabaseValueConvertible, StatementColumnConvertible {
    /// Whole seconds since the epoch, an INTEGER column.
    public var databaseValue: DatabaseValue { secondsSinceEpoch.databaseValue }

    /// The instant of an INTEGER column of seconds since the epoch.
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Instant? {
        Int64.fromDatabaseValue(dbValue).map(Instant.init(secondsSinceEpoch:))
    }

    /// Read straight from a statement's column, without a `DatabaseValue` in between.
    public init?(sqliteStatement: SQLiteStatement, index: CInt) {
        self.init(secondsSinceEpoch: Int64(sqliteStatement: sqliteStatement, index: index))
    }
}

extension Channel: DatabaseValueConvertible {}
extension Purpose: DatabaseValueConvertible {}
extension ContactResult: DatabaseValueConvertible {}
extension HoldKind: DatabaseValueConvertible {}
extension PolicyDecision.Kind: DatabaseValueConvertible {}
extension DebtRecord.Status: DatabaseValueConvertible {}
extension TaskRecord.Status: DatabaseValueConvertible {}

extension ClosedReason: DatabaseValueConvertible {
    /// Its spelling, a TEXT column.
    public var databaseValue: DatabaseValue { description.databaseValue }

    /// The reason a TEXT column spells.
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> ClosedReason? {
        String.fromDatabaseValue(dbValue).map(ClosedReason.init)
    }
}

extension TaskRecord.Link: DatabaseValueConvertible {
    /// Its spelling, a TEXT column.
    public var databaseValue: DatabaseValue { description.databaseValue }

    /// The link a TEXT column spells; `nil` (a damaged row) for any other text.
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> TaskRecord.Link? {
        String.fromDatabaseValue(dbValue).flatMap(TaskRecord.Link.init)
    }
}
extension PromiseRecord.Status: DatabaseValueConvertible {}
extension PlanRecord.Status: DatabaseValueConvertible {}
extension HandoverRecord.Cause: DatabaseValueConvertible {}
