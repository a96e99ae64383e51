import Foundation
import Glibc
import Synchronization
import TactTestKit
import Testing

@testable import Observability

/// The endpoint over real loopback sockets.
@Suite("HTTP server: /metrics and /health")
struct HTTPServerTests {
    /// A server on a port the system chose, with one counter and a readiness flag the test controls.
    final class Fixture: Sendable {
        final class Flag: Sendable {
            let value = Atomic<Bool>(true)
            func set(_ value: Bool) { self.value.store(value, ordering: .relaxed) }
        }

        let registry = MetricsRegistry()
        let ready = Flag()
        let server: HTTPServer

        init() throws {
            let ready = self.ready
            registry.counter("tact_test_total", help: "A test counter.", labels: ["kind"]).labels("a").increment()
            let health = Health([
                Health.Check("broker") { ready.value.load(ordering: .relaxed) }, Health.Check("store") { true },
            ])
            server = try OperatorEndpoint(registry: registry, health: health).serve(host: "127.0.0.1", port: 0)
        }

        deinit { server.stop() }
    }

    @Test("GET /metrics: 200, the Prometheus content type, the registry's text, Connection: close")
    func metrics() throws {
        let fixture = try Fixture()
        let response = try HTTPTestClient.request("/metrics", port: fixture.server.port)
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(response.headers["connection"] == "close")
        #expect(response.headers["content-length"] == String(response.body.utf8.count))
        #expect(response.body == fixture.registry.render())
        #expect(response.body.contains(#"tact_test_total{kind="a"} 1"#))
        // A query string does not change the path.
        #expect(try HTTPTestClient.request("/metrics?name=x", port: fixture.server.port).status == 200)
    }

    @Test("GET /health: 200 and the checks while ready, 503 when a check fails; /health/live stays 200")
    func health() throws {
        let fixture = try Fixture()
        let port = fixture.server.port
        let ready = try HTTPTestClient.request("/health", port: port)
        #expect(ready.status == 200)
        #expect(ready.headers["content-type"] == "application/json")
        #expect(ready.body == #"{"live":true,"ready":true,"checks":{"broker":true,"store":true}}"# + "\n")
        fixture.ready.set(false)
        let notReady = try HTTPTestClient.request("/health/ready", port: port)
        #expect(notReady.status == 503)
        #expect(notReady.body.contains(#""ready":false,"checks":{"broker":false,"store":true}"#))
        #expect(try HTTPTestClient.request("/health", port: port).status == 503)
        #expect(try HTTPTestClient.request("/health/live", port: port).status == 200)
    }

    @Test("unknown paths are 404, other methods 405 with Allow, HEAD has the headers without the body")
    func notFoundAndMethods() throws {
        let fixture = try Fixture()
        let port = fixture.server.port
        #expect(try HTTPTestClient.request("/", port: port).status == 404)
        #expect(try HTTPTestClient.request("/metricsx", port: port).status == 404)
        let post = try HTTPTestClient.request("/metrics", method: "POST", port: port)
        #expect(post.status == 405)
        #expect(post.headers["allow"] == "GET, HEAD")
        #expect(try HTTPTestClient.request("/health", method: "DELETE", port: port).status == 405)
        let head = try HTTPTestClient.request("/metrics", method: "HEAD", port: port)
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(Int(head.headers["content-length"] ?? "") == fixture.registry.render().utf8.count)
    }

    @Test("a request head over the limit gets 431, a malformed one 400, and the server goes on serving")
    func badRequests() throws {
        let fixture = try Fixture()
        let port = fixture.server.port
        let huge = "GET /metrics HTTP/1.1\r\nX-Padding: " + String(repeating: "a", count: 20_000) + "\r\n\r\n"
        #expect(try HTTPTestClient.send(Array(huge.utf8), port: port).status == 431)
        #expect(try HTTPTestClient.send(Array("HELLO\r\n\r\n".utf8), port: port).status == 400)
        #expect(try HTTPTestClient.send(Array("GET metrics HTTP/1.1\r\n\r\n".utf8), port: port).status == 400)
        #expect(try HTTPTestClient.send(Array("GET /metrics SPDY/3\r\n\r\n".utf8), port: port).status == 400)
        // A POST body is never read; the answer still arrives whole.
        let post = "POST /metrics HTTP/1.1\r\nContent-Length: 5000\r\n\r\n" + String(repeating: "b", count: 5000)
        #expect(try HTTPTestClient.send(Array(post.utf8), port: port).status == 405)
        #expect(try HTTPTestClient.request("/metrics", port: port).status == 200)
    }

