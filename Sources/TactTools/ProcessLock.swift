import Foundation
import Glibc

/// An exclusive lock on a file, held for the life of the process: one scheduler per store.
package struct ProcessLock {
    private let descriptor: Int32

    /// Takes the lock on `path`, or throws at once if another process holds it.
    package init(path: String) throws {
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw LockError("cannot open the lock file \(path)") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw LockError("another scheduler already uses this store (lock \(path))")
        }
    }

    package struct LockError: Error, CustomStringConvertible {
        package let description: String
        package init(_ description: String) { self.description = description }
    }
}
