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

extension AMQPDelivery {
    var text: String { String(decoding: body, as: UTF8.self) }
}
