import Foundation
import GRDB

/// A store file opened for reading only, for tools that run beside the scheduler (`tact explain`, `tact audit`).
///
/// Unlike ``SQLiteStore`` it never creates the file, its folder or its schema, so a tool started before the
/// scheduler cannot race the scheduler's first start; and it never migrates, so it cannot change a file that a
/// running scheduler owns.
public final class SQLiteReadOnlyStore: InspectableStore {
    /// The file.
    public let path: String
    private let reader: DatabasePool

    /// Opens an existing store.
    ///
    /// - Throws: ``StoreError`` `cannotOpen` when the file does not exist (the scheduler creates it on its first
    ///   start) or its schema is not complete yet, `notADatabase` for a file that is not SQLite, `newerSchema` for
    ///   a file written by a newer version of Tact.
    public init(path: String) throws {
        self.path = path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw StoreError(
                .cannotOpen, path: path,
                reason: "no store here yet: `tact scheduler` creates it on its first start "
                    + "(check store.path in tact.yaml and TACT_STORE)")
        }
        guard !isFolder.boolValue else { throw StoreError(.cannotOpen, path: path, reason: "is a folder, not a file") }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.maximumReaderCount = 2
        configuration.label = "Tact.SQLiteReadOnlyStore"
        // The scheduler commits often; a reader waits for a checkpoint rather than failing.
        configuration.busyMode = .timeout(5)
        reader = try translatingErrors(path: path) { try DatabasePool(path: path, configuration: configuration) }
        try translatingErrors(path: path) { try reader.read { db in try Self.checkSchema(db, path: path) } }
    }

    /// The file must hold exactly the migrations this version knows: fewer means the scheduler is creating or
    /// upgrading it (or an older version wrote it), more means a newer version did.
    private static func checkSchema(_ db: Database, path: String) throws {
        let migrator = SQLiteStore.migrator
        if try migrator.hasBeenSuperseded(db) {
            throw StoreError(
                .newerSchema, path: path, reason: "written by a newer version of Tact; upgrade Tact to read it")
        }
        guard try migrator.hasCompletedMigrations(db) else {
            throw StoreError(
                .cannotOpen, path: path,
                reason: "the schema is not complete: start (or wait for) `tact scheduler`, which creates and "
                    + "upgrades it")
        }
    }

    public func inspect<T: Sendable>(_ body: @escaping @Sendable (any StoreInspecting) throws -> T) async throws -> T {
        try await reader.inspect(path: path, body)
    }

    /// Releases the file.
    public func close() throws {
        try translatingErrors(path: path) { try reader.close() }
    }
}
