import GRDB

// The only place GRDB's errors are looked at: everything the store throws is a StoreError (or the caller's own
// error, passed through), so callers never see GRDB types.

extension StoreError {
    /// `error` as callers should see it: GRDB's errors become a ``StoreError``; the caller's own errors (thrown
    /// by a write closure) and cancellation pass through unchanged.
    static func translating(_ error: any Error, path: String) -> any Error {
        switch error {
        case let error as DatabaseError:
            return StoreError(error, path: path)
        case is RowDecodingError:
            // Its description quotes the row, which may hold personal data: say only what kind of thing failed.
            return StoreError(.corrupt, path: path, reason: "a stored row has a missing or mistyped column")
        default:
            return error
        }
    }

    init(_ error: DatabaseError, path: String) {
        let code: Code
        switch error.resultCode {
        case .SQLITE_CONSTRAINT: code = .constraint
        case .SQLITE_CORRUPT, .SQLITE_FORMAT: code = .corrupt
        case .SQLITE_NOTADB: code = .notADatabase
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH: code = .cannotOpen
        case .SQLITE_BUSY, .SQLITE_LOCKED: code = .busy
        case .SQLITE_IOERR, .SQLITE_FULL, .SQLITE_READONLY, .SQLITE_PROTOCOL, .SQLITE_NOLFS: code = .io
        default: code = .failed
        }
        // SQLite's messages name tables, columns and constraints, never bound values; GRDB's `description` would
        // add the SQL, which is not needed to act on the error.
        self.init(code, path: path, reason: error.message ?? "SQLite result code \(error.extendedResultCode.rawValue)")
    }
}

/// Runs `body`, translating what it throws with ``StoreError/translating(_:path:)``.
@inline(__always)
func translatingErrors<T>(path: String, _ body: () throws -> T) throws -> T {
    do {
        return try body()
    } catch {
        throw StoreError.translating(error, path: path)
    }
}
