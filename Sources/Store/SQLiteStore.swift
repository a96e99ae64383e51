import Foundation
import GRDB
import Synchronization

/// The embedded ``TactStore``: one SQLite file in WAL mode (through GRDB), created with its folders on first start
/// and migrated to the current schema on every start.
///
/// Reads run concurrently on reader connections against a snapshot while the single writer commits. Every call
/// runs on GRDB's own threads, never on Swift's cooperative pool. Errors are ``StoreError``s.
public final class SQLiteStore: TactStore {
    /// How hard a commit tries to reach the disk before it returns.
    public enum Durability: Sendable {
        /// `synchronous = FULL`: a commit that returned survives a power cut. The scheduler acknowledges its input
        /// only after the commit, so this is what keeps "acknowledged" meaning "never lost".
        case full
        /// `synchronous = NORMAL`: survives a crash of the process, but a power cut may lose the last commits.
        case normal
    }

    /// How the file is opened.
    public struct Options: Sendable {
        public var durability: Durability
        /// How long a write waits for another process that holds the file locked before it fails with `busy`.
        public var busyTimeout: Duration
        /// The writer's page cache. With a million tasks, the pages of the tasks being handed out and of their
        /// debtors stay cached between ticks at 64 MiB; reader connections get 8 MiB each at most.
        public var cacheMebibytes: Int

        public init(durability: Durability = .full, busyTimeout: Duration = .seconds(5), cacheMebibytes: Int = 64) {
            self.durability = durability
            self.busyTimeout = busyTimeout
            self.cacheMebibytes = cacheMebibytes
        }
    }

    /// The file, or `:memory:`.
    public let path: String
    let writer: any DatabaseWriter
    private let closed = Mutex(false)

    /// Opens the store at `path`, creating the file and its folders if needed, and migrates it to the current
    /// schema.
    ///
    /// - Throws: ``StoreError`` `cannotOpen` when the folder or file cannot be created or opened, `notADatabase`
    ///   for a file that is not SQLite, `newerSchema` for a file written by a newer version of Tact.
    public init(path: String, options: Options = Options()) throws {
        self.path = path
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try PrivateFiles.createFolder(folder)
        } catch {
            throw StoreError(.cannotOpen, path: path, reason: "cannot create the folder \(folder.path)")
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw StoreError(.cannotOpen, path: path, reason: "is a folder, not a file")
        }
        // Names, phones and addresses: owner-only. SQLite gives the WAL and shared-memory files the mode of the
        // database file; those an earlier version left readable are restricted too.
        // A file someone else owns (a shared operators' group, say) keeps its mode: restricting it is best effort.
        if FileManager.default.fileExists(atPath: path) {
            try? PrivateFiles.restrict(path)
        } else {
            do {
                try PrivateFiles.create(path)
            } catch {
                throw StoreError(.cannotOpen, path: path, reason: "cannot create the file")
            }
        }
        for companion in [path + "-wal", path + "-shm"] where FileManager.default.fileExists(atPath: companion) {
            try? PrivateFiles.restrict(companion)
        }
        // Two processes may open a new file at once (a scheduler starting while a tool looks). Turning WAL on and
        // choosing which migrations to run are not guarded by SQLite's busy timeout, so a lock file next to the
        // store makes opening one step.
        let pool = try SchemaLock.holding(path + "-schema.lock", for: path) {
            let pool = try translatingErrors(path: path) {
                let pool = try DatabasePool(path: path, configuration: Self.configuration(options))
                // GRDB sets NORMAL when it turns WAL on; the writer is the only connection whose setting matters.
                let synchronous = options.durability == .full ? "FULL" : "NORMAL"
                try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = \(synchronous)") }
                return pool
            }
            try translatingErrors(path: path) { try Self.migrate(pool, path: path) }
            return pool
        }
        writer = pool
    }

    private init(inMemory: Void) throws {
        let path = ":memory:"
        self.path = path
        let queue = try translatingErrors(path: path) {
            try DatabaseQueue(configuration: Self.configuration(Options(busyTimeout: .zero)))
        }
        try translatingErrors(path: path) { try Self.migrate(queue, path: path) }
        writer = queue
    }

    /// A store that lives in memory and disappears with the object: for tests and simulations.
    public static func inMemory() throws -> SQLiteStore { try SQLiteStore(inMemory: ()) }

    private static func configuration(_ options: Options) -> Configuration {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        let timeout = options.busyTimeout.components
        let seconds = Double(timeout.seconds) + Double(timeout.attoseconds) * 1e-18
        configuration.busyMode = seconds > 0 ? .timeout(seconds) : .immediateError
        // Each reader keeps a page cache of its own: a bounded pool keeps the process's memory bounded.
        configuration.maximumReaderCount = 4
        configuration.label = "Tact.SQLiteStore"
        let writerCache = max(options.cacheMebibytes, 1)
        let readerCache = min(writerCache, 8)
        configuration.prepareDatabase { db in
            let mebibytes = db.configuration.readonly ? readerCache : writerCache
            try db.execute(sql: "PRAGMA cache_size = -\(mebibytes * 1024)")
        }
        return configuration
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try checkOpen()
        let path = path
        do {
            return try await writer.write { db in
                let transaction = SQLiteTransaction(db: db, path: path)
                let result = try body(transaction)
                try transaction.flushAudit()
                return result
            }
        } catch {
            throw translated(error)
        }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreReading) throws -> T) async throws -> T {
        try checkOpen()
        let path = path
        do {
            return try await writer.read { db in try body(SQLiteSnapshot(db: db, path: path)) }
        } catch {
            throw translated(error)
        }
    }

    /// Closes the file (folding the write-ahead log into it). Later calls throw ``StoreError`` `closed`.
    public func close() throws {
        let wasClosed = closed.withLock { wasClosed in
            defer { wasClosed = true }
            return wasClosed
        }
        guard !wasClosed else { return }
        try translatingErrors(path: path) { try writer.close() }
    }

    private func checkOpen() throws {
        if closed.withLock({ $0 }) { throw StoreError(.closed, path: path, reason: "the store was closed") }
    }

    /// A call that raced `close()` fails inside GRDB; it is reported as what it is.
    private func translated(_ error: any Error) -> any Error {
        let translated = StoreError.translating(error, path: path)
        if translated is StoreError, closed.withLock({ $0 }) {
            return StoreError(.closed, path: path, reason: "the store was closed")
        }
        return translated
    }
}
