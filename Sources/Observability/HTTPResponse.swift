/// A complete response; the server adds `Content-Length` and `Connection: close`.
public struct HTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(
        status: Int, contentType: String = "text/plain; charset=utf-8", headers: [(String, String)] = [], body: String
    ) {
        self.status = status
        self.headers = [("Content-Type", contentType)] + headers
        self.body = Array(body.utf8)
    }

    public static func == (lhs: HTTPResponse, rhs: HTTPResponse) -> Bool {
        lhs.status == rhs.status && lhs.body == rhs.body && lhs.headers.elementsEqual(rhs.headers, by: ==)
    }

    static let notFound = HTTPResponse(status: 404, body: "not found\n")
    static let badRequest = HTTPResponse(status: 400, body: "bad request\n")
    static let tooLarge = HTTPResponse(status: 431, body: "request header fields too large\n")

    static func methodNotAllowed(allow: String) -> HTTPResponse {
        HTTPResponse(status: 405, headers: [("Allow", allow)], body: "method not allowed\n")
    }

    /// The bytes on the wire; without the body for a HEAD request (the length stays the body's).
    func serialized(includeBody: Bool) -> [UInt8] {
        var head = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        return Array(head.utf8) + (includeBody ? body : [])
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 431: "Request Header Fields Too Large"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }
}
