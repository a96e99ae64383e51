// swift-tools-version:6.2
// Tact — a message-driven contact scheduler for debt collection.
import PackageDescription

let package = Package(
    name: "tact",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tact", targets: ["tact"]),
        .library(name: "AMQP", targets: ["AMQP"]),
        .library(name: "Policy", targets: ["Policy"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // MARK: C boundary — the only place librabbitmq is visible.
        .systemLibrary(
            name: "CRabbitMQ",
            pkgConfig: "librabbitmq",
            providers: [.apt(["librabbitmq-dev"])]
        ),
        // Wrappers for what Swift cannot call directly (the variadic amqp_login).
        .target(name: "CRabbitMQShims", dependencies: ["CRabbitMQ"]),
        // libcurl, the senders' SMTP and HTTP client; its variadic setopt is wrapped in CCurlShims.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "CCurlShims", dependencies: ["CCurl"]),

        // MARK: Modules
        .target(
            name: "AMQP",
            dependencies: ["CRabbitMQ", "CRabbitMQShims", .product(name: "Logging", package: "swift-log")]
        ),
        // Values several modules share: instants, local dates and times, channels, the strict decoder. Pure.
        .target(name: "Domain"),
        // The respectful-contact policy engine and its rulebooks: pure decision logic, no I/O, no clock, no logging.
        .target(name: "Policy", dependencies: ["Domain"]),
        // Message templates (Mustache, through swift-mustache) and the disclosures each rulebook requires in every
        // rendered message. Pure: the files are read by TactConfig.
        .target(
            name: "Templates",
            dependencies: ["Contract", "Domain", "Policy", .product(name: "Mustache", package: "swift-mustache")]),
        // Cadence strategies: what contact is wanted after each situation (the scheduler decides with them).
        .target(name: "Cadence", dependencies: ["Domain"]),
        // The scheduler's state behind a protocol; SQLite (through GRDB) is the embedded default.
        // The audit trail's hash chain is SHA-256 from swift-crypto.
        .target(
            name: "Store",
            dependencies: [
                "Domain", "Policy", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]),
        // The AMQP contract: message types, validation, exchange and queue names. No I/O.
        .target(name: "Contract", dependencies: ["Domain", "Policy"]),
        // What Tact's processes declare on the broker for the contract's names.
        .target(
            name: "Messaging",
            dependencies: [
                "AMQP", "Contract", "Domain", "Policy",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // What the scheduler decides, over a store transaction: no broker, no logging, no service lifecycle.
        .target(
            name: "SchedulerCore", dependencies: ["Cadence", "Contract", "Domain", "Policy", "Store", "TactConfig"]),
        // The service that carries out what SchedulerCore decides: consumes, commits, publishes the outbox.
        .target(
            name: "Scheduler",
            dependencies: [
                "AMQP", "Contract", "Messaging", "Observability", "Domain", "Policy", "SchedulerCore", "Store",
                "TactConfig",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // The senders (`tact deliver`): render, check and claim, send over SMTP, an SMS provider's HTTP API or to a
        // letter spool, and report the outcome.
        .target(
            name: "Delivery",
            dependencies: [
                "AMQP", "CCurlShims", "Contract", "Domain", "Messaging", "Observability", "TactConfig", "Templates",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // The scheduler's invariants checked over the store's records (`tact doctor`): pure checks, and a walk over
        // an inspectable store a page at a time.
        .target(name: "Doctor", dependencies: ["Cadence", "Domain", "Policy", "SchedulerCore", "Store"]),
        // What a stateless worker decides for a due task (pure).
        .target(name: "WorkerCore", dependencies: ["Contract", "Domain", "Policy"]),
        // The service that consumes tasks and sends the worker's decisions to the scheduler.
        .target(
            name: "Worker",
            dependencies: [
                "AMQP", "Contract", "Messaging", "Observability", "Domain", "Policy", "TactConfig", "WorkerCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // Metrics (Prometheus text) and health over a small HTTP server on POSIX sockets, and the log handler that
        // keeps outside values on one line.
        .target(name: "Observability", dependencies: ["Domain", .product(name: "Logging", package: "swift-log")]),
        // Reads and validates Config/ (the service file, rulebooks, strategies) through one strict YAML decoder
        // (ConfigYAML), which the column mappings and the simulator's outcome model use too.
        .target(
            name: "TactConfig",
            dependencies: ["Cadence", "Domain", "Policy", "Templates", .product(name: "Yams", package: "Yams")]),
        // The what-if simulator: the real scheduler and worker cores on a virtual clock, in memory.
        .target(
            name: "Simulation",
            dependencies: [
                "Cadence", "Contract", "Intake", "Domain", "Policy", "SchedulerCore", "Store", "TactConfig",
                "WorkerCore",
            ]),
        // Placement files (CSV, JSON lines) read through a column mapping: `tact place` and `tact simulate`.
        .target(
            name: "Intake",
            dependencies: ["Contract", "Domain", "Policy", "TactConfig"]),
        // What the operators' and compliance tools compute and print (explain, audit, status, dead letters, the
        // call card), and the little I/O they need; the `tact` executable only parses command lines.
        .target(
            name: "TactTools",
            dependencies: [
                "AMQP", "Contract", "Doctor", "Intake", "Messaging", "Domain", "Policy", "SchedulerCore", "Simulation",
                "Store",
                "TactConfig",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(
            name: "tact",
            dependencies: [
                "AMQP", "Cadence", "Contract", "Delivery", "Doctor", "Intake", "Messaging", "Observability", "Domain", "Policy",
                "Scheduler",
                "SchedulerCore",
                "Simulation", "Store", "TactConfig", "TactTools", "Templates", "Worker", "WorkerCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ]
        ),

        // MARK: Benchmarks (scripts/bench NAME)
        .executableTarget(name: "AMQPBench", dependencies: ["AMQP"], path: "Benchmarks/AMQPBench"),
        .executableTarget(
            name: "PolicyBench", dependencies: ["Contract", "Domain", "Policy", "TactConfig", "WorkerCore"],
            path: "Benchmarks/policy"),
        .executableTarget(name: "StoreBench", dependencies: ["Store"], path: "Benchmarks/StoreBench"),
        .executableTarget(
            name: "TemplateBench", dependencies: ["Contract", "Domain", "TactConfig", "Templates"],
            path: "Benchmarks/TemplateBench"),
        .executableTarget(
            name: "DeliveryBench",
            dependencies: ["AMQP", "Contract", "Delivery", "Domain", "TactConfig", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/DeliveryBench"),
        .executableTarget(
            name: "SoakGateway",
            dependencies: ["AMQP", "Contract", "Domain", "Messaging", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/SoakGateway"),

        // MARK: Tests
        // Unit targets (`*Tests`) need nothing beyond Swift: no broker, no child process (`scripts/test --unit`).
        // Integration targets (`*IntegrationTests`) run real `tact` processes or talk to the test broker.
        .target(
            name: "TactTestKit",
            dependencies: [
                "AMQP", "Contract", "Messaging", "Domain", "Policy", "Store",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/TactTestKit"),
        .target(
            name: "SimulationTestSupport", dependencies: ["Contract", "Domain", "Policy", "Simulation"],
            path: "Tests/SimulationTestSupport"),
        .testTarget(name: "AMQPTests", dependencies: ["AMQP"]),
        .testTarget(name: "AMQPIntegrationTests", dependencies: ["AMQP", "TactTestKit"]),
        .testTarget(name: "PolicyTests", dependencies: ["Domain", "Policy"]),
        .testTarget(name: "TactConfigTests", dependencies: ["TactConfig", "Templates"]),
        // Templates rendered and checked against the disclosure rules, from Config/templates and from hand-made ones.
        .testTarget(name: "TemplatesTests", dependencies: ["Contract", "Domain", "TactConfig", "Templates"]),
        // `tact policy evaluate` as a real process.
        .testTarget(name: "TactConfigIntegrationTests", dependencies: ["TactTestKit"]),
        .testTarget(name: "StoreTests", dependencies: ["Store", .product(name: "GRDB", package: "GRDB.swift")]),
        // Real `tact` processes against the test broker (swift build builds the binary first).
        .testTarget(
            name: "PipelineIntegrationTests",
            dependencies: ["AMQP", "Contract", "Messaging", "Domain", "Policy", "Store", "TactTestKit", "TactTools"]),
        // The operators' and compliance tools (place, event, dead, explain, audit) run as real `tact` processes.
        .testTarget(
            name: "ToolIntegrationTests",
            dependencies: ["AMQP", "Contract", "Messaging", "Domain", "Policy", "Store", "TactTestKit"]),
        .testTarget(name: "WorkerTests", dependencies: ["WorkerCore", "Contract", "Domain", "Policy", "TactConfig"]),
        // With `Doctor`: the seeded random runs check its invariants after every input.
        .testTarget(
            name: "SchedulerTests",
            dependencies: ["SchedulerCore", "Store", "Cadence", "Contract", "Doctor", "TactConfig"]),
        // The invariants `tact doctor` checks, on hand-built records and on a store.
        .testTarget(name: "DoctorTests", dependencies: ["Doctor", "Domain", "Policy", "Store"]),
        .testTarget(
            name: "SimulationTests",
            dependencies: [
                "Simulation", "Cadence", "Contract", "Doctor", "Intake", "Domain", "Policy", "SchedulerCore", "Store",
                "TactConfig",
                "SimulationTestSupport",
            ]),
        // `tact simulate` as a real process, and its report rendered by a real browser.
        .testTarget(
            name: "SimulationIntegrationTests", dependencies: ["Simulation", "SimulationTestSupport", "TactTestKit"]),
        // The metrics registry and the HTTP server.
        .testTarget(
            name: "ObservabilityTests",
            dependencies: [
                "Observability", "TactConfig", "TactTestKit", .product(name: "Logging", package: "swift-log"),
            ]),
        // /metrics scraped from real scheduler and worker processes.
        .testTarget(
            name: "ObservabilityIntegrationTests",
            dependencies: [
                "AMQP", "Contract", "Messaging", "Observability", "Domain", "Policy", "Store", "TactTestKit",
            ]),
        // The tools' logic without a broker: the one CSV reader, mappings, the version, doctor's report.
        .testTarget(
            name: "TactToolsTests",
            dependencies: ["Contract", "Doctor", "Domain", "Intake", "Policy", "Store", "TactConfig", "TactTools"]),
        .testTarget(
            name: "ContractTests",
            dependencies: [
                "AMQP", "Cadence", "Contract", "Messaging", "Domain", "Policy", .product(name: "Yams", package: "Yams"),
            ]),
    ]
)

// Settings every Swift target shares. Language mode 6 already means complete strict concurrency.
for target in package.targets where target.type != .system {
    guard !["CRabbitMQShims", "CCurlShims"].contains(target.name) else { continue }
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))  // SE-0335: `any P` spelled out
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))  // SE-0444: imports are explicit
    target.swiftSettings = settings
}
