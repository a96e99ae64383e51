import AMQP
import Contract
import Messaging
import Foundation
import Logging
import Policy
import Store
import Testing

/// Real `tact scheduler` and `tact worker` processes against the test broker (`TACT_AMQP_URL`), each serving its
/// metrics on a port of its own; an exchange prefix, store and configuration folder of this run's own, so runs
/// never meet. Tools (`tact status`) run the same way.
final class TactRun: @unchecked Sendable {
    let prefix = "obs\(UUID().uuidString.prefix(8).lowercased())"
    let directory: URL
    let connection: AMQPConnection
    private var services: [Process] = []
    private var runs = 0

    var topology: TactTopology { TactTopology(prefix: prefix) }
    var storePath: String { directory.appendingPathComponent("tact.sqlite").path }

    static let brokerURL = ProcessInfo.processInfo.environment["TACT_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672/"
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    init() async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tact-\(prefix)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for folder in ["rulebooks", "strategies"] {
            try FileManager.default.createSymbolicLink(
                at: directory.appendingPathComponent(folder),
                withDestinationURL: Self.repository.appendingPathComponent("Config/\(folder)"))
        }
        // Metrics off in the file: each service gets its port with --metrics-port.
        try """
        broker: {exchangePrefix: \(prefix)}
        store: {path: \(directory.appendingPathComponent("tact.sqlite").path)}
        scheduler: {leaseSeconds: 5}
        worker: {concurrency: 2, prefetch: 20}
        metrics: {schedulerPort: 0, workerPort: 0}
        """.write(to: directory.appendingPathComponent("tact.yaml"), atomically: true, encoding: .utf8)
        var amqp = try AMQPConfiguration(url: Self.brokerURL)
        amqp.connectionName = "test-\(prefix)"
        connection = try await AMQPConnection.connect(amqp, logger: Logger(label: "test"))
        try await connection.declare(topology.shared)
    }

    /// Runs `body` with a fresh run, torn down afterwards whatever happened.
    static func with(_ body: (TactRun) async throws -> Void) async throws {
        let run = try await TactRun()
        do {
            try await body(run)
        } catch {
            await run.tearDown()
            throw error
        }
        await run.tearDown()
    }

    // MARK: Processes

    /// Starts `tact ROLE --metrics-port PORT` and returns the port.
    @discardableResult
    func start(_ role: String) throws -> UInt16 {
        let port = try HTTPTestClient.freePort()
        services.append(try launch([role, "--metrics-port", String(port)], environment: ["TACT_EXIT_WITH_PARENT": "1"]))
        return port
    }

    /// Runs a tool to its end; `environment` adds or overrides variables.
    func tact(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let process = try launch(arguments, environment: environment)
        process.waitUntilExit()
        let output = try String(contentsOf: log(runs), encoding: .utf8)
        return (process.terminationStatus, output)
    }

    /// Runs a tool for `duration`, then interrupts it as Ctrl-C would (for `--watch`).
    func tact(_ arguments: [String], interruptAfter duration: Duration) async throws -> String {
        let process = try launch(arguments, environment: [:])
        try await Task.sleep(for: duration)
        process.interrupt()
        process.waitUntilExit()
        return try String(contentsOf: log(runs), encoding: .utf8)
    }

    private func launch(_ arguments: [String], environment extra: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = try Self.binary()
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["TACT_CONFIG_DIR"] = directory.path
        environment["TACT_AMQP_URL"] = Self.brokerURL
        environment.removeValue(forKey: "TACT_STORE")
        environment.merge(extra) { $1 }
        process.environment = environment
        runs += 1
        // A file, not a pipe: a process that writes a lot cannot block on a full pipe.
        _ = FileManager.default.createFile(atPath: log(runs).path, contents: nil)
        let handle = try FileHandle(forWritingTo: log(runs))
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return process
    }

    private func log(_ run: Int) -> URL { directory.appendingPathComponent("run-\(run).log") }

