import AMQP
import Contract
import Foundation
import Logging
import Messaging
import Policy
import Store
import Testing

/// A real Tact installation for one test: the built `tact` binary run as scheduler and worker processes against
/// the test broker, with its own store and its own exchange prefix, so tests run side by side without meeting.
final class Pipeline: @unchecked Sendable {
    let prefix: String
    let topology: TactTopology
    let directory: URL
    var storePath: String { directory.appendingPathComponent("tact.sqlite").path }
    private(set) var scheduler: Process?
    private(set) var workers: [Process] = []
    private var logIndex = 0
    let connection: AMQPConnection

    /// - Parameter lease: seconds before a task without a decision is handed out again.
    init(lease: Int = 5, maxAttempts: Int = 20) async throws {
        prefix = "t\(UUID().uuidString.prefix(8).lowercased())"
        topology = TactTopology(prefix: prefix)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tact-\(prefix)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for folder in ["rulebooks", "strategies"] {
            try FileManager.default.createSymbolicLink(
                at: directory.appendingPathComponent(folder),
                withDestinationURL: Self.repositoryRoot.appendingPathComponent("Config/\(folder)"))
        }
        try """
        broker:
          exchangePrefix: \(prefix)
        store:
          path: \(directory.appendingPathComponent("tact.sqlite").path)
        scheduler:
          leaseSeconds: \(lease)
          maxAttempts: \(maxAttempts)
          dispatchBatch: 500
        worker:
          concurrency: 2
          prefetch: 50
        rulebooks:
          default: us-regf
          creditors:
            polbank: pl-respectful
        """.write(to: directory.appendingPathComponent("tact.yaml"), atomically: true, encoding: .utf8)
        var amqp = try AMQPConfiguration(url: Self.brokerURL)
        amqp.connectionName = "test-\(prefix)"
        connection = try await AMQPConnection.connect(amqp, logger: Logger(label: "test"))
        try await connection.declare(topology.shared)
    }

    static let brokerURL = ProcessInfo.processInfo.environment["TACT_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672/"
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func binary() throws -> URL {
        let candidates = [
            Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("tact"),
            repositoryRoot.appendingPathComponent(".build/debug/tact"),
        ].compactMap { $0 }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw PipelineError("tact binary not found; run swift build first")
        }
        return found
    }

    // MARK: Processes

    private func launch(_ role: String) throws -> Process {
        let process = Process()
        process.executableURL = try Self.binary()
        process.arguments = [role]
        var environment = ProcessInfo.processInfo.environment
        environment["TACT_CONFIG_DIR"] = directory.path
        environment["TACT_AMQP_URL"] = Self.brokerURL
        environment.removeValue(forKey: "TACT_STORE")
        environment["TACT_EXIT_WITH_PARENT"] = "1"
        process.environment = environment
        logIndex += 1
        let log = directory.appendingPathComponent("\(role)-\(logIndex).log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
            throw PipelineError("cannot create \(log.path)")
        }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    func startScheduler() throws { scheduler = try launch("scheduler") }

    /// Runs a `tact` tool to completion with this installation's configuration; returns its exit status and output.
    /// The wait runs on a thread of its own, so that a slow tool does not hold one of the few threads every test
    /// in the run shares.
    func tool(_ arguments: [String], home: URL? = nil) async throws -> (status: Int32, output: String, errors: String) {
        try await Self.offThePool { try self.runTool(arguments, home: home) }
    }

    /// Runs a blocking body on a thread of its own.
    static func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    private func runTool(_ arguments: [String], home: URL?) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = try Self.binary()
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["TACT_CONFIG_DIR"] = directory.path
        environment["TACT_AMQP_URL"] = Self.brokerURL
        environment["TACT_HOME"] = (home ?? directory).path
        process.environment = environment
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    func startWorkers(_ count: Int) throws {
        for _ in 0..<count { workers.append(try launch("worker")) }
    }

    /// `kill -9`: no chance to finish anything.
    func killScheduler() {
        guard let scheduler else { return }
        kill(scheduler.processIdentifier, SIGKILL)
        scheduler.waitUntilExit()
        self.scheduler = nil
    }

    func killWorker(_ index: Int) {
        kill(workers[index].processIdentifier, SIGKILL)
        workers[index].waitUntilExit()
    }

    /// SIGTERM to everything still running, and wait (off the shared threads) for a graceful exit; returns the exit
    /// statuses.
    @discardableResult
    func stop() async -> [Int32] {
        (try? await Self.offThePool { self.stopNow() }) ?? []
    }

    @discardableResult
    private func stopNow() -> [Int32] {
        let running = ([scheduler] + workers).compactMap { $0 }.filter(\.isRunning)
        for process in running { process.terminate() }
        return running.map { process in
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    /// Everything the processes wrote to their logs.
    func logs() throws -> String {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".log") }.sorted()
            .map { try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8) }.joined()
    }

