import AMQP
import Testing

/// A comma-separated list of URLs names the nodes of one cluster.
@Suite struct AMQPClusterURLTests {
    @Test func theNodesOfAListAreTriedInItsOrder() throws {
        let configuration = try AMQPConfiguration(
            url: "amqp://tact:s%2Cecret@10.0.0.1:5672/prod, amqp://tact:s%2Cecret@10.0.0.2:5673/prod,"
                + "amqp://tact:s%2Cecret@[::1]:5674/prod")
        #expect(configuration.password == "s,ecret")
        #expect(configuration.virtualHost == "prod")
        #expect(
            configuration.endpoints == [
                .init(host: "10.0.0.1", port: 5672), .init(host: "10.0.0.2", port: 5673),
                .init(host: "::1", port: 5674),
            ])
        #expect(configuration.description == "amqp://tact@10.0.0.1:5672/prod (and 10.0.0.2:5673, ::1:5674)")
    }

    @Test func oneURLIsOneNode() throws {
        #expect(try AMQPConfiguration(url: "amqp://guest:guest@127.0.0.1:5672/").alternateEndpoints.isEmpty)
    }

    @Test(arguments: [
        "amqp://a:b@h1:1/,amqps://a:b@h2:2/", "amqp://a:b@h1:1/x,amqp://a:b@h2:2/y",
        "amqp://a:b@h1:1/,amqp://a:c@h2:2/",
        "amqp://a:b@h1:1/,", "amqp://a:b@h1:1/,amqp://a:b@h2:99999/",
    ])
    func nodesThatDisagreeOrAreMalformedAreRefusedWithoutTheURL(_ url: String) {
        do {
            _ = try AMQPConfiguration(url: url)
            Issue.record("accepted \(url)")
        } catch {
            #expect(error.code == .invalidURL)
            #expect(!"\(error)".contains(":b@"))
        }
    }
}
