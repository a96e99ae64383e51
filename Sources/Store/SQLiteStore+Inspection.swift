import GRDB

// For tests (through `@testable import`), which have no GRDB of their own: raw SQL on the writer connection, to
// check pragmas and query plans and to damage a file on purpose. Not part of the store's API.

extension SQLiteStore {
    /// Every row of `sql`, each column as text (NULL as "NULL").
    func inspect(_ sql: String, _ arguments: [Int64] = []) async throws -> [[String]] {
        let path = path
        do {
            return try await writer.writeWithoutTransaction { db in
                try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                    row.databaseValues.map { value in
                        value.isNull ? "NULL" : String(describing: value.storage.value ?? "")
                    }
                }
            }
        } catch {
            throw StoreError.translating(error, path: path)
        }
    }

    /// Runs `sql` outside any transaction of the store's API.
    func executeUnchecked(_ sql: String) async throws {
        let path = path
        do {
            try await writer.writeWithoutTransaction { try $0.execute(sql: sql) }
        } catch {
            throw StoreError.translating(error, path: path)
        }
    }
}
