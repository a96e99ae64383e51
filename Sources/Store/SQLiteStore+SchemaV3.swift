import GRDB

// Schema v3: the scheduler publishes contacts (workers propose them), and only for a hand-out whose snapshot still
// holds.
// - A contact must expire at the end of its window however long it waits in the outbox, so the outbox keeps that
//   instant rather than a duration from publishing. Nothing before v3 set the column.
// - Tasks count the hand-outs that are settled (decided or recalled). A task in flight when the store is migrated
//   waits on its last hand-out only.

extension SQLiteStore {
    static func schemaV3(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE outbox RENAME COLUMN expiration_ms TO expires_at;
                ALTER TABLE task ADD COLUMN settled_attempts INTEGER NOT NULL DEFAULT 0;
                UPDATE task SET settled_attempts = CASE WHEN status = 'in-flight' THEN attempts - 1 ELSE attempts END;
                """)
    }
}
