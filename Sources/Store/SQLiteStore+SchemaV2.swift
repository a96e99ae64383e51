import GRDB

// Schema v2: cadences (issue 5). Debtors get a strategy; promises, plans, survey answers and specialists' absences
// get tables of their own.

extension SQLiteStore {
    static func schemaV2(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE debtor ADD COLUMN strategy TEXT NOT NULL DEFAULT 'default';

                CREATE TABLE promise (
                    id TEXT NOT NULL PRIMARY KEY,
                    debtor_id TEXT NOT NULL REFERENCES debtor (id),
                    debt_id TEXT NOT NULL,
                    task_id TEXT NOT NULL,
                    amount TEXT NOT NULL,
                    date TEXT NOT NULL,
                    status TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX promise_debtor ON promise (debtor_id, created_at, id);

                CREATE TABLE plan (
                    id TEXT NOT NULL PRIMARY KEY,
                    debtor_id TEXT NOT NULL REFERENCES debtor (id),
                    debt_id TEXT NOT NULL,
                    instalments TEXT NOT NULL,
                    status TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX plan_debtor ON plan (debtor_id, created_at, id);

                CREATE TABLE survey_response (
                    id TEXT NOT NULL PRIMARY KEY,
                    debtor_id TEXT NOT NULL REFERENCES debtor (id),
                    debt_id TEXT NOT NULL,
                    task_id TEXT NOT NULL,
                    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
                    comment TEXT,
                    at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX survey_response_debtor ON survey_response (debtor_id, at, id);

                CREATE TABLE specialist (
                    id TEXT NOT NULL PRIMARY KEY,
                    away_until INTEGER,
                    backup_id TEXT
                ) WITHOUT ROWID;
                """)
    }
}
