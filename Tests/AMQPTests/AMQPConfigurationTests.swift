import Testing

@testable import AMQP

@Suite struct AMQPConfigurationTests {
    @Test func parsesEveryPartOfAnAMQPURL() throws {
        let configuration = try AMQPConfiguration(url: "amqp://creditor%40acme:p%3Ass@broker.example:5673/tact%2Fprod")
        #expect(configuration.username == "creditor@acme")
        #expect(configuration.password == "p:ss")
        #expect(configuration.host == "broker.example")
        #expect(configuration.port == 5673)
        #expect(configuration.virtualHost == "tact/prod")
        #expect(configuration.tls == nil)
    }

    @Test func appliesDefaults() throws {
        let configuration = try AMQPConfiguration(url: "amqp://")
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 5672)
        #expect(configuration.virtualHost == "/")
        #expect(configuration.username == "guest")
        #expect(try AMQPConfiguration(url: "amqp://h/%2F").virtualHost == "/")
        #expect(try AMQPConfiguration(url: "amqp://h/").virtualHost == "/")
    }

    @Test func amqpsEnablesVerifiedTLSOnPort5671() throws {
        let configuration = try AMQPConfiguration(
            url:
                "amqps://u:p@h/?cacertfile=/etc/ca.pem&certfile=/c.pem&keyfile=/k.pem&heartbeat=5&connection_timeout=2500&name=worker-1"
        )
        #expect(configuration.port == 5671)
        #expect(
            configuration.tls
                == AMQPConfiguration.TLS(caFile: "/etc/ca.pem", certificateFile: "/c.pem", keyFile: "/k.pem"))
        #expect(configuration.tls?.verifyPeer == true)
        #expect(configuration.heartbeat == .seconds(5))
        #expect(configuration.connectTimeout == .milliseconds(2500))
        #expect(configuration.connectionName == "worker-1")
        #expect(try AMQPConfiguration(url: "amqps://h/?verify=verify_none").tls?.verifyPeer == false)
    }

    @Test func parsesIPv6Hosts() throws {
        let configuration = try AMQPConfiguration(url: "amqp://[::1]:5680/")
        #expect(configuration.host == "::1")
        #expect(configuration.port == 5680)
    }

    @Test func descriptionNeverShowsThePassword() throws {
        let configuration = try AMQPConfiguration(url: "amqp://user:s3cret@host/vh")
        #expect(!configuration.description.contains("s3cret"))
        #expect(configuration.description == "amqp://user@host:5672/vh")
    }
}

@Suite struct AMQPReconnectPolicyTests {
    @Test func delaysGrowExponentiallyUpToTheCap() {
        let policy = AMQPReconnectPolicy(initialDelay: .milliseconds(100), maximumDelay: .seconds(2), jitter: 0)
        let delays = (0..<8).map { policy.delay(forAttempt: $0, unitRandom: 0.5) }
        #expect(delays == [100, 200, 400, 800, 1600, 2000, 2000, 2000].map { .milliseconds($0) })
    }

    @Test func jitterSpreadsDelaysSymmetrically() {
        let policy = AMQPReconnectPolicy(initialDelay: .seconds(1), maximumDelay: .seconds(1), jitter: 0.2)
        #expect(policy.delay(forAttempt: 3, unitRandom: 0) == .milliseconds(800))
        #expect(policy.delay(forAttempt: 3, unitRandom: 0.5) == .milliseconds(1000))
        #expect(policy.delay(forAttempt: 3, unitRandom: 0.999_999) <= .milliseconds(1200))
    }

    @Test func attemptsAreBoundedWhenAskedTo() {
        #expect(AMQPReconnectPolicy().allowsAttempt(after: 1_000_000))
        #expect(!AMQPReconnectPolicy.never.allowsAttempt(after: 0))
        let three = AMQPReconnectPolicy(maximumAttempts: 3)
        #expect(three.allowsAttempt(after: 2))
        #expect(!three.allowsAttempt(after: 3))
    }
}

@Suite struct AMQPErrorTests {
    @Test func descriptionIsOneLineWithTheBrokersReason() {
        let error = AMQPError(
            .channelClosedByServer, "declare queue 'q'", replyCode: 406, replyText: "PRECONDITION_FAILED")
        #expect(error.description == "AMQP channelClosedByServer: declare queue 'q' (broker 406 PRECONDITION_FAILED)")
        #expect(!error.isTransient)
        #expect(AMQPError(.connectionLost, "x").isTransient)
    }

    @Test func atLeastOnceDeadLetteringRejectsPublishesWhenFull() {
        let queue = AMQPTopology.Queue("q", type: .quorum, deadLetterExchange: "x", deadLetterStrategy: .atLeastOnce)
        #expect(queue.arguments["x-dead-letter-strategy"] == .string("at-least-once"))
        #expect(queue.arguments["x-overflow"] == .string("reject-publish"), "the broker requires it")
        #expect(queue.arguments["x-queue-type"] == .string("quorum"))
    }

    @Test func quorumOnlySettingsAreRefusedOnAClassicQueueAndPrioritiesOnAQuorumQueue() async throws {
        for queue in [
            AMQPTopology.Queue("classic", deadLetterStrategy: .atLeastOnce),
            AMQPTopology.Queue("classic", deliveryLimit: 3),
            AMQPTopology.Queue("quorum", type: .quorum, maxPriority: 9),
        ] {
            let error = #expect(throws: AMQPError.self) { try AMQPTopology(queues: [queue]).validate() }
            #expect(error?.code == .invalidConfiguration)
            #expect(error?.description.contains(queue.name) == true)
        }
    }
}
