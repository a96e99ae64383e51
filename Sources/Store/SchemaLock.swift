import Glibc

/// An exclusive lock on a file next to the store, held while the schema is checked and migrated.
enum SchemaLock {
    static func holding<T>(_ lockPath: String, for path: String, _ body: () throws -> T) throws -> T {
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw StoreError(.cannotOpen, path: path, reason: "cannot create its schema lock file")
        }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw StoreError(.io, path: path, reason: "cannot lock its schema lock file") }
        }
        return try body()
    }
}
