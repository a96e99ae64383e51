/// How to reach a broker and how to behave when the connection is lost.
///
/// Create one from a URL with ``init(url:)`` and adjust the fields you need. Its ``description`` never shows the
/// password.
public struct AMQPConfiguration: Sendable, Hashable, CustomStringConvertible {
    /// TLS settings for `amqps://` connections.
    public struct TLS: Sendable, Hashable {
        /// PEM file with the certificate authorities to trust. Default: none (the system's store is not used by
        /// librabbitmq, so peer verification needs this file).
        public var caFile: String?
        /// PEM file with the client certificate, for mutual TLS. Needs ``keyFile``.
        public var certificateFile: String?
        /// PEM file with the client's private key.
        public var keyFile: String?
        /// Whether the broker's certificate and host name are verified. Default: `true`.
        public var verifyPeer: Bool = true

        public init(
            caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil, verifyPeer: Bool = true
        ) {
            self.caFile = caFile
            self.certificateFile = certificateFile
            self.keyFile = keyFile
            self.verifyPeer = verifyPeer
        }
    }

    /// One node of a broker or cluster.
    public struct Endpoint: Sendable, Hashable {
        public var host: String
        public var port: Int
        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }
    }

    /// Broker host name or address. Default: `127.0.0.1`.
    public var host: String = "127.0.0.1"
    /// Broker port. Default: 5672, or 5671 with TLS.
    public var port: Int = 5672
    /// The cluster's other nodes, tried in turn after ``host``:``port`` when a node cannot be reached or the
    /// connection to it is lost (a comma-separated list of URLs gives them). Default: none.
    public var alternateEndpoints: [Endpoint] = []

    /// Every node, in the order first tried.
    public var endpoints: [Endpoint] { [Endpoint(host: host, port: port)] + alternateEndpoints }
    /// Virtual host. Default: `/`.
    public var virtualHost: String = "/"
    /// User name. Default: `guest`.
    public var username: String = "guest"
    /// Password. Default: `guest`. Never printed.
    public var password: String = "guest"
    /// TLS settings; `nil` for a plain TCP connection.
    public var tls: TLS?
    /// Heartbeat interval asked of the broker; `.zero` disables heartbeats. Default: 30 s.
    public var heartbeat: Duration = .seconds(30)
    /// Limit for the TCP connect and, separately, for the AMQP handshake. Default: 10 s.
    public var connectTimeout: Duration = .seconds(10)
    /// Limit for a synchronous AMQP method (declare, consume, …). Default: 30 s.
    public var rpcTimeout: Duration = .seconds(30)
    /// Most published messages awaiting a confirm at once; more wait in the client. Default: 1,024.
    public var maxUnconfirmedPublishes: Int = 1024
    /// How to retry after the connection is lost.
    public var reconnect: AMQPReconnectPolicy = .init()
    /// Shown in the broker's management UI and in `rabbitmqctl list_connections`.
    public var connectionName: String?
    /// Largest frame size offered to the broker. Default: 131,072 bytes.
    public var frameMax: Int = 131_072

    /// A configuration for a local broker with default credentials.
    public init() {}

    public var description: String {
        "\(tls == nil ? "amqp" : "amqps")://\(username)@\(host):\(port)/\(virtualHost == "/" ? "" : virtualHost)"
            + (alternateEndpoints.isEmpty
                ? "" : " (and " + alternateEndpoints.map { "\($0.host):\($0.port)" }.joined(separator: ", ") + ")")
    }

    /// Checks the values librabbitmq cannot check itself; called before connecting.
    func validate() throws(AMQPError) {
        func invalid(_ reason: String) -> AMQPError { AMQPError(.invalidConfiguration, reason) }
        for endpoint in endpoints {
            guard !endpoint.host.isEmpty else { throw invalid("host is empty") }
            guard (1...65535).contains(endpoint.port) else { throw invalid("port \(endpoint.port) is outside 1…65535") }
            guard !endpoint.host.utf8.contains(0) else {
                throw invalid("connection parameters may not contain NUL bytes")
            }
        }
        guard heartbeat >= .zero, heartbeat.seconds <= 65535 else { throw invalid("heartbeat must be 0…65535 s") }
        guard connectTimeout > .zero, rpcTimeout > .zero else { throw invalid("timeouts must be positive") }
        guard maxUnconfirmedPublishes > 0 else { throw invalid("maxUnconfirmedPublishes must be positive") }
        guard frameMax >= 4096 else { throw invalid("frameMax must be at least 4096") }
        if let tls, (tls.certificateFile == nil) != (tls.keyFile == nil) {
            throw invalid("a TLS client certificate needs both certificateFile and keyFile")
        }
        for text in [host, virtualHost, username, password] where text.utf8.contains(0) {
            throw invalid("connection parameters may not contain NUL bytes")
        }
        try reconnect.validate()
    }
}

extension Duration {
    /// Whole seconds, rounded down.
    var seconds: Int64 { components.seconds }
    /// Whole milliseconds, rounded down.
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
