import Glibc
import Synchronization

/// The queue of commands for one loop thread, and the pipe that wakes the thread while it waits in `poll`.
///
/// Producers only write to the pipe when the loop has announced it is about to sleep, so a busy loop is not
/// woken once per command.
final class RMQInbox: Sendable {
    private struct State {
        var commands: [RMQCommand] = []
        var sleeping = false
        var closedWith: AMQPError?
    }

    private let state = Mutex(State())
    /// Readable while a wake-up is pending.
    let wakeFD: Int32
    private let wakeWriteFD: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        precondition(pipe(&fds) == 0, "pipe failed: the process is out of file descriptors")
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        wakeFD = fds[0]
        wakeWriteFD = fds[1]
    }

    deinit {
        Glibc.close(wakeFD)
        Glibc.close(wakeWriteFD)
    }

    /// Queues a command; returns the error the inbox was closed with if the loop has stopped.
    ///
    /// With `wake: false` a sleeping loop is left asleep: it picks the command up on its next turn, or when
    /// someone calls ``wake()``. Acknowledgements use this so that a consumer wakes the loop once per batch.
    func submit(_ command: RMQCommand, wake: Bool = true) -> AMQPError? {
        let (mustWake, closed): (Bool, AMQPError?) = state.withLock { state in
            if let error = state.closedWith { return (false, error) }
            state.commands.append(command)
            guard wake, state.sleeping else { return (false, nil) }
            state.sleeping = false
            return (true, nil)
        }
        if mustWake { signal() }
        return closed
    }

    /// Wakes the loop if it sleeps while commands wait.
    func wake() {
        let mustWake = state.withLock { state in
            guard state.sleeping, !state.commands.isEmpty else { return false }
            state.sleeping = false
            return true
        }
        if mustWake { signal() }
    }

    private func signal() {
        var byte: UInt8 = 1
        _ = write(wakeWriteFD, &byte, 1)
    }

    /// Takes every queued command.
    func drain() -> [RMQCommand] {
        state.withLock { state in
            state.sleeping = false
            defer { state.commands.removeAll(keepingCapacity: true) }
            return state.commands
        }
    }

    /// Announces that the loop will sleep; returns `false` (and does not sleep) when commands are waiting.
    func prepareToSleep() -> Bool {
        state.withLock { state in
            guard state.commands.isEmpty else { return false }
            state.sleeping = true
            return true
        }
    }

    /// Consumes pending wake-ups after `poll` reported the pipe readable.
    func clearWake() {
        var bytes = (UInt64(0), UInt64(0))
        while withUnsafeMutableBytes(of: &bytes, { read(wakeFD, $0.baseAddress, $0.count) }) > 0 {}
    }

    /// Refuses further commands and returns the ones still queued, so the loop can fail them.
    func close(with error: AMQPError) -> [RMQCommand] {
        state.withLock { state in
            state.closedWith = error
            defer { state.commands.removeAll() }
            return state.commands
        }
    }
}
