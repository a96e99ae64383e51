import GRDB

/// A connection handed to a ``TactStore`` closure, with the statement helpers the queries share.
///
/// Statements are cached per connection: the scheduler runs the same few hundred times a second, and compiling
/// them would cost more than running them.
protocol SQLiteAccess {
    var db: Database { get }
    /// For errors.
    var path: String { get }
}

extension SQLiteAccess {
    func fetchAll<R>(_ sql: String, _ arguments: StatementArguments = [], _ make: (Row) throws -> R) throws -> [R] {
        try translatingErrors(path: path) {
            let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
            var result: [R] = []
            while let row = try rows.next() { result.append(try make(row)) }
            return result
        }
    }

    func fetchOne<R>(_ sql: String, _ arguments: StatementArguments = [], _ make: (Row) throws -> R) throws -> R? {
        try translatingErrors(path: path) {
            try Row.fetchOne(db.cachedStatement(sql: sql), arguments: arguments).map(make)
        }
    }

    func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try fetchOne(sql, arguments) { try $0.decode(Int.self, atIndex: 0) } ?? 0
    }

    func execute(_ sql: String, _ values: RowValues) throws {
        try translatingErrors(path: path) {
            try db.cachedStatement(sql: sql).execute(arguments: StatementArguments(values))
        }
    }
}

/// SQL text built from column lists, so that statements and row mapping share one list of names.
enum SQL {
    static func select(_ columns: [String], from table: String, _ rest: String) -> String {
        "SELECT \(qualified(columns, of: table)) FROM \(table) \(rest)"
    }

    static func qualified(_ columns: [String], of table: String) -> String {
        columns.map { "\(table).\($0)" }.joined(separator: ", ")
    }

    static func insert(into table: String, _ columns: [String]) -> String {
        "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(placeholders(columns.count)))"
    }

    /// Inserts, or updates in place when `key` exists. In place, unlike INSERT OR REPLACE, which deletes first
    /// (and so would check foreign keys against a row that is about to come back).
    static func upsert(into table: String, _ columns: [String], key: [String]) -> String {
        let updates = columns.filter { !key.contains($0) }.map { "\($0) = excluded.\($0)" }
        return insert(into: table, columns)
            + " ON CONFLICT (\(key.joined(separator: ", "))) DO UPDATE SET \(updates.joined(separator: ", "))"
    }

    static func placeholders(_ count: Int) -> String { Array(repeating: "?", count: count).joined(separator: ", ") }
}
