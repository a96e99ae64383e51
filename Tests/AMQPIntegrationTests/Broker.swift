import AMQP
import Foundation
import Logging
import TactTestKit

/// The broker the integration tests run against: `TACT_AMQP_URL`, or a local node on the default port.
enum Broker {
    static let url = TestEnvironment.brokerURL

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
    throw TestKitError("timed out waiting for \(what)")
}

extension AMQPDelivery {
    var text: String { String(decoding: body, as: UTF8.self) }
}
