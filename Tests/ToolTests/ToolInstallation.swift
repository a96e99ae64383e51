import AMQP
import Contract
import Messaging
import Foundation
import Logging
import Policy
import Store
import Testing

/// A Tact installation of one test: its own configuration folder (the repository's rulebooks and mappings), its
/// own exchange prefix and store, so tests run side by side without meeting. Tools and services are the built
/// `tact` binary, run as real processes against the test broker (`TACT_AMQP_URL`).
final class ToolInstallation: @unchecked Sendable {
    let prefix: String
    let topology: TactTopology
    let directory: URL
    let connection: AMQPConnection
    private var services: [Process] = []
    private var logIndex = 0

    var storePath: String { directory.appendingPathComponent("tact.sqlite").path }
    var configPath: String { directory.appendingPathComponent("config").path }

    init() async throws {
        prefix = "tool\(UUID().uuidString.prefix(8).lowercased())"
        topology = TactTopology(prefix: prefix)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tact-\(prefix)")
        let config = directory.appendingPathComponent("config")
        try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
        for folder in ["rulebooks", "mappings", "strategies"] {
            let source = Self.repositoryRoot.appendingPathComponent("Config/\(folder)")
            guard FileManager.default.fileExists(atPath: source.path) else { continue }
            try FileManager.default.createSymbolicLink(
                at: config.appendingPathComponent(folder), withDestinationURL: source)
        }
        try """
        broker:
          exchangePrefix: \(prefix)
        store:
          path: \(directory.appendingPathComponent("tact.sqlite").path)
        scheduler:
          leaseSeconds: 5
          maxAttempts: 20
        worker:
          concurrency: 2
          prefetch: 50
        rulebooks:
          default: us-regf
        """.write(to: config.appendingPathComponent("tact.yaml"), atomically: true, encoding: .utf8)
        var amqp = try AMQPConfiguration(url: Self.brokerURL)
        amqp.connectionName = "test-\(prefix)"
        connection = try await AMQPConnection.connect(amqp, logger: Logger(label: "test"))
        try await connection.declare(topology.shared)
    }

    /// Runs `body` with a fresh installation and tears it down afterwards, whatever `body` did.
    static func with(_ body: (ToolInstallation) async throws -> Void) async throws {
        let installation = try await ToolInstallation()
        do {
            try await body(installation)
        } catch {
            await installation.tearDown()
            throw error
        }
        await installation.tearDown()
    }

    static let brokerURL = ProcessInfo.processInfo.environment["TACT_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672/"
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The `tact` executable built next to the test bundle.
    static func binary() throws -> URL {
        let candidates = [
            Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("tact"),
            repositoryRoot.appendingPathComponent(".build/debug/tact"),
        ].compactMap { $0 }
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
        return try #require(found, "tact binary not found; run swift build first")
    }

    // MARK: Running tools

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
        var output: String { stdout + stderr }
    }

