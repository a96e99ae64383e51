/// Why the store could not do what was asked.
///
/// Errors name the store's file and the kind of failure, never the contents of a record: records hold names,
/// phone numbers and e-mail addresses, and errors end up in logs.
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The file or its folder could not be created or opened (permissions, a file where a folder should be…).
        case cannotOpen = "cannot-open"
        /// The file exists but is not an SQLite database.
        case notADatabase = "not-a-database"
        /// The file was written by a newer version of Tact, whose schema this version does not know.
        case newerSchema = "newer-schema"
        /// The database is damaged, or holds a value this version cannot read.
        case corrupt
        /// A write broke a rule of the schema: a missing debtor or debt, an append-only table changed, …
        case constraint
        /// Another process held the database locked for longer than the busy timeout.
        case busy
        /// Reading or writing the file failed (disk full, I/O error, read-only file system).
        case io
        /// The store was closed.
        case closed
        /// Any other failure of the database engine.
        case failed
    }

    public var code: Code
    /// The store's file, or `:memory:`.
    public var path: String
    /// One line for operators: what failed, in the engine's or the store's words, without record contents.
    public var reason: String

    public init(_ code: Code, path: String, reason: String) {
        self.code = code
        self.path = path
        // One line, so that a log line stays one line whatever the engine said.
        self.reason = reason.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    public var description: String { "store \(path): \(code.rawValue): \(reason)" }
}
