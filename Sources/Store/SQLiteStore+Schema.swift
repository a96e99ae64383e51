import GRDB

// The schema, as versioned migrations. A migration, once released, never changes: later versions append a new
// one (`v2`, …), so that every file can be brought forward from whatever version wrote it. `v1` is the schema of
// the first release; the drafts before it were folded into it, since no file written by them needs to be read.
//
// Instants are INTEGER seconds since the epoch. Columns that queries filter or sort on are real columns; nested
// values that are only ever read back whole (contact details, time zones, reasons, headers) are JSON text.
// The status literals below are the raw values of `TaskRecord.Status`, frozen here as the file format.

extension SQLiteStore {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1", migrate: schemaV1)
        migrator.registerMigration("v2", migrate: schemaV2)
        migrator.registerMigration("v3", migrate: schemaV3)
        migrator.registerMigration("v4", migrate: schemaV4)
        return migrator
    }

    /// Throws `newerSchema` when the file holds migrations this version does not know, then brings it up to date.
    static func migrate(_ writer: any DatabaseWriter, path: String) throws {
        let migrator = Self.migrator
        try writer.barrierWriteWithoutTransaction { db in
            if try migrator.hasBeenSuperseded(db) {
                let known = Set(migrator.migrations)
                let unknown = try migrator.appliedIdentifiers(db).subtracting(known).sorted()
                throw StoreError(
                    .newerSchema, path: path,
                    reason: "written by a newer version of Tact (schema \(unknown.joined(separator: ", ")) unknown "
                        + "to this one); upgrade Tact to open it")
            }
        }
        do {
            try migrator.migrate(writer)
        } catch {
            // A migration's own refusal knows no path.
            guard var refusal = error as? StoreError, refusal.path.isEmpty else { throw error }
            refusal.path = path
            throw refusal
        }
    }

    private static func schemaV1(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE debtor (
                    id TEXT NOT NULL PRIMARY KEY,
                    creditor_id TEXT NOT NULL,
                    rulebook TEXT NOT NULL,
                    specialist_id TEXT,
                    contact TEXT NOT NULL,
                    time_zones TEXT NOT NULL,
                    inconvenient TEXT NOT NULL,
                    opt_outs TEXT NOT NULL,
                    representative TEXT,
                    created_at INTEGER NOT NULL,
                    strategy TEXT NOT NULL DEFAULT 'default'
                );

                CREATE TABLE debt (
                    debtor_id TEXT NOT NULL REFERENCES debtor (id),
                    id TEXT NOT NULL,
                    placement_id TEXT NOT NULL,
                    amount TEXT NOT NULL,
                    currency TEXT NOT NULL,
                    due_date TEXT NOT NULL,
                    status TEXT NOT NULL,
                    PRIMARY KEY (debtor_id, id)
                ) WITHOUT ROWID;

                CREATE TABLE hold (
                    id TEXT NOT NULL PRIMARY KEY,
                    debtor_id TEXT NOT NULL REFERENCES debtor (id),
                    debt_id TEXT,
                    kind TEXT NOT NULL,
                    since INTEGER NOT NULL,
                    until INTEGER,
                    lifted_at INTEGER
                ) WITHOUT ROWID;
                CREATE INDEX hold_active ON hold (debtor_id, since) WHERE lifted_at IS NULL;

                -- Clustered by due time: the tasks handed out together sit together, so taking a batch of due tasks
                -- writes a few pages whatever the number of tasks waiting for later. Handing a task out changes none
                -- of the columns task_debtor and the id index hold; only a change of due time moves the row.
                -- `open` (pending or in flight) keeps a debtor's live tasks together in task_debtor, apart from
                -- its history. `ready` marks the task to hand out next for its debtor: its earliest pending task (by
                -- due time, then id) when none of its tasks is in flight. SQLiteTransaction keeps both so.
                CREATE TABLE task (
                    due_at INTEGER NOT NULL,
                    id TEXT NOT NULL UNIQUE,
                    debtor_id TEXT NOT NULL,
                    debt_id TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    purpose TEXT NOT NULL,
                    status TEXT NOT NULL,
                    lease_until INTEGER,
                    attempts INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    closed_reason TEXT,
                    open INTEGER NOT NULL CHECK (open = (status IN ('pending', 'in-flight'))),
                    ready INTEGER NOT NULL CHECK (ready = 0 OR status = 'pending'),
                    -- Hand-outs up to this attempt are settled (decided or recalled); see TaskRecord.
                    settled_attempts INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (due_at, id),
                    FOREIGN KEY (debtor_id, debt_id) REFERENCES debt (debtor_id, id)
                ) WITHOUT ROWID;
                CREATE INDEX task_debtor ON task (debtor_id, open, due_at, id);
                -- At most one entry per debtor, so taking due tasks never steps over tasks that must wait.
                CREATE INDEX task_ready ON task (due_at, id) WHERE ready = 1;
                CREATE INDEX task_pending_due ON task (due_at) WHERE status = 'pending';
                CREATE INDEX task_lease ON task (lease_until, id) WHERE status = 'in-flight';

                CREATE TABLE ledger (
                    task_id TEXT NOT NULL PRIMARY KEY,
                    debtor_id TEXT NOT NULL REFERENCES debtor (id),
                    debt_id TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    result TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX ledger_debtor ON ledger (debtor_id, at, task_id);

                CREATE TABLE outbox (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    exchange TEXT NOT NULL,
                    routing_key TEXT NOT NULL,
                    message_id TEXT NOT NULL,
                    type TEXT NOT NULL,
                    body BLOB NOT NULL,
                    -- The end of a contact's window: it expires then however long it waits here.
                    expires_at INTEGER,
                    headers TEXT NOT NULL,
                    priority INTEGER
                );

                CREATE TABLE processed_message (
                    id TEXT NOT NULL PRIMARY KEY,
                    at INTEGER NOT NULL
                ) WITHOUT ROWID;

                -- The audit trail outlives what it describes, so no foreign key; triggers keep it append-only.
                CREATE TABLE decision (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    task_id TEXT NOT NULL,
                    debtor_id TEXT NOT NULL,
                    decided_at INTEGER NOT NULL,
                    decision TEXT NOT NULL,
                    earliest INTEGER,
                    reasons TEXT NOT NULL,
                    worker TEXT NOT NULL
                );
                CREATE INDEX decision_debtor ON decision (debtor_id, decided_at, sequence);
                CREATE TRIGGER decision_no_update BEFORE UPDATE ON decision
                    BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
                CREATE TRIGGER decision_no_delete BEFORE DELETE ON decision
                    BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;

                -- What the humane flows remember: promises, plans, survey answers, specialists' absences.
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

    /// Taken calls: who took a call with `tact next`, and (in `lease_until`) when it returns without an outcome.
    /// Queued calls: the call queue a published call waits in, so that an absence or a hand-over can move it.
    /// The roster: specialists who joined or retired at runtime (the service file lists the others), the cases
    /// each keeps, which a retirement moves, and every case's moves from one specialist to another, for its
    /// timeline.
    /// Payments with amounts, and the balance they leave (`debt.paid`). Promises the creditor reported, made in no
    /// call (`promise.task_id` may be NULL: SQLite changes a column's constraint only by copying the table). Outcomes
    /// as reported, corrections beside what they corrected. The audit trail of every change.
    /// Task links: the promise, plan instalment or outcome a task follows up (`TaskRecord.Link`), which 0.1.0 read
    /// back from the task's id; its tasks get theirs from their ids here, as it read them.
    private static func schemaV2(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE task ADD COLUMN link TEXT;
                -- `<promise>/promise-reminder`, `<outcome>/retry-call`, `<plan>/<n>/missed-instalment`, …
                UPDATE task SET link = 'promise:' || substr(id, 1, length(id) - length(purpose) - 1)
                    WHERE purpose IN ('promise-reminder', 'broken-promise');
                UPDATE task SET link = 'outcome:' || substr(id, 1, length(id) - length(purpose) - 1)
                    WHERE purpose IN ('retry-call', 'call-back-request');
                UPDATE task SET link = (
                        SELECT 'instalment:' || substr(stem, length(plan) + 1) || ':' || substr(plan, 1, length(plan) - 1)
                        FROM (SELECT stem, rtrim(stem, '0123456789') AS plan
                            FROM (SELECT substr(task.id, 1, length(task.id) - length(task.purpose) - 1) AS stem)))
                    WHERE purpose IN ('instalment-reminder', 'missed-instalment');

                ALTER TABLE task ADD COLUMN taken_by TEXT;
                CREATE INDEX task_taken ON task (lease_until, id) WHERE status = 'taken';
                ALTER TABLE task ADD COLUMN queued_for TEXT;
                CREATE INDEX task_queued ON task (queued_for, id) WHERE status = 'done' AND queued_for IS NOT NULL;

                ALTER TABLE specialist ADD COLUMN joined_at INTEGER;
                ALTER TABLE specialist ADD COLUMN retired_at INTEGER;
                CREATE INDEX debtor_specialist ON debtor (specialist_id) WHERE specialist_id IS NOT NULL;

                CREATE TABLE handover (
                    debtor_id TEXT NOT NULL REFERENCES debtor (id),
                    change_id TEXT NOT NULL,
                    from_id TEXT,
                    to_id TEXT,
                    at INTEGER NOT NULL,
                    cause TEXT NOT NULL,
                    PRIMARY KEY (debtor_id, change_id)
                ) WITHOUT ROWID;

                ALTER TABLE debt ADD COLUMN paid TEXT NOT NULL DEFAULT '0.00';
                CREATE TABLE payment (
                    id TEXT NOT NULL PRIMARY KEY,
                    debtor_id TEXT NOT NULL REFERENCES debtor (id),
                    debt_id TEXT NOT NULL,
                    amount TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    created_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX payment_debtor ON payment (debtor_id, created_at, id);

                CREATE TABLE promise_v2 (
                    id TEXT NOT NULL PRIMARY KEY,
                    debtor_id TEXT NOT NULL REFERENCES debtor (id),
                    debt_id TEXT NOT NULL,
                    task_id TEXT,
                    amount TEXT NOT NULL,
                    date TEXT NOT NULL,
                    status TEXT NOT NULL,
                    created_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO promise_v2 SELECT id, debtor_id, debt_id, task_id, amount, date, status, created_at
                    FROM promise;
                DROP TABLE promise;
                ALTER TABLE promise_v2 RENAME TO promise;
                CREATE INDEX promise_debtor ON promise (debtor_id, created_at, id);

                -- Outcomes as reported: a correction keeps the outcome it replaced.
                CREATE TABLE outcome (
                    id TEXT NOT NULL PRIMARY KEY,
                    task_id TEXT NOT NULL,
                    debtor_id TEXT NOT NULL REFERENCES debtor (id),
                    debt_id TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    result TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    corrects TEXT,
                    created_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX outcome_task ON outcome (task_id, created_at, id);

                -- The audit trail: every change, who caused it, chained by SHA-256 (AuditChain). The sequence is
                -- written, not assigned, because the hash covers it. No foreign keys: it outlives what it describes.
                CREATE TABLE audit (
                    sequence INTEGER NOT NULL PRIMARY KEY,
                    at INTEGER NOT NULL,
                    debtor_id TEXT,
                    subject TEXT NOT NULL,
                    action TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    detail TEXT NOT NULL,
                    hash TEXT NOT NULL
                );
                -- No index but its order: every change writes an entry, and an export (by time, or of one case)
                -- reads the table once.
                CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
                    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
                    BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
                """)
    }

    /// Tenants: a debtor is keyed by its creditor and the creditor's own id (`creditor/debtor`, ``DebtorKey``), so
    /// two creditors may both have a `D-1`. `ref` keeps the creditor's own id, which messages name; `person_key`
    /// links the cases of one person across creditors. Every table's `debtor_id` takes the key, through a marker
    /// (`char(1)`, never in an id) so that no new key meets an old id half-way through. Decisions are append-only,
    /// so their trigger steps aside for the rewrite. Events applied before are remembered under their creditor,
    /// as events are named now, so that a redelivery of one is still a duplicate. The audit trail keeps the ids it
    /// was chained with; `store_note` says where keyed entries begin, so that an export of one case finds the
    /// entries about it from before.
    private static func schemaV3(_ db: Database) throws {
        // A key splits at its first `/`: a creditor id holding one would be read back as another creditor.
        let slashed = try Int.fetchOne(db, sql: "SELECT count(*) FROM debtor WHERE instr(creditor_id, '/') > 0")
        guard slashed == 0 else {
            throw StoreError(
                .failed, path: "",
                reason: "creditor ids containing '/' cannot be keyed (schema v3); rename those creditors with the "
                    + "Tact that wrote this file first")
        }
        try db.execute(
            sql: """
                ALTER TABLE debtor ADD COLUMN ref TEXT NOT NULL DEFAULT '';
                ALTER TABLE debtor ADD COLUMN person_key TEXT;
                DROP TRIGGER decision_no_update;
                """)
        let tables = [
            "debt", "hold", "task", "ledger", "promise", "plan", "survey_response", "handover", "payment", "outcome",
            "decision",
        ]
        // A decision outlives its debtor (no foreign key): one whose debtor is gone keeps its id.
        for table in tables {
            try db.execute(
                sql: """
                    UPDATE \(table) SET debtor_id = char(1) || COALESCE(
                        (SELECT creditor_id || '/' || id FROM debtor WHERE debtor.id = \(table).debtor_id), debtor_id)
                    """)
        }
        try db.execute(sql: "UPDATE debtor SET ref = id, id = char(1) || creditor_id || '/' || id")
        for table in tables + ["debtor"] {
            let column = table == "debtor" ? "id" : "debtor_id"
            try db.execute(sql: "UPDATE \(table) SET \(column) = substr(\(column), 2)")
        }
        // The creditor of an event applied before: the debtor of the hold, payment, plan or promise named after
        // it, else the installation's one creditor. Other events of several creditors' stores stay as they were.
        let creditor = ["hold", "payment", "plan", "promise"].map {
            "(SELECT d.creditor_id FROM \($0) r JOIN debtor d ON d.id = r.debtor_id WHERE r.id = substr(m.id, 7))"
        }.joined(separator: ", ")
        let onlyCreditor = "(SELECT CASE WHEN count(DISTINCT creditor_id) = 1 THEN min(creditor_id) END FROM debtor)"
        try db.execute(
            sql: """
                UPDATE processed_message AS m SET id = 'event:' || COALESCE(\(creditor), \(onlyCreditor)) || '/'
                    || substr(id, 7)
                WHERE id LIKE 'event:%' AND COALESCE(\(creditor), \(onlyCreditor)) IS NOT NULL
                """)
        try db.execute(
            sql: """
                CREATE TRIGGER decision_no_update BEFORE UPDATE ON decision
                    BEGIN SELECT RAISE(ABORT, 'decisions are append-only'); END;
                CREATE INDEX debtor_ref ON debtor (ref);
                CREATE INDEX debtor_person ON debtor (person_key) WHERE person_key IS NOT NULL;
                CREATE TABLE store_note (name TEXT NOT NULL PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
                INSERT INTO store_note SELECT 'keyed-audit-from', COALESCE(MAX(sequence), 0) + 1 FROM audit;
                """)
    }

    /// Backpressure: due tasks are taken highest priority first (a call's queue priority, fixed when the task is
    /// planned; tasks planned before keep 0), through one index range per priority; and the calls waiting in each
    /// call queue, or being decided for it, are counted by the queue. Queued calls that never came back (their
    /// queue's node lost) are found by the time they were due back.
    private static func schemaV4(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE task ADD COLUMN priority INTEGER NOT NULL DEFAULT 0 CHECK (priority BETWEEN 0 AND 9);
                CREATE INDEX task_ready_priority ON task (priority, due_at, id) WHERE ready = 1;
                CREATE INDEX task_waiting ON task (queued_for)
                    WHERE queued_for IS NOT NULL AND status IN ('in-flight', 'done');
                CREATE INDEX task_queued_until ON task (lease_until, id)
                    WHERE status = 'done' AND queued_for IS NOT NULL;
                """)
    }
}
