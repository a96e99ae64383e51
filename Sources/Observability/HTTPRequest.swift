/// The request line of an HTTP/1.x request: all the endpoint needs. Headers are read (to find their end) and
/// ignored; a body is never read.
public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    /// The path, without the query string.
    public var path: String

    public init(method: String, path: String) {
        self.method = method
        self.path = path
    }

    /// What reading a request from a connection gave.
    enum Parsed: Equatable {
        case request(HTTPRequest)
        /// The head is not complete yet.
        case incomplete
        /// Not an HTTP/1.x request.
        case malformed
    }

    /// Parses `bytes` read so far; the head ends at the first empty line.
    static func parse(_ bytes: [UInt8]) -> Parsed {
        guard headEnd(bytes) != nil else { return .incomplete }
        // The head ends with an empty line, so the request line has its line feed.
        let lineEnd = bytes.firstIndex(of: UInt8(ascii: "\n"))!
        guard let line = String(validating: bytes[..<lineEnd], as: UTF8.self) else { return .malformed }
        let parts = line.trimmingSuffix("\r").split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[2] == "HTTP/1.1" || parts[2] == "HTTP/1.0",
            !parts[0].isEmpty, parts[0].allSatisfy({ $0.isUppercase || $0 == "-" }),
            parts[1].hasPrefix("/")
        else { return .malformed }
        let path = parts[1].split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        return .request(HTTPRequest(method: String(parts[0]), path: String(path)))
    }

    /// The index of the empty line ending the head (`\r\n\r\n`, or `\n\n` from lenient clients).
    private static func headEnd(_ bytes: [UInt8]) -> Int? {
        var index = 0
        while let newline = bytes[index...].firstIndex(of: UInt8(ascii: "\n")) {
            let next = newline + 1
            if next < bytes.count, bytes[next] == UInt8(ascii: "\n") { return newline }
            if next + 1 < bytes.count, bytes[next] == UInt8(ascii: "\r"), bytes[next + 1] == UInt8(ascii: "\n") {
                return newline
            }
            index = next
        }
        return nil
    }
}

extension StringProtocol {
    fileprivate func trimmingSuffix(_ suffix: String) -> SubSequence {
        hasSuffix(suffix) ? self.dropLast(suffix.count) : self[...]
    }
}
