import Foundation
import Glibc
import Synchronization

/// A minimal HTTP/1.1 server on POSIX sockets, for `/metrics` and `/health`: one request per connection, each
/// connection on a thread of its own (socket calls block, so they stay off Swift's cooperative pool), up to
/// ``maxConnections`` at once. It serves from its creation until ``stop()``.
///
/// Deliberately small: the request head is read up to ``maxRequestBytes`` (431 beyond), bodies are never read,
/// every response closes the connection, and a client gets ``clientTimeout`` in all to send its request and take
/// the response, however slowly it trickles bytes. Slow or idle clients therefore hold a connection for at most
/// that long, and never keep `/health` waiting behind them (a liveness probe that timed out would restart the
/// service). Beyond ``maxConnections`` a new connection is closed at once, unanswered.
public final class HTTPServer: Sendable {
    /// The largest request head read; a longer one gets 431.
    public static let maxRequestBytes = 8192
    /// How long one connection may take in all: receiving the request, sending the response.
    public static let clientTimeout: Duration = .seconds(2)
    /// Connections served at once.
    public static let maxConnections = 128

    /// The address bound, e.g. `0.0.0.0:9470`.
    public let address: String
    /// The port bound: the one asked for, or the one the system chose for 0.
    public let port: UInt16
    private let listener: Int32
    private let handler: @Sendable (HTTPRequest) -> HTTPResponse
    private let stopping = Atomic<Bool>(false)
    private let serving = Atomic<Int>(0)

    /// Binds and starts serving.
    ///
    /// - Parameters:
    ///   - host: An IPv4 address: loopback by default; `0.0.0.0` (every interface) for a Prometheus elsewhere.
    ///   - port: 0 lets the system choose (tests).
    ///   - handler: Answers each request; runs on the server's thread, so it must not block for long.
    /// - Throws: ``ObservabilityError``, `portInUse` when another process listens on the port.
    public init(
        host: String = "127.0.0.1", port: UInt16, handler: @escaping @Sendable (HTTPRequest) -> HTTPResponse
    ) throws(ObservabilityError) {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            throw ObservabilityError(.invalidAddress, "\(host) is not an IPv4 address")
        }
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw ObservabilityError(.cannotCreateSocket, Self.systemError()) }
        var yes: Int32 = 1
        // A restarted service can bind again at once, while the old connections linger in TIME_WAIT.
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            let code: ObservabilityError.Code = errno == EADDRINUSE ? .portInUse : .cannotBind
            let reason = "port \(port) on \(host): \(Self.systemError())"
            close(descriptor)
            throw ObservabilityError(code, reason)
        }
        guard listen(descriptor, 128) == 0 else {
            let reason = Self.systemError()
            close(descriptor)
            throw ObservabilityError(.cannotListen, reason)
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.listener = descriptor
        self.port = UInt16(bigEndian: actual.sin_port)
        self.address = "\(host):\(self.port)"
        self.handler = handler
        let server = self
        let thread = Thread { server.serve() }
        thread.name = "tact-metrics-http"
        thread.start()
    }

    /// Stops accepting within a tenth of a second and closes the socket; does not wait.
    public func stop() {
        stopping.store(true, ordering: .releasing)
    }

    // MARK: Serving thread

    private func serve() {
        defer { close(listener) }
        while !stopping.load(ordering: .acquiring) {
            // Polled with a timeout rather than blocked in accept, so that stop() is noticed.
            var waiting = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&waiting, 1, 100) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else {
                // Out of descriptors, say: the connection stays queued and poll returns at once, so pause
                // rather than spin.
                if errno != EINTR && errno != EAGAIN { usleep(100_000) }
                continue
            }
            // Glibc's module does not export accept4; the services never exec, so the gap before this is harmless.
            _ = fcntl(client, F_SETFD, FD_CLOEXEC)
            guard serving.add(1, ordering: .acquiringAndReleasing).newValue <= Self.maxConnections else {
                serving.subtract(1, ordering: .acquiringAndReleasing)
                close(client)
                continue
            }
            let server = self
            let thread = Thread {
                server.answer(client)
                server.serving.subtract(1, ordering: .acquiringAndReleasing)
            }
            thread.name = "tact-metrics-client"
            thread.start()
        }
    }

    private func answer(_ client: Int32) {
        defer { close(client) }
        // One deadline for the whole connection: a per-call socket timeout would let a client that sends a byte
        // now and then hold the only serving thread for hours.
        let deadline = ContinuousClock.now + Self.clientTimeout
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 2048)
        var response: HTTPResponse?
        var isHead = false
        while response == nil {
            switch HTTPRequest.parse(received) {
            case .request(let request):
                isHead = request.method == "HEAD"
                response = handler(request)
            case .malformed:
                response = .badRequest
            case .incomplete where received.count >= Self.maxRequestBytes:
                response = .tooLarge
            case .incomplete:
                guard Self.wait(for: client, POLLIN, until: deadline) else { return }
                let count = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                // Closed, timed out or failed before a whole head arrived: nothing to answer.
                guard count > 0 else { return }
                received += chunk[..<count]
            }
        }
        send(response!.serialized(includeBody: !isHead), to: client, until: deadline)
        // Read what the client still sends (a body, the rest of an oversized head) before closing, for a fifth of
        // a second at most: closing with unread bytes resets the connection, and the client could lose the
        // response.
        shutdown(client, Int32(SHUT_WR))
        let lingering = min(deadline, ContinuousClock.now + .milliseconds(200))
        var drained = 0
        while drained < 65_536, Self.wait(for: client, POLLIN, until: lingering) {
            let count = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            drained += count
        }
    }

    private func send(_ bytes: [UInt8], to client: Int32, until deadline: ContinuousClock.Instant) {
        var offset = 0
        while offset < bytes.count, Self.wait(for: client, POLLOUT, until: deadline) {
            // MSG_NOSIGNAL: a client gone away is an error here, not a SIGPIPE that ends the process.
            let sent = bytes[offset...].withUnsafeBytes {
                Glibc.send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { return }
            offset += sent
        }
    }

    /// Whether `client` became ready for `event` before `deadline`.
    private static func wait(for client: Int32, _ event: Int32, until deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return false }
            let milliseconds = Int32(
                left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
            var descriptor = pollfd(fd: client, events: Int16(event), revents: 0)
            let ready = poll(&descriptor, 1, max(1, milliseconds))
            if ready > 0 { return true }
            // 0: the time ran out (checked again above, as poll may wake a little early); EINTR: a signal.
            if ready == 0 || errno == EINTR { continue }
            return false
        }
    }

    private static func systemError() -> String { String(cString: strerror(errno)) }
}
