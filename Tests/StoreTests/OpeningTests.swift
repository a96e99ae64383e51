import Domain
import Foundation
import GRDB
import Policy
import Testing

@testable import Store

/// First start, later starts, files written by a newer Tact, and paths that cannot be a store: each gives a
/// working store or a one-line StoreError with the right code, never record contents.
@Suite struct OpeningTests {
    @Test func theFirstStartCreatesFoldersAndFileInWALWithFullSync() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.path("var/lib/tact/tact.sqlite")
            let store = try SQLiteStore(path: path)
            #expect(FileManager.default.fileExists(atPath: path))
            #expect(try await store.inspect("PRAGMA journal_mode") == [["wal"]])
            #expect(try await store.inspect("PRAGMA synchronous") == [["2"]])  // FULL
            #expect(try await store.inspect("PRAGMA foreign_keys") == [["1"]])
            #expect(
                try await store.inspect("SELECT identifier FROM grdb_migrations") == [["v1"], ["v2"], ["v3"], ["v4"]])
            try store.close()

            let relaxed = try SQLiteStore(path: path, options: SQLiteStore.Options(durability: .normal))
            #expect(try await relaxed.inspect("PRAGMA synchronous") == [["1"]])  // NORMAL
            try relaxed.close()
        }
    }

    /// The store holds names, phones and addresses: its file, WAL and shared memory are the owner's only, in
    /// folders created for the owner only (issue 12).
    @Test func theStoreAndItsCompanionsAreReadableByTheirOwnerOnly() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.path("private/tact/tact.sqlite")
            let store = try SQLiteStore(path: path)
            try await store.write { try $0.save(Sample.debtor("D-1")) }
            for file in [path, path + "-wal", path + "-shm"] {
                #expect(try Self.mode(file) == 0o600, "\(file)")
            }
            #expect(try Self.mode(folder.path("private/tact")) == 0o700)
            #expect(try Self.mode(folder.path("private")) == 0o700)
            try store.close()

            // A store an earlier version left readable to everyone is restricted when opened.
            for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
                try FileManager.default.setAttributes([.posixPermissions: NSNumber(value: 0o644)], ofItemAtPath: file)
            }
            let reopened = try SQLiteStore(path: path)
            for file in [path, path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: file) {
                #expect(try Self.mode(file) == 0o600, "\(file)")
            }
            #expect(try await reopened.read { try $0.debtor("D-1") } != nil)
            try reopened.close()
        }
    }

    /// Call cards `tact next` keeps are written through `PrivateFiles.write`: owner-only, replaced whole.
    @Test func privateFilesAreOwnerOnlyAndReplacedWhole() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.path("cards/T-1.json")
            try PrivateFiles.createFolder(URL(fileURLWithPath: folder.path("cards")))
            try PrivateFiles.write(Data("a longer first text".utf8), to: path)
            try PrivateFiles.write(Data("short".utf8), to: path)
            #expect(FileManager.default.contents(atPath: path) == Data("short".utf8))
            #expect(try Self.mode(path) == 0o600 && Self.mode(folder.path("cards")) == 0o700)
        }
    }

    private static func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    /// 0.1.0 wrote schema v1: its tasks are read as they were, and calls can be taken once it is brought forward.
    @Test func aFileOfSchemaV1IsBroughtForwardWithItsTasks() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.path("v1.sqlite")
            let queue = try DatabaseQueue(path: path)
            try SQLiteStore.migrator.migrate(queue, upTo: "v1")
            try await queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO debtor VALUES ('D-1', 'acme', 'us-regf', NULL, '{}', '[]', '[]', '[]', NULL, 0,
                            'default');
                        INSERT INTO debt VALUES ('D-1', 'C-1', 'P-1', '10.00', 'USD', '2026-11-01', 'open');
                        INSERT INTO task (due_at, id, debtor_id, debt_id, channel, purpose, status, lease_until,
                            attempts, created_at, closed_reason, open, ready, settled_attempts)
                        VALUES (0, 'T-1', 'D-1', 'C-1', 'call', 'first-call', 'done', NULL, 1, 0, NULL, 0, 0, 1),
                            (0, 'O:1/broken-promise', 'D-1', 'C-1', 'call', 'broken-promise', 'pending', NULL, 0, 0,
                                NULL, 1, 0, 0),
                            (0, 'O-2/retry-call', 'D-1', 'C-1', 'call', 'retry-call', 'pending', NULL, 0, 0, NULL, 1,
                                0, 0),
                            (0, 'E-7/12/missed-instalment', 'D-1', 'C-1', 'call', 'missed-instalment', 'pending',
                                NULL, 0, 0, NULL, 1, 0, 0);
                        INSERT INTO specialist VALUES ('anna', 100, 'bob');
                        """)
            }
            try queue.close()

            let store = try SQLiteStore(path: path)
            #expect(
                try await store.inspect("SELECT identifier FROM grdb_migrations") == [["v1"], ["v2"], ["v3"], ["v4"]])
            var task = try #require(try await store.read { try $0.task("T-1") })
            #expect(task.status == .done && task.takenBy == nil && task.queuedFor == nil && task.link == nil)
            #expect(task.debtorID == "acme/D-1", "keyed by creditor since v3")
            #expect(task.priority == 0, "tasks planned before v4 keep the lowest priority")
            // 0.1.0 read what a task follows up from its id; the migration stores it.
            let links = try await store.read { store in
                try ["O:1/broken-promise", "O-2/retry-call", "E-7/12/missed-instalment"].map {
                    try store.task($0)?.link
                }
            }
            #expect(
                links == [.promise(id: "O:1"), .outcome(id: "O-2"), .instalment(planID: "E-7", number: 12)])
            #expect(
                try await store.read { try $0.specialist("anna") }
                    == SpecialistRecord(id: "anna", awayUntil: Instant(secondsSinceEpoch: 100), backupID: "bob"))
            try task.apply(.taken(by: "anna", outcomeDue: t0.adding(seconds: 900)))
            try await store.write { [task] in try $0.save(task) }
            #expect(try await store.read { try $0.overdueTakenCalls(at: t0.adding(seconds: 901), limit: 10) } == [task])
            try store.close()
        }
    }

    /// Schema v3 keys debtors by creditor: every table's rows follow their debtor, decisions too (append-only but
    /// for this), and the trail keeps the ids it was chained with.
    @Test func aFileOfSchemaV2IsKeyedByCreditor() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.path("v2.sqlite")
            let queue = try DatabaseQueue(path: path)
            try SQLiteStore.migrator.migrate(queue, upTo: "v2")
            try await queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO debtor VALUES ('D-1', 'acme', 'us-regf', NULL, '{"name":"A","language":"en"}',
                            '[]', '[]', '[]', NULL, 0, 'default');
                        INSERT INTO debtor VALUES ('D-2', 'polbank', 'pl-respectful', NULL,
                            '{"name":"B","language":"pl"}', '[]', '[]', '[]', NULL, 0, 'default');
                        INSERT INTO debt (debtor_id, id, placement_id, amount, currency, due_date, status)
                            VALUES ('D-1', 'C-1', 'P-1', '10.00', 'USD', '2026-11-01', 'open'),
                            ('D-2', 'C-1', 'P-1', '10.00', 'PLN', '2026-11-01', 'open');
                        INSERT INTO hold (id, debtor_id, debt_id, kind, since) VALUES ('E-1', 'D-2', NULL, 'cease', 5);
                        INSERT INTO ledger VALUES ('T-1', 'D-1', 'C-1', 'call', 7, 'no-answer');
                        INSERT INTO decision (task_id, debtor_id, decided_at, decision, reasons, worker)
                            VALUES ('T-1', 'D-1', 6, 'allow', '[]', 'w'), ('T-9', 'D-gone', 6, 'allow', '[]', 'w');
                        INSERT INTO audit VALUES (1, 0, 'D-1', 'P-1', 'debtor.saved', 'creditor', '{}', 'h');
                        -- A debtor id with a `/` of its own that the other creditor's key spells: the rewrite must
                        -- not meet it half-way.
                        INSERT INTO debtor VALUES ('acme/D-1', 'polbank', 'pl-respectful', NULL,
                            '{"name":"C","language":"pl"}', '[]', '[]', '[]', NULL, 0, 'default');
                        INSERT INTO processed_message VALUES ('event:E-1', 5), ('event:E-9', 5), ('placement:x', 5);
                        """)
            }
            try queue.close()

            let store = try SQLiteStore(path: path)
            let (first, second, byRef) = try await store.read { store in
                (try store.debtor("acme/D-1"), try store.debtor("polbank/D-2"), try store.debtors(withRef: "D-2"))
            }
            #expect(first?.ref == "D-1" && first?.creditorID == "acme" && second?.ref == "D-2")
            #expect(byRef.map(\.id) == ["polbank/D-2"])
            let rows = try await store.read { store in
                (
                    try store.debt("C-1", ofDebtor: "polbank/D-2")?.currency,
                    try store.activeHolds(ofDebtor: "polbank/D-2").map(\.id),
                    try store.ledger(ofDebtor: "acme/D-1", since: Instant(secondsSinceEpoch: 0)).map(\.taskID),
                    try store.decisions(ofDebtor: "acme/D-1").map(\.taskID),
                    try store.decisions(ofDebtor: "D-gone").map(\.taskID)
                )
            }
            #expect(rows.0 == "PLN" && rows.1 == ["E-1"] && rows.2 == ["T-1"] && rows.3 == ["T-1"] && rows.4 == ["T-9"])
            #expect(try await store.inspect("SELECT debtor_id FROM audit") == [["D-1"]], "the chained trail as written")
            #expect(try await store.read { try $0.debtor("polbank/acme/D-1")?.ref } == "acme/D-1")
            // The hold's event is polbank's; E-9 left no record, and two creditors' events cannot be told apart.
            #expect(
                try await store.inspect("SELECT id FROM processed_message ORDER BY id") == [
                    ["event:E-9"], ["event:polbank/E-1"], ["placement:x"],
                ])
            // An export of the case finds the entry written about it before it was keyed.
            let entries = try await store.inspect { store in
                try store.auditRecords(
                    afterSequence: 0, throughSequence: 10, from: Instant(secondsSinceEpoch: 0),
                    to: Instant(secondsSinceEpoch: 10), debtorID: "acme/D-1", limit: 10)
            }
            #expect(entries.map(\.sequence) == [1])
            await #expect(throws: (any Error).self, "decisions are append-only again") {
                try await store.executeUnchecked("UPDATE decision SET worker = 'x'")
            }
            try store.close()
        }
    }

    @Test func aCreditorIdWithASlashStopsTheMigrationWithItsReason() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.path("slash.sqlite")
            let queue = try DatabaseQueue(path: path)
            try SQLiteStore.migrator.migrate(queue, upTo: "v2")
            try await queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO debtor VALUES ('D-1', 'a/b', 'us-regf', NULL, '{"name":"A","language":"en"}',
                            '[]', '[]', '[]', NULL, 0, 'default');
                        """)
            }
            try queue.close()
            #expect(
                throws: StoreError(
                    .failed, path: path,
                    reason: "creditor ids containing '/' cannot be keyed "
                        + "(schema v3); rename those creditors with the Tact that wrote this file first")
            ) {
                _ = try SQLiteStore(path: path)
            }
        }
    }

    @Test func severalOpenersOfANewFileMigrateItOnce() async throws {
        for round in 0..<20 {
            try await withTemporaryFolder { folder in
                let path = folder.path("shared-\(round).sqlite")
                // As when a scheduler starts while a tool or a test opens the same new file.
                let results = await withTaskGroup(of: Bool.self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            do {
                                let store = try SQLiteStore(path: path)
                                try store.close()
                                return true
                            } catch {
                                return false
                            }
                        }
                    }
                    return await group.reduce(into: []) { $0.append($1) }
                }
                #expect(results == Array(repeating: true, count: 8))
            }
        }
    }

    @Test func anEmptyFileIsMigratedFromScratch() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.path("empty.sqlite")
            #expect(FileManager.default.createFile(atPath: path, contents: Data()))
            let store = try SQLiteStore(path: path)
            try await Sample.place(["D-1"], in: store)
            #expect(try await store.read { try $0.debtor("D-1") } == Sample.debtor("D-1"))
            try store.close()
        }
    }

    @Test func aFileFromANewerVersionIsRefused() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.path("tact.sqlite")
            let newer = try SQLiteStore(path: path)
            try await Sample.place(["D-1"], in: newer)
            // What a later version leaves behind: a migration this one does not know.
            try await newer.executeUnchecked("INSERT INTO grdb_migrations (identifier) VALUES ('v2-from-the-future')")
            try newer.close()

            let error = await storeError { _ = try SQLiteStore(path: path) }
            #expect(error?.code == .newerSchema)
            #expect(error?.path == path)
            #expect(error?.description.contains("v2-from-the-future") == true)
            #expect(error?.description.contains("\n") == false)
        }
    }

    @Test func aFileThatIsNotADatabaseIsRefused() async throws {
        try await withTemporaryFolder { folder in
            let path = folder.path("notes.txt")
            let text = String(repeating: "Jane Example, +15550100, jane@example.com\n", count: 200)
            #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8)))
            let error = await storeError { _ = try SQLiteStore(path: path) }
            #expect(error?.code == .notADatabase)
            #expect(error?.description.hasPrefix("store \(path): not-a-database: ") == true)
            #expect(error?.description.contains("\n") == false)
            #expect(error?.description.contains("Jane") == false)
        }
    }

    @Test func aFolderThatCannotBeCreatedIsReported() async throws {
        try await withTemporaryFolder { folder in
            let blocker = folder.path("blocker")
            #expect(FileManager.default.createFile(atPath: blocker, contents: Data("a file".utf8)))
            let path = folder.path("blocker/tact/tact.sqlite")
            let error = await storeError { _ = try SQLiteStore(path: path) }
            #expect(error?.code == .cannotOpen)
            #expect(error?.path == path)
            #expect(error?.description.contains("\n") == false)

            let onAFolder = await storeError { _ = try SQLiteStore(path: folder.url.path) }
            #expect(onAFolder?.code == .cannotOpen)
        }
    }

    @Test func damagedRowsAreReportedWithoutTheirContents() async throws {
        try await withTemporaryFolder { folder in
            let store = try SQLiteStore(path: folder.path("tact.sqlite"))
            try await Sample.place(["D-1"], in: store)
            try await store.save([Sample.task("T-1", debtor: "D-1", due: t0)])
            try await store.executeUnchecked(
                "UPDATE debtor SET contact = '{\"name\": \"Jane Example\", \"phone\": \"+15550100\"' WHERE id = 'D-1'")
            try await store.executeUnchecked("UPDATE task SET channel = 'carrier-pigeon Jane Example'")

            for read in [
                { _ = try await store.read { try $0.debtor("D-1") } },
                { _ = try await store.read { try $0.task("T-1") } },
            ] as [() async throws -> Void] {
                let error = await storeError(read)
                #expect(error?.code == .corrupt)
                #expect(error?.description.contains("Jane") == false, "\(error.map(String.init(describing:)) ?? "")")
                #expect(error?.description.contains("+1555") == false)
            }
            try store.close()
        }
    }
}
