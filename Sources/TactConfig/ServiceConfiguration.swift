import Domain
import Foundation
import Policy

/// How the scheduler and workers run: `Config/tact.yaml`, with `TACT_AMQP_URL` and `TACT_STORE` from the
/// environment taking precedence. Validated on load; a wrong file is refused with the file, the field and the
/// problem named.
public struct ServiceConfiguration: Sendable, Equatable {
    public static let fileName = "tact.yaml"

    public struct Scheduler: Sendable, Equatable {
        public var leaseSeconds = 60
        public var maxAttempts = 5
        public var dispatchBatch = 500
        /// How long a specialist has to report on a call taken with `tact next` before it returns to be planned
        /// again; `nil` (the default) gives until the end of the call's permitted window.
        public var outcomeWaitSeconds: Int?
        /// Calls waiting per call queue (a specialist's, or the pool) beyond which due calls stay in the store
        /// until specialists take some; `nil` (the default) sets no bound. Calls being decided count too.
        public var callQueueDepth: Int?
        /// Reminders handed out per second on each channel, at most: what that channel's senders can send.
        /// A channel not named has no bound.
        public var remindersPerSecond: [Channel: Double] = [:]
    }

    public struct Worker: Sendable, Equatable {
        public var concurrency = 2
        public var prefetch = 100
    }

    /// Where the services serve `/metrics` and `/health`; 0 serves nothing (the default without a `metrics`
    /// section, so that tests and tools running several services on one host never compete for a port).
    public struct Metrics: Sendable, Equatable {
        /// The IPv4 address they listen on: loopback unless the file names another (`0.0.0.0` for every interface,
        /// for a Prometheus elsewhere).
        public var host = "127.0.0.1"
        public var schedulerPort = 0
        /// A worker takes the first free port from this one up (several workers on one host), unless
        /// `--metrics-port` names its own.
        public var workerPort = 0
        /// How many ports after `workerPort` a worker tries.
        public static let workerPortsTried = 31
    }

    /// Who may keep cases and take calls, and where `tact next` looks when a specialist's own queue is empty.
    public struct Specialists: Sendable, Equatable {
        /// The specialists the file names. `specialist` messages (`tact specialists add|retire`) add others and
        /// retire any of them at runtime; the store remembers those changes, which win over this list.
        public var roster: [String] = []
        /// Whether `tact next --specialist ID` takes a call from the pool when ID's own queue is empty.
        public var poolFallback = true
    }

    /// Broker URL, possibly with credentials: never print it (``AMQPConfiguration`` redacts it).
    public var amqpURL = "amqp://guest:guest@127.0.0.1:5672/"
    public var exchangePrefix = "tact"
    public var storePath = ".tact/tact.sqlite"
    public var scheduler = Scheduler()
    public var worker = Worker()
    public var metrics = Metrics()
    public var defaultRulebook = "us-regf"
    public var creditorRulebooks: [String: String] = [:]
    public var defaultStrategy = "default"
    public var creditorStrategies: [String: String] = [:]
    public var specialists = Specialists()
    /// Which broker users act for which creditor; empty (not verified) without an `identity` section.
    public var identity = Identity()
    /// The firm, the creditors' names and the senders' relays (`tact deliver`).
    public var delivery = DeliveryConfiguration()

    public init() {}

    /// The rulebook for a placement: its own choice, else its creditor's, else the default.
    public func rulebook(placement: String?, creditor: String) -> String {
        placement ?? creditorRulebooks[creditor] ?? defaultRulebook
    }

    /// The cadence strategy for a placement: its own choice, else its creditor's, else the default.
    public func strategy(placement: String?, creditor: String) -> String {
        placement ?? creditorStrategies[creditor] ?? defaultStrategy
    }

    /// Loads `tact.yaml` from the config directory and applies the environment.
    public static func load(
        from directory: ConfigDirectory, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> ServiceConfiguration {
        let file = directory.appending(fileName).path
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8)
        else { throw ConfigError(.notFound, file: file, "cannot read the service configuration") }
        var configuration = try decode(yaml: text, file: file)
        if let url = environment["TACT_AMQP_URL"], !url.isEmpty { configuration.amqpURL = url }
        if let store = environment["TACT_STORE"], !store.isEmpty { configuration.storePath = store }
        configuration.delivery.apply(environment: environment)
        return configuration
    }

