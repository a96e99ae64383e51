import AMQP
import Contract
import Domain
import Foundation
import Logging
import Messaging
import Policy
import Store
import Synchronization

/// A real Tact installation for one test: a folder of its own (configuration linking the repository's rulebooks,
/// strategies and mappings; the store; logs), its own exchange prefix, and the built `tact` binary run as
/// scheduler, worker and tool processes against the test broker (`TACT_AMQP_URL`). Tests run side by side without
/// meeting, and `tearDown` leaves nothing behind on the broker or on disk.
public final class TactInstallation: Sendable {
    /// What the installation's `tact.yaml` says beyond its broker prefix and store.
    public struct Settings: Sendable {
        /// Seconds before a task without a decision is handed out again.
        public var leaseSeconds = 5
        public var maxAttempts: Int? = 20
        public var dispatchBatch: Int?
        /// Seconds before a call taken with `tact next` returns without an outcome (default: its window's end).
        public var outcomeWaitSeconds: Int?
        /// `scheduler.callQueueDepth` and `scheduler.remindersPerSecond` (YAML flow mapping): backpressure.
        public var callQueueDepth: Int?
        public var remindersPerSecond: String?
        public var workerPrefetch = 50
        public var defaultRulebook: String? = "us-regf"
        public var creditorRulebooks: [String: String] = [:]
        /// Metrics off in the file, so that each service can be given its own port with --metrics-port.
        public var metricsOff = false
        /// Rulebooks of the test's own beside the repository's, by id: their YAML.
        public var extraRulebooks: [String: String] = [:]
        /// `specialists.roster`: who may keep cases and take calls.
        public var specialists = ["anna", "bob", "carol"]
        /// `specialists.poolFallback`; the file's default (on) when `nil`.
        public var poolFallback: Bool?
        /// A folder for the store other than the installation's: a small file system of its own, to fill.
        public var storeFolder: URL?
        /// The `identity` section: broker users by creditor, and operators; none when both are empty.
        public var identityCreditors: [String: [String]] = [:]
        public var identityOperators: [String] = []
        /// `delivery.email.tls`: none for the plain loopback sink.
        public var smtpTLS = "none"
        /// `delivery.email.caFile` and `username`: a relay with a certificate of its own and a login.
        public var smtpCAFile: String?
        public var smtpUsername: String?
        /// The broker of this installation's own connection (which declares the topology), and of the `tact`
        /// processes it runs; the test broker when `nil`. A cluster test gives them nodes in different orders.
        public var brokerURL: String?
        public var servicesBrokerURL: String?

        public init() {}
    }

    public let prefix: String
    public let topology: TactTopology
    /// The installation's folder: the store, the services' logs, the tools' working directory.
    public let directory: URL
    /// Its configuration folder (`TACT_CONFIG_DIR`), inside `directory`.
    public let configDirectory: URL
    public let connection: AMQPConnection
    private let state = Mutex(State())

    private struct State {
        var services: [(role: String, process: ChildProcess)] = []
        var logs = 0
        var queuesToDelete: [String] = []
        var auditTampered = false
    }

    public let storePath: String
    /// `TACT_AMQP_URL` of the processes it runs.
    private let servicesBrokerURL: String
    public var configPath: String { configDirectory.path }

