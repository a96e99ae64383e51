import Domain
import Foundation
import TactConfig
import Templates

/// E-mail through an SMTP relay with libcurl: STARTTLS and authentication as configured; the message is
/// `multipart/alternative` (plain text and HTML, UTF-8), with `List-Unsubscribe` naming the opt-out page.
public struct SMTPTransport: Transport {
    public let retriesAreSafe = false
    public let channel = Channel.email
    public let timeout: Duration
    let settings: DeliveryConfiguration.Email
    let url: String

    public init(_ settings: DeliveryConfiguration.Email, timeout: Duration = .seconds(30)) throws(DeliveryError) {
        guard let url = settings.url else {
            throw DeliveryError(.notConfigured, "delivery.email.url (or TACT_SMTP_URL) is not set")
        }
        guard url.hasPrefix("smtp://") || url.hasPrefix("smtps://") else {
            throw DeliveryError(.notConfigured, "the e-mail relay must be smtp://HOST:PORT or smtps://HOST:PORT")
        }
        self.settings = settings
        self.url = url
        self.timeout = timeout
    }

    public func send(_ outgoing: Outgoing) async -> SendResult {
        // An address that could break out of its header or the SMTP envelope is never sent to.
        guard Self.isPlainAddress(outgoing.to) else { return .rejected(reason: "invalid-address") }
        let message = Self.compose(outgoing, from: settings.from, date: Date())
        let tls: Int32 =
            switch settings.tls {
            case .none: 0
            case .optional: 1
            case .required: 2
            }
        let result = await Curl.smtp(
            url: url, username: settings.username, password: settings.password, tls: tls, caFile: settings.caFile,
            from: settings.from, to: [outgoing.to], message: Array(message.utf8), timeout: timeout)
        if result.completed { return .delivered }
        // No relay, no TLS, or our login refused: the relay's trouble or ours, never the message's.
        if let reason = Self.setupFailures[result.code] { return .unavailable(reason: reason, maybeSent: false) }
        // The relay's reply decides: 5xx is final, 4xx is "try later"; but a relay that wants TLS or a login first
        // (530, 534, 535, 538) says something about us, not the message.
        if [530, 534, 535, 538].contains(result.response) {
            return .unavailable(reason: "smtp-\(result.response)", maybeSent: false)
        }
        if (500...599).contains(result.response) { return .rejected(reason: "smtp-\(result.response)") }
        if (400...499).contains(result.response) {
            return .unavailable(reason: "smtp-\(result.response)", maybeSent: false)
        }
        let reason = result.timedOut ? "timeout" : "smtp-connection"
        return .unavailable(reason: reason, maybeSent: !result.neverSent)
    }

    /// libcurl codes that mean the message never reached the relay's queue, by reason: name not resolved,
    /// connection refused, TLS handshake, certificate, STARTTLS refused, login denied.
    static let setupFailures: [Int32: String] = [
        6: "smtp-connection", 7: "smtp-connection", 35: "smtp-tls", 60: "smtp-tls", 64: "smtp-tls", 67: "smtp-login",
    ]

    /// `local@domain`, printable ASCII without spaces, angle brackets or commas.
    static func isPlainAddress(_ address: String) -> Bool {
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && address.utf8.count <= 254
            && address.utf8.allSatisfy { (33...126).contains($0) && !"<>,;\"()[]\\".utf8.contains($0) }
    }

    /// The RFC 5322 message: headers, then text and HTML parts in base64 (so no line is ever too long).
    static func compose(_ outgoing: Outgoing, from: String, date: Date) -> String {
        let boundary =
            "tact-"
            + outgoing.id.unicodeScalars.filter { CharacterSet.alphanumerics.contains($0) }
            .map(String.init).joined()
        let domain = from.split(separator: "@").last.map(String.init) ?? "tact"
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        var headers = [
            "From: \(from)",
            "To: \(outgoing.to)",
            "Subject: \(encodedWord(outgoing.message.subject ?? ""))",
            "Date: \(formatter.string(from: date))",
            // One id per hand-out: a relay or mailbox that sees it twice knows it is the same message.
            "Message-ID: <\(messageIDPart(outgoing.id))@\(domain)>",
            "MIME-Version: 1.0",
        ]
        if let link = outgoing.optOutLink {
            headers.append("List-Unsubscribe: <\(link)>")
        }
        headers.append("Content-Type: multipart/alternative; boundary=\"\(boundary)\"")
        func part(_ type: String, _ text: String) -> String {
            "--\(boundary)\r\nContent-Type: \(type); charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
                + base64Lines(text) + "\r\n"
        }
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + part("text/plain", outgoing.message.text)
            + part("text/html", outgoing.message.html ?? "") + "--\(boundary)--\r\n"
    }

    /// The contact's id as the left part of a Message-ID (RFC 5322 dot-atom text): ASCII letters, digits, `-`, `/`
    /// and `.` kept, every other byte written `=XX`.
    static func messageIDPart(_ id: String) -> String {
        var out = ""
        for byte in id.utf8 {
            let kept =
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || "-/.".utf8.contains(byte)
            out += kept ? String(UnicodeScalar(byte)) : "=" + String(byte, radix: 16, uppercase: true)
        }
        return out
    }

    /// A header value as an RFC 2047 encoded word when it is not plain ASCII.
    static func encodedWord(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !$0.isASCII || $0.value < 32 }) else { return text }
        return "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }

    private static func base64Lines(_ text: String) -> String {
        let encoded = Data(text.utf8).base64EncodedString()
        var lines: [Substring] = []
        var rest = encoded[...]
        while !rest.isEmpty {
            lines.append(rest.prefix(76))
            rest = rest.dropFirst(76)
        }
        return lines.joined(separator: "\r\n")
    }
}