    static func decode(yaml: String, file: String) throws(ConfigError) -> ServiceConfiguration {
        let document = try ConfigYAML.decode(File.self, yaml: yaml, file: file)
        var configuration = ServiceConfiguration()
        func positive(_ value: Int?, _ field: String, max: Int) throws(ConfigError) -> Int? {
            guard let value else { return nil }
            guard (1...max).contains(value) else {
                throw ConfigError(.invalidContent, file: file, field: field, "must be 1…\(max)")
            }
            return value
        }
        if let url = document.broker?.url { configuration.amqpURL = url }
        if let prefix = document.broker?.exchangePrefix {
            guard prefix.wholeMatch(of: /[a-z][a-z0-9-]{0,30}/) != nil else {
                throw ConfigError(
                    .invalidContent, file: file, field: "broker.exchangePrefix", "must be lower-case letters, digits, -"
                )
            }
            configuration.exchangePrefix = prefix
        }
        if let path = document.store?.path {
            guard !path.isEmpty else { throw ConfigError(.invalidContent, file: file, field: "store.path", "empty") }
            configuration.storePath = path
        }
        let s = document.scheduler
        configuration.scheduler.leaseSeconds =
            try positive(s?.leaseSeconds, "scheduler.leaseSeconds", max: 86_400) ?? configuration.scheduler.leaseSeconds
        configuration.scheduler.maxAttempts =
            try positive(s?.maxAttempts, "scheduler.maxAttempts", max: 100) ?? configuration.scheduler.maxAttempts
        configuration.scheduler.dispatchBatch =
            try positive(s?.dispatchBatch, "scheduler.dispatchBatch", max: 10_000)
            ?? configuration.scheduler.dispatchBatch
        configuration.scheduler.outcomeWaitSeconds = try positive(
            s?.outcomeWaitSeconds, "scheduler.outcomeWaitSeconds", max: 7 * 86_400)
        configuration.scheduler.callQueueDepth = try positive(
            s?.callQueueDepth, "scheduler.callQueueDepth", max: 1_000_000)
        for (name, rate) in s?.remindersPerSecond ?? [:] {
            let field = "scheduler.remindersPerSecond.\(name)"
            guard let channel = Channel(rawValue: name), channel != .call else {
                throw ConfigError(.invalidContent, file: file, field: field, "must be sms, email or letter")
            }
            guard rate.isFinite, rate > 0, rate <= 100_000 else {
                throw ConfigError(.invalidContent, file: file, field: field, "must be more than 0 and at most 100000")
            }
            configuration.scheduler.remindersPerSecond[channel] = rate
        }
        let w = document.worker
        configuration.worker.concurrency =
            try positive(w?.concurrency, "worker.concurrency", max: 64) ?? configuration.worker.concurrency
        configuration.worker.prefetch =
            try positive(w?.prefetch, "worker.prefetch", max: 10_000) ?? configuration.worker.prefetch
        for (port, field, keyPath) in [
            (document.metrics?.schedulerPort, "metrics.schedulerPort", \Metrics.schedulerPort),
            (document.metrics?.workerPort, "metrics.workerPort", \Metrics.workerPort),
        ] {
            guard let port else { continue }
            guard (0...65_535).contains(port) else {
                throw ConfigError(.invalidContent, file: file, field: field, "must be 0 (off) or a port 1…65535")
            }
            configuration.metrics[keyPath: keyPath] = port
        }
        if let host = document.metrics?.host {
            guard Self.isIPv4(host) else {
                throw ConfigError(
                    .invalidContent, file: file, field: "metrics.host",
                    "must be an IPv4 address such as 127.0.0.1 or 0.0.0.0")
            }
            configuration.metrics.host = host
        }
        if let rulebooks = document.rulebooks {
            if let name = rulebooks.default { configuration.defaultRulebook = name }
            configuration.creditorRulebooks = rulebooks.creditors ?? [:]
        }
        if let strategies = document.strategies {
            if let name = strategies.default { configuration.defaultStrategy = name }
            configuration.creditorStrategies = strategies.creditors ?? [:]
        }
        if let specialists = document.specialists {
            configuration.specialists.roster = try roster(specialists.roster ?? [], file: file)
            if let fallback = specialists.poolFallback { configuration.specialists.poolFallback = fallback }
        }
        if let identity = document.identity {
            configuration.identity = try Self.identity(identity, file: file)
        }
        configuration.delivery = try DeliveryConfiguration.decode(
            firm: document.firm, creditors: document.creditors, delivery: document.delivery, file: file)
        return configuration
    }

    /// Creditor ids and broker user names as the contract accepts ids; a section that lists nobody is a mistake, not
    /// a way to turn the check off.
    private static func identity(_ section: File.IdentitySection, file: String) throws(ConfigError) -> Identity {
        func valid(_ id: String) -> Bool {
            !id.isEmpty && id.utf8.count <= 128 && id.utf8.allSatisfy { (33...126).contains($0) }
        }
        var identity = Identity()
        for (creditor, users) in section.creditors ?? [:] {
            guard valid(creditor) else {
                throw ConfigError(
                    .invalidContent, file: file, field: "identity.creditors",
                    "creditor ids must be 1–128 printable ASCII characters without spaces")
            }
            for (index, user) in users.enumerated() where !valid(user) {
                throw ConfigError(
                    .invalidContent, file: file, field: "identity.creditors.\(creditor)[\(index)]",
                    "must be a broker user name: 1–128 printable ASCII characters without spaces")
            }
            guard !users.isEmpty else {
                throw ConfigError(
                    .invalidContent, file: file, field: "identity.creditors.\(creditor)", "lists no broker user")
            }
            identity.creditors[creditor] = Set(users)
        }
        for (index, user) in (section.operators ?? []).enumerated() where !valid(user) {
            throw ConfigError(
                .invalidContent, file: file, field: "identity.operators[\(index)]",
                "must be a broker user name: 1–128 printable ASCII characters without spaces")
        }
        identity.operators = Set(section.operators ?? [])
        guard identity.isVerified else {
            throw ConfigError(
                .invalidContent, file: file, field: "identity",
                "lists no creditor and no operator; leave it out instead")
        }
        return identity
    }

