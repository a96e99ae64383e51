/// What the metrics port answers:
/// - `GET /metrics`: every metric of the registry, Prometheus text format;
/// - `GET /health` and `/health/ready`: 200 when every readiness check passes, else 503, with the checks as JSON;
/// - `GET /health/live`: 200 while the process answers at all.
///
/// `HEAD` is answered like `GET` without the body; other methods get 405, other paths 404.
public struct OperatorEndpoint: Sendable {
    public let registry: MetricsRegistry
    public let health: Health

    public init(registry: MetricsRegistry, health: Health) {
        self.registry = registry
        self.health = health
    }

    public func respond(to request: HTTPRequest) -> HTTPResponse {
        let routes = ["/metrics", "/health", "/health/ready", "/health/live"]
        guard routes.contains(request.path) else { return .notFound }
        guard request.method == "GET" || request.method == "HEAD" else { return .methodNotAllowed(allow: "GET, HEAD") }
        switch request.path {
        case "/metrics":
            return HTTPResponse(status: 200, contentType: PrometheusText.contentType, body: registry.render())
        case "/health/live":
            return HTTPResponse(status: 200, contentType: "application/json", body: "{\"live\":true}\n")
        default:
            let (ready, body) = health.json()
            return HTTPResponse(status: ready ? 200 : 503, contentType: "application/json", body: body)
        }
    }

    /// Serves this endpoint on `port` of `host` (loopback unless told otherwise); when another process has it, on
    /// the first free one of the `alternatives` ports after it (so that several workers on one host can share a
    /// setting).
    public func serve(
        host: String = "127.0.0.1", port: UInt16, alternatives: Int = 0
    ) throws(ObservabilityError) -> HTTPServer {
        var candidate = port
        while true {
            do {
                return try HTTPServer(host: host, port: candidate, handler: respond(to:))
            } catch  where error.code == .portInUse && Int(candidate) < Int(port) + alternatives && candidate < .max {
                candidate += 1
            } catch  where error.code == .portInUse && alternatives > 0 {
                throw ObservabilityError(.portInUse, "ports \(port)–\(candidate) on \(host) are all in use")
            }
        }
    }
}
