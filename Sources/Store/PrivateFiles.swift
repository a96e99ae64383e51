import Foundation

/// Files that hold personal data (the store and its WAL, reject files, audit exports, the call cards `tact next`
/// keeps) are readable by their owner only: created 0600, in folders Tact creates 0700.
package enum PrivateFiles {
    /// Owner read and write.
    package static let fileMode: Int16 = 0o600
    /// Owner read, write and search.
    package static let folderMode: Int16 = 0o700

    /// Creates `folder` and any missing parents, owner-only. A folder that exists already keeps its mode: it may be
    /// the operator's (`.`, `/var/lib/tact`).
    package static func createFolder(_ folder: URL) throws {
        try FileManager.default.createDirectory(
            at: folder, withIntermediateDirectories: true,
            attributes: [.posixPermissions: NSNumber(value: folderMode)])
    }

    /// Writes `contents` to a new or truncated owner-only file (an existing file is made owner-only first).
    package static func write(_ contents: Data, to path: String) throws {
        try create(path)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.truncate(atOffset: 0)
        try handle.write(contentsOf: contents)
    }

    /// Creates an empty owner-only file unless one exists; restricts an existing one to its owner.
    package static func create(_ path: String) throws {
        if FileManager.default.fileExists(atPath: path) {
            try restrict(path)
        } else if !FileManager.default.createFile(
            atPath: path, contents: nil, attributes: [.posixPermissions: NSNumber(value: fileMode)])
        {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
    }

    /// Takes group and other permissions away from an existing file (a store written by an earlier version).
    package static func restrict(_ path: String) throws {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        guard let mode = (attributes[.posixPermissions] as? NSNumber)?.int16Value, mode & 0o077 != 0 else { return }
        try FileManager.default.setAttributes(
            [.posixPermissions: NSNumber(value: mode & 0o700)], ofItemAtPath: path)
    }
}
