import GRDB

/// What a ``SQLiteStore/read(_:)`` closure sees: a consistent snapshot on a reader connection. Every query comes
/// from ``SQLiteAccess``; this type only says that nothing here writes.
struct SQLiteSnapshot: StoreReading, SQLiteAccess {
    let db: Database
    let path: String
}