    // MARK: Messages

    func publish(
        _ body: [UInt8], exchange: String? = nil, routingKey: String, messageID: String? = nil, userID: String? = nil
    ) async throws {
        try await connection.publish(
            AMQPMessage(
                exchange: exchange ?? topology.intakeExchange, routingKey: routingKey, body: body,
                properties: AMQPProperties(
                    contentType: "application/json", deliveryMode: .persistent, messageID: messageID, userID: userID),
                mandatory: true))
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

    func send(_ event: LifeEvent) async throws {
        try await publish(MessageCoding.encode(event), routingKey: "event", messageID: event.eventId)
    }

    func send(_ outcome: Outcome) async throws {
        try await publish(
            MessageCoding.encode(outcome), exchange: topology.outcomesExchange, routingKey: "outcome",
            messageID: outcome.outcomeId)
    }

    /// Takes every message from `queue` until none arrives for `quiet`, acknowledging them.
    func drain(_ queue: String, quiet: Duration = .seconds(2), timeout: Duration = .seconds(60)) async throws
        -> [AMQPDelivery]
    {
        try await connection.declare(AMQPTopology(queues: queueDeclaration(queue)))
        let consumer = try await connection.consume(queue: queue, prefetch: 500)
        var taken: [AMQPDelivery] = []
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let batch = try await consumer.next(upTo: 500, timeout: quiet)
            if batch.isEmpty { break }
            for delivery in batch { try delivery.ack() }
            taken += batch
        }
        try await consumer.cancel()
        return taken
    }

    /// The declaration the services use for `queue`, so that a test declaring it first does not conflict.
    private func queueDeclaration(_ queue: String) -> [AMQPTopology.Queue] {
        if let known = topology.shared.queues.first(where: { $0.name == queue }) { return [known] }
        if let specialist = topology.specialist(ofCallQueue: queue) {
            return [topology.callQueueDeclaration(specialist: specialist)]
        }
        return [.init(queue)]
    }

    // MARK: State

    func statistics(at now: Instant = Instant(Date())) async throws -> StoreStatistics {
        let store = try SQLiteStore(path: storePath)
        return try await store.read { try $0.statistics(at: now) }
    }

    /// Waits until every task is decided: none in flight, none due, nothing left to publish.
    func waitUntilSettled(timeout: Duration = .seconds(120)) async throws -> StoreStatistics {
        let deadline = ContinuousClock.now + timeout
        var last: StoreStatistics?
        var quietRounds = 0
        while ContinuousClock.now < deadline {
            if FileManager.default.fileExists(atPath: storePath) {
                let stats = try await statistics()
                let settled = (stats.tasksByStatus[.inFlight] ?? 0) == 0 && stats.dueNotPublished == 0 && stats.outboxDepth == 0
                quietRounds = settled && stats == last ? quietRounds + 1 : 0
                if quietRounds >= 3 { return stats }
                last = stats
            }
            try await Task.sleep(for: .milliseconds(300))
        }
        throw PipelineError("not settled within \(timeout): \(String(describing: last))")
    }

    /// Deletes this test's queues and exchanges and its files.
    func tearDown() async {
        await stop()
        let shared = topology.shared
        for queue in shared.queues { _ = try? await connection.deleteQueue(queue.name) }
        for exchange in shared.exchanges { try? await connection.deleteExchange(exchange.name) }
        await connection.close()
        try? FileManager.default.removeItem(at: directory)
    }
}

struct PipelineError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Test data: debtors whose zones put them inside or outside their contact window right now, whatever the time.
enum Sample {
    /// A fixed-offset zone where it is about `hour`:00 now (Etc zones have the sign reversed).
    static func zone(localHour hour: Int, at date: Date = Date()) -> String {
        let utcHour = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: date).hour!
        var offset = hour - utcHour
        if offset > 14 { offset -= 24 }
        if offset < -12 { offset += 24 }
        return offset == 0 ? "Etc/GMT" : offset > 0 ? "Etc/GMT-\(offset)" : "Etc/GMT+\(-offset)"
    }

    static func placement(
        _ id: String, debtor: String, debt: String, zone: String, email: String? = nil, sms: String? = nil,
        specialist: String? = nil, creditor: String = "acme", rulebook: String? = nil
    ) -> Placement {
        Placement(
            placementId: id, creditorId: creditor, rulebook: rulebook, specialistId: specialist,
            debtor: .init(
                id: debtor, name: "Personal Name \(debtor)", timeZones: [zone], phone: "+15550142",
                sms: sms, email: email, language: "en"),
            debt: .init(id: debt, amount: "99.00", currency: "USD", dueDate: "2026-11-01"))
    }
}
