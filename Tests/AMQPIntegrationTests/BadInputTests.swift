import AMQP
import Foundation
import Glibc
import TactTestKit
import Testing

@Suite("Bad input gives one-line errors", .enabled(if: TestEnvironment.hasBroker), .timeLimit(.minutes(2)))
struct BadInputTests {
    @Test(arguments: [
        "localhost:5672", "http://localhost/", "amqp://host:99999/", "amqp://host:port/", "amqp://[::1/",
        "amqp://u:p@host/a/b", "amqp://host/?heartbeat=-1", "amqp://host/?cacertfile=/x", "amqp://u:%zz@host/",
    ])
    func malformedURLsAreRejected(url: String) throws {
        let error = #expect(throws: AMQPError.self) { try AMQPConfiguration(url: url) }
        #expect(error?.code == .invalidURL)
        let text = error?.description ?? ""
        #expect(!text.contains("\n"))
        #expect(!text.contains(":p@"), "the URL, which may hold a password, is not repeated")
    }

    @Test func wrongPasswordIsAnAuthenticationError() async throws {
        let error = await #expect(throws: AMQPError.self) {
            _ = try await Broker.connect { $0.password = "definitely-wrong-\(UUID())" }
        }
        #expect(error?.code == .authenticationFailed)
        #expect(error?.replyCode == 403)
        #expect(error.map { !$0.description.contains("definitely-wrong") } == true)
        #expect(error.map { !$0.description.contains("\n") } == true)
    }

    @Test func missingVirtualHostIsRefusedByTheBroker() async throws {
        let error = await #expect(throws: AMQPError.self) {
            _ = try await Broker.connect { $0.virtualHost = "no-such-vhost" }
        }
        #expect(error?.code == .connectionClosedByServer)
        #expect(error?.replyCode == 530)
    }

    @Test func unknownHostFailsToConnect() async throws {
        let error = await #expect(throws: AMQPError.self) {
            _ = try await Broker.connect { $0.host = "no-such-host.invalid" }
        }
        #expect(error?.code == .connectionFailed)
        #expect(error?.description.contains("no-such-host.invalid") == true)
    }

    @Test func stoppedBrokerFailsToConnect() async throws {
        let port = try Listener.unusedPort()
        let error = await #expect(throws: AMQPError.self) {
            _ = try await Broker.connect {
                $0.host = "127.0.0.1"
                $0.port = port
            }
        }
        #expect(error?.code == .connectionFailed)
    }

    @Test func silentPeerFailsAfterTheConnectTimeout() async throws {
        let listener = try Listener()
        defer { listener.close() }
        let started = ContinuousClock.now
        let error = await #expect(throws: AMQPError.self) {
            _ = try await Broker.connect {
                $0.host = "127.0.0.1"
                $0.port = listener.port
                $0.connectTimeout = .seconds(1)
            }
        }
        let elapsed = ContinuousClock.now - started
        #expect(error?.code == .connectionFailed || error?.code == .timeout)
        #expect(elapsed >= .milliseconds(900))
        #expect(elapsed < .seconds(5))
    }

    @Test func invalidConfigurationIsRefusedBeforeConnecting() async throws {
        for adjust: @Sendable (inout AMQPConfiguration) -> Void in [
            { $0.port = 0 }, { $0.maxUnconfirmedPublishes = 0 }, { $0.host = "" },
            { $0.tls = .init(certificateFile: "/tmp/c.pem") }, { $0.username = "a\u{0}b" },
        ] {
            let error = await #expect(throws: AMQPError.self) { _ = try await Broker.connect(adjust) }
            #expect(error?.code == .invalidConfiguration)
        }
    }

    @Test func invalidTopologyIsRefusedBeforeReachingTheBroker() async throws {
        let connection = try await Broker.connect()
        let error = await #expect(throws: AMQPError.self) {
            try await connection.declare(AMQPTopology(queues: [.init("q", type: .quorum, exclusive: true)]))
        }
        #expect(error?.code == .invalidConfiguration)
        await connection.close()
    }

    @Test func redeclaringAQueueWithOtherSettingsFailsAndTheConnectionStaysUsable() async throws {
        let connection = try await Broker.connect()
        let queue = Broker.unique("inequivalent")
        try await connection.declare(AMQPTopology(queues: [.init(queue, autoDelete: true)]))
        let error = await #expect(throws: AMQPError.self) {
            try await connection.declare(AMQPTopology(queues: [.init(queue, autoDelete: true, maxPriority: 3)]))
        }
        #expect(error?.code == .channelClosedByServer)
        #expect(error?.replyCode == 406)
        #expect(try await connection.queueState(queue).messageCount == 0)
        await connection.close()
    }
}

/// A loopback TCP socket that listens but never accepts, like a broker that hangs.
final class Listener: Sendable {
    let fd: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 16) == 0 else { throw TestKitError("cannot listen on loopback") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        self.port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(fd) }

    /// A loopback port nothing listens on (bound, then released).
    static func unusedPort() throws -> Int {
        let listener = try Listener()
        listener.close()
        return listener.port
    }
}