    /// - Parameter label: the start of the exchange prefix, naming the suite in the broker's listings.
    public init(label: String, settings: Settings = Settings()) async throws {
        let prefix = "\(label)\(UUID().uuidString.prefix(8).lowercased())"
        let topology = TactTopology(prefix: prefix)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tact-\(prefix)")
        let configDirectory = directory.appendingPathComponent("config")
        self.prefix = prefix
        self.topology = topology
        self.directory = directory
        self.configDirectory = configDirectory
        let storePath = (settings.storeFolder ?? directory).appendingPathComponent("tact.sqlite").path
        self.storePath = storePath
        servicesBrokerURL = settings.servicesBrokerURL ?? settings.brokerURL ?? TestEnvironment.brokerURL
        do {
            try FileManager.default.createDirectory(at: configDirectory, withIntermediateDirectories: true)
            for folder in ["rulebooks", "mappings", "strategies", "templates"] {
                let source = Repository.config.appendingPathComponent(folder)
                guard FileManager.default.fileExists(atPath: source.path) else { continue }
                try FileManager.default.createSymbolicLink(
                    at: configDirectory.appendingPathComponent(folder), withDestinationURL: source)
            }
            if !settings.extraRulebooks.isEmpty {
                // A folder of its own: the repository's rulebooks linked one by one, and the test's beside them.
                let folder = configDirectory.appendingPathComponent("rulebooks")
                try FileManager.default.removeItem(at: folder)
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let source = Repository.config.appendingPathComponent("rulebooks")
                for file in try FileManager.default.contentsOfDirectory(atPath: source.path) {
                    try FileManager.default.createSymbolicLink(
                        at: folder.appendingPathComponent(file), withDestinationURL: source.appendingPathComponent(file)
                    )
                }
                for (id, yaml) in settings.extraRulebooks {
                    try yaml.write(to: folder.appendingPathComponent("\(id).yaml"), atomically: true, encoding: .utf8)
                }
            }
            try Self.configuration(prefix: prefix, store: storePath, settings).write(
                to: configDirectory.appendingPathComponent("tact.yaml"), atomically: true, encoding: .utf8)
            var amqp = try AMQPConfiguration(url: settings.brokerURL ?? TestEnvironment.brokerURL)
            amqp.connectionName = "test-\(prefix)"
            let connection = try await AMQPConnection.connect(amqp, logger: Logger(label: "test"))
            do {
                try await connection.declare(topology.shared)
            } catch {
                await connection.close()
                throw error
            }
            self.connection = connection
        } catch {
            // Nothing of a half-made installation is left behind.
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    private static func configuration(prefix: String, store: String, _ settings: Settings) -> String {
        var lines = [
            "broker:", "  exchangePrefix: \(prefix)", "store:", "  path: \(store)", "scheduler:",
            "  leaseSeconds: \(settings.leaseSeconds)",
        ]
        if let maxAttempts = settings.maxAttempts { lines.append("  maxAttempts: \(maxAttempts)") }
        if let dispatchBatch = settings.dispatchBatch { lines.append("  dispatchBatch: \(dispatchBatch)") }
        if let wait = settings.outcomeWaitSeconds { lines.append("  outcomeWaitSeconds: \(wait)") }
        if let depth = settings.callQueueDepth { lines.append("  callQueueDepth: \(depth)") }
        if let rates = settings.remindersPerSecond { lines.append("  remindersPerSecond: \(rates)") }
        lines += ["worker:", "  concurrency: 2", "  prefetch: \(settings.workerPrefetch)"]
        if let rulebook = settings.defaultRulebook {
            lines += ["rulebooks:", "  default: \(rulebook)"]
            if !settings.creditorRulebooks.isEmpty {
                lines.append("  creditors:")
                for (creditor, book) in settings.creditorRulebooks.sorted(by: { $0.key < $1.key }) {
                    lines.append("    \(creditor): \(book)")
                }
            }
        }
        if settings.metricsOff { lines += ["metrics:", "  schedulerPort: 0", "  workerPort: 0"] }
        lines += ["specialists:", "  roster: [\(settings.specialists.joined(separator: ", "))]"]
        if let fallback = settings.poolFallback { lines.append("  poolFallback: \(fallback)") }
        // Who writes, for the senders; their relays come from the environment (``start(_:_:environment:)``).
        lines += [
            "firm:", "  name: Tact Test Collections", "  phone: \"+1 555 0199\"", "  email: help@test.example",
            "  website: https://test.example", "  address: \"1 Test Street, Springfield\"",
            "  optOutURL: https://test.example/stop", "  surveyURL: https://test.example/survey",
            "creditors:", "  names:", "    acme: ACME Bank",
            "delivery:", "  concurrency: 2",
            "  email:", "    from: notices@test.example", "    tls: \(settings.smtpTLS)",
        ]
        if let file = settings.smtpCAFile { lines.append("    caFile: \(file)") }
        if let user = settings.smtpUsername { lines.append("    username: \(user)") }
        if !settings.identityCreditors.isEmpty || !settings.identityOperators.isEmpty {
            lines.append("identity:")
            if !settings.identityCreditors.isEmpty {
                lines.append("  creditors:")
                for (creditor, users) in settings.identityCreditors.sorted(by: { $0.key < $1.key }) {
                    lines.append("    \(creditor): [\(users.joined(separator: ", "))]")
                }
            }
            if !settings.identityOperators.isEmpty {
                lines.append("  operators: [\(settings.identityOperators.joined(separator: ", "))]")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Runs `body` with a fresh installation and tears it down afterwards, whatever `body` did.
    public static func with(
        label: String, settings: Settings = Settings(), _ body: (TactInstallation) async throws -> Void
    ) async throws {
        try await TactInstallation(label: label, settings: settings).tearingDown(body)
    }

    /// Runs `body` with this installation, then tears it down whatever happened, and waits for that: the services
    /// are stopped (SIGTERM, then SIGKILL) before the test ends.
    ///
    /// A test that ends well also leaves an intact audit trail: `tact audit verify` must pass on the store, if the
    /// test made one (unless ``tampersWithAuditTrail()`` was called).
    public func tearingDown<T>(_ body: (TactInstallation) async throws -> T) async throws -> T {
        let result: T
        do {
            result = try await body(self)
            try await expectIntactAuditTrail()
        } catch {
            await tearDown()
            throw error
        }
        await tearDown()
        return result
    }

    /// The test edits the store behind Tact's back: its audit trail is not expected to verify.
    public func tampersWithAuditTrail() { state.withLock { $0.auditTampered = true } }

    private func expectIntactAuditTrail() async throws {
        guard !state.withLock({ $0.auditTampered }), FileManager.default.fileExists(atPath: storePath) else { return }
        let verify = try await tact(["audit", "verify"])
        guard verify.status == 0 else {
            throw TestKitError("tact audit verify failed (\(verify.status)): \(verify.stdout)\(verify.stderr)")
        }
    }

    /// The environment of every `tact` this installation runs: its configuration and broker, and no store named
    /// elsewhere.
    private func environment(_ extra: [String: String]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["TACT_CONFIG_DIR"] = configPath
        environment["TACT_AMQP_URL"] = servicesBrokerURL
        environment["TACT_HOME"] = directory.path
        environment.removeValue(forKey: "TACT_STORE")
        environment.merge(extra) { $1 }
        return environment
    }

    private func nextLog() -> Int {
        state.withLock {
            $0.logs += 1
            return $0.logs
        }
    }

    // MARK: Services

    /// Starts `tact ROLE ARGUMENTS…` (scheduler or worker), logging to `ROLE-N.log` in the installation's folder;
    /// it exits with the test process if that dies first.
    /// `environment` adds to theirs (a sender's relay, say).
    @discardableResult
    public func start(_ role: String, _ arguments: [String] = [], environment extra: [String: String] = [:]) throws
        -> ChildProcess
    {
        let log = directory.appendingPathComponent("\(role)-\(nextLog()).log")
        let process = try ChildProcess(
            try TactBinary.url(), [role] + arguments,
            environment: environment(extra.merging(["TACT_EXIT_WITH_PARENT": "1"]) { $1 }), output: .merged(log))
        state.withLock { $0.services.append((role, process)) }
        return process
    }

    public func startScheduler() throws { try start("scheduler") }
    public func startWorker() throws { try start("worker") }
    public func startWorkers(_ count: Int) throws { for _ in 0..<count { try start("worker") } }

    /// Every service of `role` started so far, in the order started.
    public func services(_ role: String) -> [ChildProcess] {
        state.withLock { $0.services.filter { $0.role == role }.map(\.process) }
    }

    /// Stops every service still running (SIGTERM, then SIGKILL after a grace period), concurrently; returns their
    /// exit statuses (0 for a graceful exit).
    @discardableResult
    public func stop() async -> [Int32] {
        let running = state.withLock { $0.services.map(\.process) }.filter(\.isRunning)
        return await withTaskGroup(of: (Int, Int32).self) { group in
            for (index, process) in running.enumerated() { group.addTask { (index, await process.stop()) } }
            var statuses = [Int32](repeating: 0, count: running.count)
            for await (index, status) in group { statuses[index] = status }
            return statuses
        }
    }

    /// Everything the services wrote to their logs.
    public func logs() throws -> String {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".log") }.sorted()
            .map { try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8) }.joined()
    }

    // MARK: Tools

    /// Runs `tact ARGUMENTS` to its end in the installation's folder; `environment` adds or overrides variables.
    /// With `merged`, stdout and stderr are one stream, interleaved as written (in the result's `stdout`).
    public func tact(
        _ arguments: [String], environment extra: [String: String] = [:], merged: Bool = false
    ) async throws -> ChildProcess.Result {
        try await ChildProcess.run(
            try TactBinary.url(), arguments, environment: environment(extra), directory: directory, merged: merged)
    }

    /// Runs `tact ARGUMENTS` for `duration`, then interrupts it as Ctrl-C would (for `--watch`); returns everything
    /// it wrote.
    public func tact(_ arguments: [String], interruptAfter duration: Duration) async throws -> String {
        let log = directory.appendingPathComponent("run-\(nextLog()).log")
        let process = try ChildProcess(
            try TactBinary.url(), arguments, environment: environment([:]), directory: directory, output: .merged(log))
        try await Task.sleep(for: duration)
        process.send(SIGINT)
        if await process.status(within: .seconds(20)) == nil { await process.kill9() }
        return process.written().stdout
    }

    /// Writes a file in the installation's folder and returns its path.
    @discardableResult
    public func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    @discardableResult
    public func file(_ name: String, _ text: String) throws -> String { try file(name, Array(text.utf8)) }

    // MARK: Messages

    public func publish(_ message: AMQPMessage) async throws { try await connection.publish(message) }

    public func publish(
        _ body: [UInt8], exchange: String? = nil, routingKey: String, messageID: String? = nil, userID: String? = nil
    ) async throws {
        try await connection.publish(
            AMQPMessage(
                exchange: exchange ?? topology.intakeExchange, routingKey: routingKey, body: body,
                properties: AMQPProperties(
                    contentType: "application/json", deliveryMode: .persistent, messageID: messageID, userID: userID),
                mandatory: true))
    }

    public func place(_ placements: [Placement]) async throws {
        let results = await connection.publish(
            placements.map {
                AMQPMessage(
                    exchange: topology.intakeExchange, routingKey: "placement", body: MessageCoding.encode($0),
                    properties: AMQPProperties(deliveryMode: .persistent, messageID: $0.placementId), mandatory: true)
            })
        for result in results { try result.get() }
    }

    public func send(_ event: LifeEvent) async throws {
        try await publish(MessageCoding.encode(event), routingKey: "event", messageID: event.eventId)
    }

    public func send(_ outcome: Outcome) async throws {
        try await publish(
            MessageCoding.encode(outcome), exchange: topology.outcomesExchange, routingKey: "outcome",
            messageID: outcome.outcomeId)
    }

    /// Messages ready in `queue`, waiting up to `timeout` for the count to reach `expected` (quorum queues report
    /// their length with a short delay).
    public func messages(in queue: String, expected: Int, timeout: Duration = .seconds(15)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        var count = 0
        while ContinuousClock.now < deadline {
            count = Int(try await connection.queueState(queue).messageCount)
            if count == expected { return count }
            try await Task.sleep(for: .milliseconds(200))
        }
        return count
    }

    /// Takes every message from `queue` until none arrives for `quiet`, acknowledging them. The queue is declared
    /// first as the services declare it, so a test may drain it before any service did.
    public func drain(_ queue: String, quiet: Duration = .seconds(2), timeout: Duration = .seconds(60)) async throws
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

    private func queueDeclaration(_ queue: String) -> [AMQPTopology.Queue] {
        if let known = topology.shared.queues.first(where: { $0.name == queue }) { return [known] }
        if let specialist = topology.specialist(ofCallQueue: queue) {
            deleteOnTearDown(queue)
            return [topology.callQueueDeclaration(specialist: specialist)]
        }
        deleteOnTearDown(queue)
        return [.init(queue)]
    }

    /// Deletes `queue` (one the shared topology does not name, such as a specialist's) when the test ends.
    public func deleteOnTearDown(_ queue: String) { state.withLock { $0.queuesToDelete.append(queue) } }

    // MARK: State

    /// Reads the store as the tools do: read-only, beside the running scheduler.
    public func inspect<T: Sendable>(_ body: @escaping @Sendable (any StoreInspecting) throws -> T) async throws -> T {
        let store = try SQLiteReadOnlyStore(path: storePath)
        defer { try? store.close() }
        return try await store.inspect(body)
    }

    /// The store's statistics, opened as the scheduler opens it (creating its schema if the scheduler has not yet),
    /// so that a reading races no half-made schema.
    public func statistics(at now: Instant = Instant(Date())) async throws -> StoreStatistics {
        let store = try SQLiteStore(path: storePath)
        return try await store.read { try $0.statistics(at: now) }
    }

    /// Waits until every task is decided: none in flight, none due, nothing left to publish, three readings in a
    /// row alike. With `debtors`, only once the store holds a debtor (a run that placed something).
    @discardableResult
    public func waitUntilSettled(timeout: Duration = .seconds(120), debtors: Bool = false) async throws
        -> StoreStatistics
    {
        let deadline = ContinuousClock.now + timeout
        var last: StoreStatistics?
        var lastError: (any Error)?
        var quietRounds = 0
        while ContinuousClock.now < deadline {
            // The store may not exist yet, or be mid-write: a failed reading is simply not a quiet one, and the
            // last failure is named if the store never settles.
            let reading: StoreStatistics?
            do {
                reading = try await inspect { try $0.statistics(at: Instant(Date())) }
            } catch {
                reading = nil
                lastError = error
            }
            // Input still waiting for a scheduler that is slow to start would otherwise look like a quiet store.
            let intakeWaiting = (try? await connection.queueState(topology.intakeQueue).messageCount) ?? 1
            if let stats = reading {
                let settled =
                    (stats.tasksByStatus[.inFlight] ?? 0) == 0 && stats.dueNotPublished == 0 && stats.outboxDepth == 0
                    && intakeWaiting == 0 && (!debtors || stats.debtors > 0)
                quietRounds = settled && stats == last ? quietRounds + 1 : 0
                if quietRounds >= 3 { return stats }
                last = stats
            }
            try await Task.sleep(for: .milliseconds(300))
        }
        let failure = lastError.map { "; last failed reading: \($0)" } ?? ""
        throw TestKitError("not settled within \(timeout): \(String(describing: last))\(failure)")
    }

    /// Stops the services, deletes this installation's queues and exchanges and its folder.
    public func tearDown() async {
        await stop()
        let queues = topology.shared.queues.map(\.name) + state.withLock { $0.queuesToDelete }
        for queue in Set(queues) { _ = try? await connection.deleteQueue(queue) }
        for exchange in topology.shared.exchanges { try? await connection.deleteExchange(exchange.name) }
        await connection.close()
        try? FileManager.default.removeItem(at: directory)
    }
}