    /// The roster's ids as the contract accepts a `specialistId` (each becomes a queue name, `tact.calls.<id>`),
    /// once each, and never `pool`, the shared queue.
    private static func roster(_ ids: [String], file: String) throws(ConfigError) -> [String] {
        var seen = Set<String>()
        for (index, id) in ids.enumerated() {
            let field = "specialists.roster[\(index)]"
            guard !id.isEmpty, id.utf8.count <= 128, id.utf8.allSatisfy({ (33...126).contains($0) }) else {
                throw ConfigError(
                    .invalidContent, file: file, field: field, "must be 1–128 printable ASCII characters without spaces"
                )
            }
            guard id != "pool" else {
                throw ConfigError(
                    .invalidContent, file: file, field: field, "\"pool\" is reserved for the shared queue")
            }
            guard seen.insert(id).inserted else {
                throw ConfigError(.invalidContent, file: file, field: field, "listed twice")
            }
        }
        return ids
    }

    /// Checks that every rulebook and strategy the configuration names exists and is valid.
    public func validateDocuments(in directory: ConfigDirectory) throws(ConfigError) {
        let rulebooks = RulebookLoader(directory: directory)
        for name in Set([defaultRulebook] + creditorRulebooks.values).sorted() { _ = try rulebooks.load(name) }
        let strategies = StrategyLoader(directory: directory)
        for name in Set([defaultStrategy] + creditorStrategies.values).sorted() { _ = try strategies.load(name) }
    }

    // MARK: File shape

    private struct File: Decodable {
        struct Broker: Decodable {
            var url: String?, exchangePrefix: String?
            private enum CodingKeys: String, CodingKey, CaseIterable { case url, exchangePrefix }
        }
        struct Store: Decodable {
            var path: String?
            private enum CodingKeys: String, CodingKey, CaseIterable { case path }
        }
        struct SchedulerSection: Decodable {
            var leaseSeconds: Int?, maxAttempts: Int?, dispatchBatch: Int?, outcomeWaitSeconds: Int?
            var callQueueDepth: Int?, remindersPerSecond: [String: Double]?
            private enum CodingKeys: String, CodingKey, CaseIterable {
                case leaseSeconds, maxAttempts, dispatchBatch, outcomeWaitSeconds, callQueueDepth, remindersPerSecond
            }
        }
        struct WorkerSection: Decodable {
            var concurrency: Int?, prefetch: Int?
            private enum CodingKeys: String, CodingKey, CaseIterable { case concurrency, prefetch }
        }
        struct MetricsSection: Decodable {
            var host: String?, schedulerPort: Int?, workerPort: Int?
            private enum CodingKeys: String, CodingKey, CaseIterable { case host, schedulerPort, workerPort }
        }
        struct IdentitySection: Decodable {
            var creditors: [String: [String]]?, operators: [String]?
            private enum CodingKeys: String, CodingKey, CaseIterable { case creditors, operators }
        }
        struct SpecialistsSection: Decodable {
            var roster: [String]?, poolFallback: Bool?
            private enum CodingKeys: String, CodingKey, CaseIterable { case roster, poolFallback }
        }
        struct Choice: Decodable {
            var `default`: String?, creditors: [String: String]?
            private enum CodingKeys: String, CodingKey, CaseIterable { case `default`, creditors }
        }

        var broker: Broker?
        var store: Store?
        var scheduler: SchedulerSection?
        var worker: WorkerSection?
        var metrics: MetricsSection?
        var rulebooks: Choice?
        var strategies: Choice?
        var specialists: SpecialistsSection?
        var identity: IdentitySection?
        var firm: DeliveryConfiguration.FirmSection?
        var creditors: DeliveryConfiguration.CreditorsSection?
        var delivery: DeliveryConfiguration.DeliverySection?

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case broker, store, scheduler, worker, metrics, rulebooks, strategies, specialists, identity, firm
            case creditors, delivery
        }
    }

    /// Four decimal numbers 0…255, dot-separated, without leading zeros (as `inet_pton` reads them).
    static func isIPv4(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4
            && parts.allSatisfy { part in
                part.count <= 3 && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber)
                    && (part.count == 1 || part.first != "0")
                    && Int(part).map { (0...255).contains($0) } == true
            }
    }
}
