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
    /// The records that `sql` selects.
    func fetchAll<R: FetchableRecord & TableRecord>(
        _ type: R.Type, _ sql: String, _ arguments: StatementArguments = []
    ) throws -> [R] {
        try decoding(R.self) { try R.fetchAll(db.cachedStatement(sql: sql), arguments: arguments) }
    }

    /// The first record that `sql` selects.
    func fetchOne<R: FetchableRecord & TableRecord>(
        _ type: R.Type, _ sql: String, _ arguments: StatementArguments = []
    ) throws -> R? {
        try decoding(R.self) { try R.fetchOne(db.cachedStatement(sql: sql), arguments: arguments) }
    }

    /// Runs `body`, which reads rows of `R`'s table: SQLite's errors become ``StoreError``s, and anything else
    /// (a missing column, an unknown spelling, JSON that does not decode) a damaged row, named by its table only:
    /// decoding errors quote the values, which may be personal data.
    func decoding<R: TableRecord, T>(_ type: R.Type, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw StoreError(error, path: path)
        } catch {
            throw StoreError(.corrupt, path: path, reason: "a stored \(R.databaseTableName) row does not decode")
        }
    }

    /// Runs `body`, which writes rows of `R`'s table: SQLite's errors become ``StoreError``s, and anything else a
    /// value that cannot be encoded.
    func persisting<R: TableRecord, T>(_ type: R.Type, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw StoreError(error, path: path)
        } catch {
            throw StoreError(.failed, path: path, reason: "cannot encode a \(R.databaseTableName) row")
        }
    }

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

    func execute(_ sql: String, _ arguments: StatementArguments) throws {
        try translatingErrors(path: path) {
            try db.cachedStatement(sql: sql).execute(arguments: arguments)
        }
    }
}
