import CCurlShims
import Dispatch
import Foundation

/// libcurl's blocking transfers, run on Dispatch threads so that none blocks Swift's cooperative pool.
enum Curl {
    /// What one transfer came to.
    struct Result: Sendable {
        /// libcurl's code: 0 when the transfer completed (an HTTP error status still completes).
        var code: Int32
        /// The server's last reply: SMTP reply code or HTTP status; 0 when none came.
        var response: Int
        /// Whether libcurl read the whole request: a failure after that may have been acted on.
        var sentInFull: Bool
        var error: String

        var completed: Bool { code == 0 }
        /// Connection refused, name not resolved, TLS or login failed: nothing reached the server's inbox.
        var neverSent: Bool { !sentInFull || [6, 7, 35, 60, 64, 67].contains(code) }
        /// libcurl's timeout.
        var timedOut: Bool { code == 28 }
    }

    private static let initialised: Bool = tact_curl_global_init() == 0
    private static let queue = DispatchQueue(label: "tact.curl", attributes: .concurrent)

    /// Runs `transfer` on a Dispatch thread and resumes with its result.
    private static func perform(_ transfer: @escaping @Sendable () -> tact_curl_result) async -> Result {
        guard initialised else {
            return Result(code: 2, response: 0, sentInFull: false, error: "libcurl failed to start")
        }
        return await withCheckedContinuation { continuation in
            queue.async {
                var raw = transfer()
                let error = withUnsafeBytes(of: &raw.error) { bytes in
                    String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
                }
                continuation.resume(
                    returning: Result(
                        code: raw.code, response: raw.response, sentInFull: raw.sent_in_full != 0, error: error))
            }
        }
    }

    /// Sends `message` (RFC 5322, CRLF line ends) through an SMTP relay.
    static func smtp(
        url: String, username: String?, password: String?, tls: Int32, caFile: String?, from: String, to: [String],
        message: [UInt8], timeout: Duration
    ) async -> Result {
        let milliseconds = Int(timeout.components.seconds * 1000)
        return await perform {
            withCStrings(to) { recipients in
                message.withUnsafeBufferPointer { body in
                    body.withMemoryRebound(to: CChar.self) { chars in
                        tact_smtp_send(
                            url, username, password, tls, caFile, from, recipients, to.count, chars.baseAddress,
                            chars.count, milliseconds)
                    }
                }
            }
        }
    }

    /// POSTs `body` with `headers` ("Name: value").
    static func post(url: String, headers: [String], body: [UInt8], caFile: String?, timeout: Duration) async -> Result
    {
        let milliseconds = Int(timeout.components.seconds * 1000)
        return await perform {
            withCStrings(headers) { lines in
                body.withUnsafeBufferPointer { bytes in
                    bytes.withMemoryRebound(to: CChar.self) { chars in
                        tact_http_post(url, lines, headers.count, chars.baseAddress, chars.count, caFile, milliseconds)
                    }
                }
            }
        }
    }

    /// `strings` as an array of C strings, valid inside `body`.
    private static func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
        let copies = strings.map { strdup($0) }
        defer { for copy in copies { free(copy) } }
        // Terminated, so that the array is never empty.
        let pointers = copies.map { UnsafePointer($0) } + [nil]
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
