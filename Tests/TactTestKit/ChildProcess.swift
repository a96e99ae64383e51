import Foundation
import Glibc
import Synchronization

/// A process a test started (the built `tact`, a browser, scripts/broker): the one way tests launch processes.
///
/// Its output goes to files, never pipes, so a child that writes a lot to both streams cannot block on a full pipe
/// while the test waits for it. Waiting never blocks a thread: the exit arrives through Foundation's termination
/// handler and resumes the waiting task, so a slow child does not hold one of the few threads every test shares.
public final class ChildProcess: @unchecked Sendable {
    /// Where the child's standard output and error go.
    public enum Output: Sendable {
        /// Each stream to a file of its own.
        case separate(stdout: URL, stderr: URL)
        /// Both streams into one file, interleaved as written (a service's log).
        case merged(URL)
    }

    /// What a process that ran to its end left.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// Whether it was stopped for running longer than it was allowed.
        public var timedOut: Bool
        /// Both streams (with merged output, everything is in `stdout`).
        public var output: String { stdout + stderr }
    }

    public let name: String
    public let output: Output
    private let process = Process()
    private let exit = ExitSignal()

    /// Starts `executable` with `arguments`. `environment` is the child's whole environment (by default this
    /// process's); `input` is what it reads on stdin (nothing by default).
    public init(
        _ executable: URL, _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
        directory: URL? = nil, input: Data? = nil, output: Output
    ) throws {
        name = executable.lastPathComponent + (arguments.first.map { " " + $0 } ?? "")
        self.output = output
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        if let directory { process.currentDirectoryURL = directory }
        var opened: [FileHandle] = []
        defer { for handle in opened { try? handle.close() } }
        switch output {
        case .separate(let stdout, let stderr):
            opened.append(try Self.create(stdout))
            opened.append(try Self.create(stderr))
            process.standardOutput = opened[0]
            process.standardError = opened[1]
        case .merged(let log):
            opened.append(try Self.create(log))
            process.standardOutput = opened[0]
            process.standardError = opened[0]
        }
        if let input {
            // A file, not a pipe: the child reads it at its pace and we never block writing.
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("tact-stdin-\(UUID().uuidString)")
            try input.write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let handle = try FileHandle(forReadingFrom: file)
            opened.append(handle)
            process.standardInput = handle
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        let exit = exit
        process.terminationHandler = { exit.fire($0.terminationStatus) }
        do {
            try process.run()
        } catch {
            throw TestKitError("cannot start \(name): \(error)")
        }
    }

    private static func create(_ file: URL) throws -> FileHandle {
        guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
            throw TestKitError("cannot create \(file.path)")
        }
        return try FileHandle(forWritingTo: file)
    }

    public var identifier: Int32 { process.processIdentifier }
    public var isRunning: Bool { exit.status == nil }

    /// Sends `signal` (SIGINT for Ctrl-C, SIGKILL for `kill -9`) if the child still runs.
    public func send(_ signal: Int32) {
        if isRunning { kill(process.processIdentifier, signal) }
    }

    /// The exit status, once the child has exited (for a signal, its number, as Foundation reports it).
    public func status() async -> Int32 { await exit.wait() }

    /// The exit status, or nil if the child still runs after `timeout`.
    public func status(within timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while isRunning, ContinuousClock.now < deadline {
            // Cancelled (a test's time limit): stop waiting at once rather than spin until the deadline.
            do { try await Task.sleep(for: .milliseconds(50)) } catch { break }
        }
        return isRunning ? nil : await status()
    }

    /// SIGTERM, then SIGKILL if the child has not exited within `grace`; returns its exit status.
    @discardableResult
    public func stop(grace: Duration = .seconds(20)) async -> Int32 {
        send(SIGTERM)
        if let status = await status(within: grace) { return status }
        send(SIGKILL)
        return await status()
    }

    /// `kill -9`: no chance to finish anything. Returns once the child is gone.
    public func kill9() async {
        send(SIGKILL)
        _ = await status()
    }

    /// What the child wrote so far.
    public func written() -> (stdout: String, stderr: String) {
        switch output {
        case .separate(let stdout, let stderr): (Self.read(stdout), Self.read(stderr))
        case .merged(let log): (Self.read(log), "")
        }
    }

    private static func read(_ file: URL) -> String {
        String(decoding: (try? Data(contentsOf: file)) ?? Data(), as: UTF8.self)
    }

    // MARK: Running to the end

    /// Runs `executable` to its end and returns what it wrote; after `timeout` it is stopped (SIGTERM, then
    /// SIGKILL) and the result says so. Output goes to a temporary folder, removed afterwards.
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment,
        directory: URL? = nil, input: Data? = nil, merged: Bool = false, timeout: Duration = .seconds(300)
    ) async throws -> Result {
        let folder = try TemporaryFolder.create("run")
        defer { try? FileManager.default.removeItem(at: folder) }
        let output: Output =
            merged
            ? .merged(folder.appendingPathComponent("output"))
            : .separate(
                stdout: folder.appendingPathComponent("stdout"), stderr: folder.appendingPathComponent("stderr"))
        let child = try ChildProcess(
            executable, arguments, environment: environment, directory: directory, input: input, output: output)
        var timedOut = false
        var status = await child.status(within: timeout)
        if status == nil {
            timedOut = true
            status = await child.stop()
        }
        let (stdout, stderr) = child.written()
        return Result(status: status ?? -1, stdout: stdout, stderr: stderr, timedOut: timedOut)
    }

    /// The first of `names` found on `PATH` (programs a test drives besides `tact`, such as a browser).
    public static func find(_ names: [String]) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in names {
            for folder in path.split(separator: ":") {
                let url = URL(fileURLWithPath: String(folder)).appendingPathComponent(name)
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
            }
        }
        return nil
    }
}

/// The exit of a child, reported once by Foundation's termination handler, awaited by any number of tasks.
private final class ExitSignal: Sendable {
    private struct State {
        var status: Int32?
        var waiters: [CheckedContinuation<Int32, Never>] = []
    }

    private let state = Mutex(State())

    var status: Int32? { state.withLock { $0.status } }

    func fire(_ status: Int32) {
        let waiters = state.withLock { state in
            state.status = status
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: status) }
    }

    func wait() async -> Int32 {
        await withCheckedContinuation { continuation in
            let status = state.withLock { state in
                if state.status == nil { state.waiters.append(continuation) }
                return state.status
            }
            if let status { continuation.resume(returning: status) }
        }
    }
}