    static func binary() throws -> URL {
        let candidates = [
            Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("tact"),
            repository.appendingPathComponent(".build/debug/tact"),
        ].compactMap { $0 }
        return try #require(
            candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }, "build tact first")
    }

    // MARK: Scraping and state

    /// `GET path` on a service's port, retried while the service is starting.
    func scrape(_ path: String, port: UInt16, timeout: Duration = .seconds(20)) async throws -> HTTPTestClient.Response {
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                return try HTTPTestClient.request(path, port: port)
            } catch where ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// Waits until `/health` says ready (the broker connected, and for the scheduler the store written).
    func waitUntilReady(port: UInt16) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while try await scrape("/health", port: port).status != 200 {
            guard ContinuousClock.now < deadline else { throw HTTPTestClient.Failure(description: "never ready") }
            try await Task.sleep(for: .milliseconds(300))
        }
    }

    func place(_ placements: [Placement]) async throws {
        let results = await connection.publish(
            placements.map {
                AMQPMessage(
                    exchange: topology.intakeExchange, routingKey: "placement", body: MessageCoding.encode($0),
                    properties: AMQPProperties(deliveryMode: .persistent, messageID: $0.placementId), mandatory: true)
            })
        for result in results { try result.get() }
    }

    func inspect<T: Sendable>(_ body: @escaping @Sendable (any StoreInspecting) throws -> T) async throws -> T {
        let store = try SQLiteReadOnlyStore(path: storePath)
        defer { try? store.close() }
        return try await store.inspect(body)
    }

    /// Waits until nothing is in flight, due or unpublished, three readings in a row.
    func waitUntilSettled(timeout: Duration = .seconds(90)) async throws {
        let deadline = ContinuousClock.now + timeout
        var previous: StoreStatistics?
        var quiet = 0
        while quiet < 3 {
            guard ContinuousClock.now < deadline else {
                throw HTTPTestClient.Failure(description: "not settled: \(String(describing: previous))")
            }
            try await Task.sleep(for: .milliseconds(300))
            guard let stats = try? await inspect({ try $0.statistics(at: Instant(Date())) }) else { continue }
            let settled = stats.tasksByStatus[.inFlight] == 0 && stats.dueNotPublished == 0 && stats.outboxDepth == 0
            quiet = settled && stats.debtors > 0 && stats == previous ? quiet + 1 : 0
            previous = stats
        }
    }

    /// Stops the services gracefully, deletes this run's queues, exchanges and files.
    func tearDown() async {
        for process in services where process.isRunning { process.terminate() }
        for process in services { process.waitUntilExit() }
        var queues = topology.shared.queues.map(\.name)
        queues.append(topology.callQueue(specialist: "anna"))
        for queue in queues { _ = try? await connection.deleteQueue(queue) }
        for exchange in topology.shared.exchanges { try? await connection.deleteExchange(exchange.name) }
        await connection.close()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Placements whose debtors are inside their contact window now, or outside it, whatever the time of day.
enum Debtors {
    /// A fixed-offset zone where it is about `hour`:00 now (Etc zones have the sign reversed).
    static func zone(localHour hour: Int) -> String {
        let utcHour = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date()).hour!
        var offset = hour - utcHour
        if offset > 14 { offset -= 24 }
        if offset < -12 { offset += 24 }
        return offset == 0 ? "Etc/GMT" : offset > 0 ? "Etc/GMT-\(offset)" : "Etc/GMT+\(-offset)"
    }

    static func placement(_ number: Int, localHour: Int, specialist: String? = nil) -> Placement {
        Placement(
            placementId: "P-\(number)", creditorId: "acme", rulebook: nil, specialistId: specialist,
            debtor: .init(
                id: "D-\(number)", name: "Name \(number)", timeZones: [zone(localHour: localHour)], phone: "+15550100",
                sms: number.isMultiple(of: 2) ? "+15550101" : nil, email: "d\(number)@example.com", language: "en"),
            debt: .init(id: "C-\(number)", amount: "50.00", currency: "USD", dueDate: "2026-11-01"))
    }
}