    /// Runs `tact ARGUMENTS` to its end in this installation's folder; `environment` adds or overrides variables.
    func tact(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Run {
        let process = Process()
        process.executableURL = try Self.binary()
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var environment = ProcessInfo.processInfo.environment
        environment["TACT_CONFIG_DIR"] = configPath
        environment["TACT_AMQP_URL"] = Self.brokerURL
        environment.removeValue(forKey: "TACT_STORE")
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        // Files, not pipes: a tool that writes a lot to both streams cannot block on a full pipe.
        logIndex += 1
        let out = directory.appendingPathComponent("run-\(logIndex).out")
        let err = directory.appendingPathComponent("run-\(logIndex).err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
            stderr: try String(contentsOf: err, encoding: .utf8))
    }

    /// Writes a file in this installation's folder and returns its path.
    @discardableResult
    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func file(_ name: String, _ text: String) throws -> String { try file(name, Array(text.utf8)) }

    // MARK: Services

    private func launch(_ role: String) throws {
        let process = Process()
        process.executableURL = try Self.binary()
        process.arguments = [role]
        var environment = ProcessInfo.processInfo.environment
        environment["TACT_CONFIG_DIR"] = configPath
        environment["TACT_AMQP_URL"] = Self.brokerURL
        environment.removeValue(forKey: "TACT_STORE")
        environment["TACT_EXIT_WITH_PARENT"] = "1"
        process.environment = environment
        logIndex += 1
        let log = directory.appendingPathComponent("\(role)-\(logIndex).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        services.append(process)
    }

    func startScheduler() throws { try launch("scheduler") }
    func startWorker() throws { try launch("worker") }

    // MARK: Broker and store

    /// Messages ready in `queue`, waiting up to `timeout` for the count to reach `expected` (quorum queues report
    /// their length with a short delay).
    func messages(in queue: String, expected: Int, timeout: Duration = .seconds(15)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        var count = 0
        while ContinuousClock.now < deadline {
            count = Int(try await connection.queueState(queue).messageCount)
            if count == expected { return count }
            try await Task.sleep(for: .milliseconds(200))
        }
        return count
    }

    /// Takes every message of `queue` (acknowledging them) until none arrives for a second.
    func drain(_ queue: String) async throws -> [AMQPDelivery] {
        let consumer = try await connection.consume(queue: queue, prefetch: 500)
        var taken: [AMQPDelivery] = []
        while true {
            let batch = try await consumer.next(upTo: 500, timeout: .seconds(1))
            if batch.isEmpty { break }
            for delivery in batch { try delivery.ack() }
            taken += batch
        }
        try await consumer.cancel()
        return taken
    }

    func publish(_ message: AMQPMessage) async throws { try await connection.publish(message) }

    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreInspecting) throws -> T) async throws -> T {
        let store = try SQLiteReadOnlyStore(path: storePath)
        defer { try? store.close() }
        return try await store.inspect(body)
    }

    /// Waits until the scheduler and workers have nothing left to do: nothing in flight, due or unpublished.
    func waitUntilSettled(timeout: Duration = .seconds(90)) async throws {
        let deadline = ContinuousClock.now + timeout
        var last: StoreStatistics?
        var quiet = 0
        while ContinuousClock.now < deadline {
            if let stats = try? await read({ try $0.statistics(at: Instant(Date())) }) {
                let settled =
                    (stats.tasksByStatus[.inFlight] ?? 0) == 0 && stats.dueNotPublished == 0 && stats.outboxDepth == 0
                    && stats.debtors > 0
                quiet = settled && stats == last ? quiet + 1 : 0
                if quiet >= 3 { return }
                last = stats
            }
            try await Task.sleep(for: .milliseconds(300))
        }
        Issue.record("not settled within \(timeout): \(String(describing: last))")
    }

    /// Stops the services, deletes this test's queues, exchanges and files.
    func tearDown() async {
        for process in services where process.isRunning { process.terminate() }
        for process in services { process.waitUntilExit() }
        for queue in topology.shared.queues { _ = try? await connection.deleteQueue(queue.name) }
        for exchange in topology.shared.exchanges { try? await connection.deleteExchange(exchange.name) }
        await connection.close()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Personal data the fixtures use: none of it may appear in any tool's output unless asked for.
enum PersonalData {
    static let name = "Jordan Q. Example"
    static let phone = "+13125550199"
    static let email = "jordan.example@example.com"
    static let address = "1 Example Way, Springfield"
    static var all: [String] { [name, phone, email, address] }

    /// Checks that `text` holds none of it.
    static func expectNone(in text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for value in all {
            #expect(!text.contains(value), "personal data in the output", sourceLocation: sourceLocation)
        }
    }
}

/// One line of error on stderr, named after the command, and never a crash report or stack trace.
func expectOneLineError(
    _ run: ToolInstallation.Run, command: String, status: Int32, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(run.status == status, "exit status", sourceLocation: sourceLocation)
    let lines = run.stderr.split(separator: "\n")
    #expect(lines.count == 1, "one line: \(run.stderr)", sourceLocation: sourceLocation)
    #expect(run.stderr.hasPrefix("tact \(command): error: "), "\(run.stderr)", sourceLocation: sourceLocation)
    #expect(!run.output.contains("Fatal error") && !run.output.contains("Stack dump"), sourceLocation: sourceLocation)
}
