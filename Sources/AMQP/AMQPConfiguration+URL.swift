import Foundation

extension AMQPConfiguration {
    /// Parses `amqp://user:pass@host:port/vhost?query` or `amqps://…` as RabbitMQ's URI spec describes.
    ///
    /// Components are percent-decoded; an empty or missing path means the virtual host `/` (write `%2F` to be
    /// explicit). Recognised query parameters: `heartbeat` (seconds), `connection_timeout` (milliseconds),
    /// `cacertfile`, `certfile`, `keyfile`, `verify` (`verify_peer` or `verify_none`), `name`.
    ///
    /// A comma-separated list of such URLs names the nodes of one cluster (`amqp://u:p@h1:5672/,amqp://u:p@h2:5672/`):
    /// the first gives everything, and the others must agree with it but for host and port, which become
    /// ``alternateEndpoints``. (A comma in a user name or password is written `%2C`.)
    ///
    /// - Throws: An ``AMQPError`` with code ``AMQPError/Code/invalidURL`` naming the part that is wrong; the URL
    ///   itself is never repeated, because it may hold a password.
    public init(url: String) throws(AMQPError) {
        let urls = url.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        try self.init(singleURL: urls[0])
        for (index, other) in urls.enumerated().dropFirst() {
            let node = try AMQPConfiguration(singleURL: other)
            guard node.tls == tls, node.virtualHost == virtualHost, node.username == username,
                node.password == password, node.heartbeat == heartbeat, node.connectTimeout == connectTimeout,
                node.connectionName == connectionName
            else {
                throw AMQPError(
                    .invalidURL, "URL \(index + 1) of the list differs from the first in more than host and port")
            }
            alternateEndpoints.append(Endpoint(host: node.host, port: node.port))
        }
    }

    private init(singleURL url: String) throws(AMQPError) {
        self.init()
        func invalid(_ reason: String) -> AMQPError { AMQPError(.invalidURL, reason) }

        guard let schemeEnd = url.range(of: "://") else { throw invalid("missing scheme (amqp:// or amqps://)") }
        switch url[..<schemeEnd.lowerBound].lowercased() {
        case "amqp": port = 5672
        case "amqps":
            port = 5671
            tls = TLS()
        default: throw invalid("scheme must be amqp or amqps")
        }
        var rest = Substring(url[schemeEnd.upperBound...])

        var query = Substring("")
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var path: Substring?
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            let parts = userInfo.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard let user = Self.decode(parts[0]) else { throw invalid("user name is not valid percent-encoding") }
            username = user
            if parts.count == 2 {
                guard let pass = Self.decode(parts[1]) else { throw invalid("password is not valid percent-encoding") }
                password = pass
            }
        }
        try parseHostAndPort(rest)
        if let path, !path.isEmpty {
            guard !path.contains("/") else { throw invalid("virtual host must be one path segment (write / as %2F)") }
            guard let vhost = Self.decode(path) else { throw invalid("virtual host is not valid percent-encoding") }
            virtualHost = vhost
        }
        try parseQuery(query)
    }

    private mutating func parseHostAndPort(_ authority: Substring) throws(AMQPError) {
        var hostPart = authority
        var portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw AMQPError(.invalidURL, "IPv6 address is missing its closing bracket")
            }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") {
                portPart = after.dropFirst()
            } else if !after.isEmpty {
                throw AMQPError(.invalidURL, "unexpected text after the IPv6 address")
            }
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        }
        if !hostPart.isEmpty {
            guard let decoded = Self.decode(hostPart) else { throw AMQPError(.invalidURL, "host is not valid") }
            host = decoded
        }
        if let portPart {
            guard let value = Int(portPart), (1...65535).contains(value) else {
                throw AMQPError(.invalidURL, "port must be a number from 1 to 65535")
            }
            port = value
        }
    }

    private mutating func parseQuery(_ query: Substring) throws(AMQPError) {
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(kv[0])
            guard kv.count == 2, let value = Self.decode(kv[1]) else {
                throw AMQPError(.invalidURL, "query parameter '\(key)' has no valid value")
            }
            switch key {
            case "heartbeat":
                guard let seconds = Int(value), (0...65535).contains(seconds) else {
                    throw AMQPError(.invalidURL, "heartbeat must be 0…65535 seconds")
                }
                heartbeat = .seconds(seconds)
            case "connection_timeout":
                guard let ms = Int(value), ms > 0 else {
                    throw AMQPError(.invalidURL, "connection_timeout must be a positive number of milliseconds")
                }
                connectTimeout = .milliseconds(ms)
            case "cacertfile", "certfile", "keyfile", "verify":
                guard tls != nil else { throw AMQPError(.invalidURL, "'\(key)' needs the amqps scheme") }
                switch key {
                case "cacertfile": tls?.caFile = value
                case "certfile": tls?.certificateFile = value
                case "keyfile": tls?.keyFile = value
                default:
                    guard value == "verify_peer" || value == "verify_none" else {
                        throw AMQPError(.invalidURL, "verify must be verify_peer or verify_none")
                    }
                    tls?.verifyPeer = value == "verify_peer"
                }
            case "name": connectionName = value
            default:
                // Other clients' parameters (channel_max, auth_mechanism, …) are not errors: the URL may be shared.
                continue
            }
        }
    }

    private static func decode(_ text: Substring) -> String? {
        String(text).removingPercentEncoding
    }
}