    @Test("clients that connect and say nothing keep nobody waiting, and are dropped when their time is up")
    func silentClients() throws {
        let fixture = try Fixture()
        let port = fixture.server.port
        // Connected first, as a slow scraper or an attacker would (issue 12 saw 18 such stall /health for 15 s).
        let silent = try (0..<24).map { _ in try HTTPTestClient.connected(port: port) }
        defer { for client in silent { close(client) } }
        let start = ContinuousClock.now
        #expect(try HTTPTestClient.request("/health/live", port: port).status == 200)
        let waited = ContinuousClock.now - start
        #expect(waited < .seconds(1), "served beside the silent clients, \(waited)")
        // Each silent connection is closed by the server once its whole time is up.
        for client in silent {
            var descriptor = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            #expect(
                poll(&descriptor, 1, Int32((HTTPServer.clientTimeout + .seconds(3)).components.seconds * 1000)) == 1)
            var byte: UInt8 = 0
            #expect(recv(client, &byte, 1, 0) <= 0, "closed without an answer")
        }
    }

    @Test("a client that sends its request a byte at a time is dropped when its whole time is up")
    func slowClient() throws {
        let fixture = try Fixture()
        let port = fixture.server.port
        let slow = try HTTPTestClient.connected(port: port)
        defer { close(slow) }
        // A byte every 300 ms, each well within any per-call timeout, for up to 20 s or until the server hangs up.
        let trickle = Thread {
            for byte in Array("GET /metrics HTTP/1.1\r\nX-Slow: ".utf8) + Array(repeating: UInt8(ascii: "a"), count: 60)
            {
                var value = byte
                guard Glibc.send(slow, &value, 1, Int32(MSG_NOSIGNAL)) == 1 else { return }
                usleep(300_000)
            }
        }
        trickle.start()
        let start = ContinuousClock.now
        #expect(try HTTPTestClient.request("/health/live", port: port).status == 200)
        #expect(ContinuousClock.now - start < HTTPServer.clientTimeout + .seconds(2))
    }

    @Test("concurrent scrapes are all answered in full")
    func concurrentScrapes() throws {
        let fixture = try Fixture()
        let port = fixture.server.port
        let expected = fixture.registry.render()
        let answers = Mutex<[Int]>([])
        DispatchQueue.concurrentPerform(iterations: 24) { index in
            let path = index.isMultiple(of: 2) ? "/metrics" : "/health"
            let response = try? HTTPTestClient.request(path, port: port)
            let complete = path == "/health" || response?.body == expected
            answers.withLock { $0.append(complete ? response?.status ?? 0 : -1) }
        }
        #expect(answers.withLock { $0 } == Array(repeating: 200, count: 24))
    }

    @Test("a port in use is refused with portInUse, or the next free one taken when alternatives are allowed")
    func portInUse() throws {
        let fixture = try Fixture()
        let taken = fixture.server.port
        let endpoint = OperatorEndpoint(registry: MetricsRegistry(), health: Health())
        #expect(throws: ObservabilityError.self) { try endpoint.serve(host: "127.0.0.1", port: taken) }
        do {
            _ = try endpoint.serve(host: "127.0.0.1", port: taken)
        } catch {
            #expect(error.code == .portInUse)
            #expect(error.description.contains("port \(taken)"))
        }
        guard taken < .max else { return }
        let next = try endpoint.serve(host: "127.0.0.1", port: taken, alternatives: 5)
        defer { next.stop() }
        #expect(next.port > taken && next.port <= taken + 5)
        #expect(try HTTPTestClient.request("/health", port: next.port).status == 200)
        #expect(throws: ObservabilityError(.invalidAddress, "nowhere is not an IPv4 address")) {
            try endpoint.serve(host: "nowhere", port: 0)
        }
    }
}
