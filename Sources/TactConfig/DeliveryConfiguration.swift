import Domain
import Foundation
import Templates

/// What the senders (`tact deliver`) need: who writes (the firm), how creditors are named, and how to reach the
/// e-mail relay, the SMS provider and the letter spool. From `tact.yaml`'s `firm`, `creditors` and `delivery`
/// sections; secrets only from the environment (`TACT_SMTP_PASSWORD`, `TACT_SMS_SECRET`), and `TACT_SMTP_URL`,
/// `TACT_SMS_URL`, `TACT_LETTER_SPOOL` override the file.
public struct DeliveryConfiguration: Sendable, Equatable {
    /// How an e-mail relay is reached.
    public struct Email: Sendable, Equatable {
        /// STARTTLS: `required` (the default), `optional` (when the relay offers it) or `none` (loopback relays).
        public enum TLS: String, Sendable, Equatable, CaseIterable { case required, optional, none }
        /// `smtp://host:port` (STARTTLS as `tls` says) or `smtps://host:port` (TLS from the start).
        public var url: String?
        public var from = ""
        public var tls = TLS.required
        /// CA certificates to trust instead of the system's (a private relay's).
        public var caFile: String?
        public var username: String?
        /// From `TACT_SMTP_PASSWORD`; never in the file.
        public var password: String?
    }

    /// How the SMS provider's HTTP API is reached.
    public struct SMS: Sendable, Equatable {
        public var url: String?
        /// From `TACT_SMS_SECRET`: the key of the HMAC-SHA256 signature on every request.
        public var secret: String?
        public var timeoutSeconds = 10
        public var caFile: String?
    }

    public var firm: MessageValues.Firm?
    /// How messages name each creditor (by id); a creditor not named here is named by its id.
    public var creditorNames: [String: String] = [:]
    public var email = Email()
    public var sms = SMS()
    /// Where letters are written for the print house.
    public var letterSpool = ".tact/letters"
    /// Reminders each sender process works on at once.
    public var concurrency = 4

    public init() {}

    /// The creditor's name for messages.
    public func creditorName(_ id: String) -> String { creditorNames[id] ?? id }

    /// Applies the environment's secrets and overrides.
    mutating func apply(environment: [String: String]) {
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let url = value("TACT_SMTP_URL") { email.url = url }
        if let password = value("TACT_SMTP_PASSWORD") { email.password = password }
        if let url = value("TACT_SMS_URL") { sms.url = url }
        if let secret = value("TACT_SMS_SECRET") { sms.secret = secret }
        if let spool = value("TACT_LETTER_SPOOL") { letterSpool = spool }
    }

    // MARK: File shape

    struct FirmSection: Decodable {
        var name: String, phone: String, email: String, website: String, address: String, optOutURL: String
        var surveyURL: String
        private enum CodingKeys: String, CodingKey, CaseIterable {
            case name, phone, email, website, address, optOutURL, surveyURL
        }
    }

    struct CreditorsSection: Decodable {
        var names: [String: String]?
        private enum CodingKeys: String, CodingKey, CaseIterable { case names }
    }

    struct DeliverySection: Decodable {
        struct EmailSection: Decodable {
            var url: String?
            var from: String
            var tls: String?
            var caFile: String?
            var username: String?
            private enum CodingKeys: String, CodingKey, CaseIterable { case url, from, tls, caFile, username }
        }
        struct SMSSection: Decodable {
            var url: String?, timeoutSeconds: Int?, caFile: String?
            private enum CodingKeys: String, CodingKey, CaseIterable { case url, timeoutSeconds, caFile }
        }
        struct LetterSection: Decodable {
            var spool: String
            private enum CodingKeys: String, CodingKey, CaseIterable { case spool }
        }
        var concurrency: Int?, email: EmailSection?, sms: SMSSection?, letter: LetterSection?
        private enum CodingKeys: String, CodingKey, CaseIterable { case concurrency, email, sms, letter }
    }

    static func decode(
        firm: FirmSection?, creditors: CreditorsSection?, delivery: DeliverySection?, file: String
    ) throws(ConfigError) -> DeliveryConfiguration {
        var configuration = DeliveryConfiguration()
        if let firm {
            for (field, value) in [
                ("name", firm.name), ("phone", firm.phone), ("email", firm.email), ("address", firm.address),
            ] where value.trimmingCharacters(in: .whitespaces).isEmpty {
                throw ConfigError(.invalidContent, file: file, field: "firm.\(field)", "must not be empty")
            }
            for (field, value) in [
                ("website", firm.website), ("optOutURL", firm.optOutURL), ("surveyURL", firm.surveyURL),
            ]
            where !value.hasPrefix("https://") {
                throw ConfigError(.invalidContent, file: file, field: "firm.\(field)", "must be an https:// address")
            }
            configuration.firm = MessageValues.Firm(
                name: firm.name, phone: firm.phone, email: firm.email, website: firm.website, address: firm.address,
                optOutURL: firm.optOutURL, surveyURL: firm.surveyURL)
        }
        configuration.creditorNames = creditors?.names ?? [:]
        guard let delivery else { return configuration }
        if let concurrency = delivery.concurrency {
            guard (1...64).contains(concurrency) else {
                throw ConfigError(.invalidContent, file: file, field: "delivery.concurrency", "must be 1…64")
            }
            configuration.concurrency = concurrency
        }
        if let email = delivery.email {
            if let url = email.url {
                guard url.hasPrefix("smtp://") || url.hasPrefix("smtps://") else {
                    throw ConfigError(
                        .invalidContent, file: file, field: "delivery.email.url", "must be smtp://HOST:PORT or smtps://"
                    )
                }
            }
            guard email.from.contains("@") else {
                throw ConfigError(
                    .invalidContent, file: file, field: "delivery.email.from", "must be an e-mail address")
            }
            var tls = Email.TLS.required
            if let text = email.tls {
                guard let value = Email.TLS(rawValue: text) else {
                    throw ConfigError(
                        .invalidContent, file: file, field: "delivery.email.tls", "must be required, optional or none")
                }
                tls = value
            }
            configuration.email = Email(
                url: email.url, from: email.from, tls: tls, caFile: email.caFile, username: email.username)
        }
        if let sms = delivery.sms {
            if let url = sms.url, !(url.hasPrefix("https://") || url.hasPrefix("http://")) {
                throw ConfigError(
                    .invalidContent, file: file, field: "delivery.sms.url", "must be an http(s):// address")
            }
            configuration.sms.url = sms.url
            configuration.sms.caFile = sms.caFile
            if let timeout = sms.timeoutSeconds {
                guard (1...120).contains(timeout) else {
                    throw ConfigError(
                        .invalidContent, file: file, field: "delivery.sms.timeoutSeconds", "must be 1…120")
                }
                configuration.sms.timeoutSeconds = timeout
            }
        }
        if let letter = delivery.letter {
            guard !letter.spool.isEmpty else {
                throw ConfigError(.invalidContent, file: file, field: "delivery.letter.spool", "must not be empty")
            }
            configuration.letterSpool = letter.spool
        }
        return configuration
    }
}
