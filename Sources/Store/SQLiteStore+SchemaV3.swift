import GRDB

// Schema v3: the scheduler publishes contacts (workers propose them). A contact must expire at the end of its
// window however long it waits in the outbox, so the outbox keeps that instant rather than a duration from
// publishing. Nothing before v3 set the column.

extension SQLiteStore {
    static func schemaV3(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE outbox RENAME COLUMN expiration_ms TO expires_at")
    }
}
