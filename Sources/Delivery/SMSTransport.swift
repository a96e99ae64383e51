import Crypto
import Domain
import Foundation
import TactConfig
import Templates

/// Texts through a provider's HTTP API: one JSON POST per message, `{"id", "to", "text"}`, signed with
/// HMAC-SHA256 over `TIMESTAMP.BODY` (headers `X-Tact-Timestamp` and `X-Tact-Signature: sha256=HEX`) so that the
/// provider can tell Tact's requests from anyone else's and refuse replays, with `Idempotency-Key` set to the
/// contact's id so that a retried request sends one text. 2xx: delivered; 4xx: refused for good; 5xx and timeouts:
/// tried again.
public struct SMSTransport: Transport {
    public let retriesAreSafe = true
    public let channel = Channel.sms
    public var timeout: Duration { .seconds(settings.timeoutSeconds) }
    let url: String
    /// The signing key's bytes (`SymmetricKey` is not `Sendable`).
    let secret: [UInt8]
    let settings: DeliveryConfiguration.SMS
    let clock: @Sendable () -> Date

    public init(_ settings: DeliveryConfiguration.SMS, clock: @escaping @Sendable () -> Date = Date.init)
        throws(DeliveryError)
    {
        guard let url = settings.url else {
            throw DeliveryError(.notConfigured, "delivery.sms.url (or TACT_SMS_URL) is not set")
        }
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
            throw DeliveryError(.notConfigured, "the SMS provider's URL must be http(s)://")
        }
        guard let secret = settings.secret, secret.utf8.count >= 16 else {
            throw DeliveryError(.notConfigured, "TACT_SMS_SECRET must hold the provider's signing secret (16+ bytes)")
        }
        self.url = url
        self.secret = Array(secret.utf8)
        self.settings = settings
        self.clock = clock
    }

    public func send(_ outgoing: Outgoing) async -> SendResult {
        guard Self.isPhoneNumber(outgoing.to) else { return .rejected(reason: "invalid-number") }
        let body = Self.body(outgoing)
        let timestamp = String(Int(clock().timeIntervalSince1970))
        let headers = [
            "Content-Type: application/json",
            "Idempotency-Key: \(outgoing.id)",
            "X-Tact-Timestamp: \(timestamp)",
            "X-Tact-Signature: sha256=\(Self.signature(timestamp: timestamp, body: body, secret: SymmetricKey(data: secret)))",
            // libcurl otherwise waits for a 100-continue on larger bodies.
            "Expect:",
        ]
        let result = await Curl.post(
            url: url, headers: headers, body: body, caFile: settings.caFile,
            timeout: .seconds(settings.timeoutSeconds))
        if result.completed {
            switch result.response {
            case 200...299: return .delivered
            // The provider's trouble with us (our signature or clock, a rate limit), not with the text: try later.
            case 401, 403, 408, 409, 425, 429: return .unavailable(reason: "http-\(result.response)", maybeSent: false)
            case 400...499: return .rejected(reason: "http-\(result.response)")
            default: return .unavailable(reason: "http-\(result.response)", maybeSent: false)
            }
        }
        return .unavailable(reason: result.timedOut ? "timeout" : "http-connection", maybeSent: !result.neverSent)
    }

    /// The request body, keys sorted.
    static func body(_ outgoing: Outgoing) -> [UInt8] {
        let object = ["id": outgoing.id, "to": outgoing.to, "text": outgoing.message.text]
        return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data())
    }

    /// Hex HMAC-SHA256 of `TIMESTAMP.BODY`.
    public static func signature(timestamp: String, body: [UInt8], secret: SymmetricKey) -> String {
        var mac = HMAC<SHA256>(key: secret)
        mac.update(data: Array(timestamp.utf8) + [UInt8(ascii: ".")] + body)
        return mac.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// E.164: `+` and 8 to 15 digits.
    static func isPhoneNumber(_ number: String) -> Bool {
        number.wholeMatch(of: /\+[0-9]{8,15}/) != nil
    }
}
