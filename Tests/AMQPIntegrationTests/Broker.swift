import AMQP
import Foundation
import Logging
import Testing

/// The broker the integration tests run against: `TACT_AMQP_URL`, or a local node on the default port.
enum Broker {
    static let url = ProcessInfo.processInfo.environment["TACT_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672/"

    static func configuration(name: String = #function) throws -> AMQPConfiguration {
        var configuration = try AMQPConfiguration(url: url)
        configuration.connectionName = "test-\(name)"
        configuration.connectTimeout = .seconds(5)
        configuration.reconnect = AMQPReconnectPolicy(initialDelay: .milliseconds(50), maximumDelay: .seconds(1))
        return configuration
    }

    static func connect(name: String = #function, _ adjust: (inout AMQPConfiguration) -> Void = { _ in })
        async throws -> AMQPConnection
    {
        var configuration = try configuration(name: name)
        adjust(&configuration)
        return try await AMQPConnection.connect(configuration, logger: Logger(label: "test"))
    }

    /// A name no other test uses.
    static func unique(_ prefix: String) -> String {
        "test.\(prefix).\(UUID().uuidString.prefix(8))"
    }

    /// Runs `scripts/broker ctl -- ARGS` against the test broker (its port and folder come from the environment).
    static func ctl(_ arguments: [String]) throws -> String {
        let env = ProcessInfo.processInfo.environment
        guard let port = env["TACT_BROKER_PORT"], let dir = env["TACT_BROKER_DIR"] else {
            throw TestSkip("TACT_BROKER_PORT and TACT_BROKER_DIR are not set (scripts/test sets them)")
        }
        let process = Process()
        process.executableURL = repositoryRoot.appendingPathComponent("scripts/broker")
        process.arguments = ["ctl", "--port", port, "--dir", dir, "--"] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestSkip("rabbitmqctl \(arguments) failed") }
        return String(decoding: data, as: UTF8.self)
    }

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
}

struct TestSkip: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Waits until `condition` holds, polling; fails the test after `timeout`.
func eventually(
    _ what: String, timeout: Duration = .seconds(20), _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("timed out waiting for \(what)")
    throw TestSkip("timed out waiting for \(what)")
}

extension AMQPDelivery {
    var text: String { String(decoding: body, as: UTF8.self) }
}
