import Domain
import Foundation
import Policy

/// JSON encoding and validating decoding of every message Tact exchanges.
public enum MessageCoding {
    /// Largest message body Tact reads; larger ones go to `tact.dead` unread.
    public static let maximumBodySize = 1 << 20

    /// Decodes a message of type `T` and checks its `type`, `version` and every required field.
    ///
    /// - Throws: A ``ContractError`` naming the field and the problem.
    public static func decode<T: ContractMessage>(_ type: T.Type, from body: [UInt8]) throws(ContractError) -> T {
        guard body.count <= maximumBodySize else {
            throw ContractError(.tooLarge, "body of \(body.count) bytes exceeds \(maximumBodySize)")
        }
        if T.comesFromOutside { try InputBounds.check(body) }
        let data = Data(body)
        // One parse for a good message: the header is checked inside it. Only a message that fails is read again,
        // header first, to name its first problem.
        let message: T
        if let checked = try? decoder.decode(Checked<T>.self, from: data) {
            message = checked.message
        } else {
            message = try decodeReportingProblem(T.self, from: data)
        }
        try message.validate()
        return message
    }

    /// Reads `type` and `version` first, so that a message of another kind or version is named as such rather than
    /// as a pile of missing fields; then the message itself.
    private static func decodeReportingProblem<T: ContractMessage>(
        _ type: T.Type, from data: Data
    ) throws(ContractError) -> T {
        let header: Header
        do {
            header = try decoder.decode(Header.self, from: data)
        } catch {
            throw ContractError(.malformedJSON, "not a JSON object")
        }
        guard header.hasType else { throw ContractError(.missingField, field: "type", "required") }
        guard header.type != nil else {
            throw ContractError(.invalidField, field: "type", "wrong type: must be a string")
        }
        guard header.type == T.messageType else {
            throw ContractError(.unexpectedType, field: "type", "expected \"\(T.messageType)\"")
        }
        guard header.hasVersion else { throw ContractError(.missingField, field: "version", "required") }
        guard let version = header.version else {
            throw ContractError(.invalidField, field: "version", "wrong type: must be an integer")
        }
        guard T.supportedVersions.contains(version) else {
            throw ContractError(
                .unsupportedVersion, field: "version",
                "supported: \(T.supportedVersions.map(String.init).joined(separator: ", "))")
        }
        do {
            return try decoder.decode(T.self, from: data)
        } catch {
            throw contractError(from: error)
        }
    }

    /// A message whose header is what `T` reads, decoded in the same pass as the header.
    private struct Checked<T: ContractMessage>: Decodable {
        let message: T

        init(from decoder: any Decoder) throws {
            let header = try Header(from: decoder)
            guard header.type == T.messageType, let version = header.version, T.supportedVersions.contains(version)
            else { throw ContractError(.unexpectedType, "not this message's header") }
            message = try T(from: decoder)
        }
    }

    public static func encode<T: Encodable>(_ message: T) -> [UInt8] {
        // Encoding our own value types cannot fail; a failure would be a programming error.
        // swiftlint:disable:next force_try
        Array(try! encoder.encode(message))
    }

    private static let decoder = JSONDecoder()

    /// `type` and `version`, read first so that a message of another kind or version is named as such rather
    /// than as a pile of missing fields. A value of the wrong JSON type reads as `nil`.
    private struct Header: Decodable {
        var hasType = false
        var type: String?
        var hasVersion = false
        var version: Int?

        enum CodingKeys: String, CodingKey { case type, version }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            hasType = container.contains(.type)
            type = try? container.decode(String.self, forKey: .type)
            hasVersion = container.contains(.version)
            version = try? container.decode(Int.self, forKey: .version)
        }
    }
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Turns a decoding failure into a field-naming contract error, reusing the policy types' mapping (they
    /// decode the nested debtor fields and throw ``PolicyError``s of their own).
    static func contractError(from error: any Error) -> ContractError {
        let policy: PolicyError
        switch error {
        case let error as ContractError: return error
        case DecodingError.dataCorrupted(let context) where context.underlyingError is ContractError:
            return context.underlyingError as! ContractError
        case let error as DecodingError: policy = PolicyError(decodingError: error)
        case let error as PolicyError: policy = error
        default: return ContractError(.malformedJSON, "unreadable")
        }
        let code: ContractError.Code =
            switch policy.code {
            case .malformedJSON: .malformedJSON
            case .missingField: .missingField
            default: .invalidField
            }
        return ContractError(code, field: policy.field, policy.problem)
    }
}

/// A message of Tact's AMQP contract: JSON with `type` and `version`.
public protocol ContractMessage: Codable, Sendable {
    /// The value of its `type` field.
    static var messageType: String { get }
    static var supportedVersions: [Int] { get }
    /// Whether senders outside Tact write it (creditors, gateways, specialists' tools), so that ``InputBounds``
    /// holds it before it is decoded. Tact's own messages (tasks, decisions, the contacts it publishes) are built
    /// from what was checked on the way in, and from stores written before the bounds existed.
    static var comesFromOutside: Bool { get }
    /// Checks what decoding alone cannot (non-empty ids, formats, ranges).
    func validate() throws(ContractError)
}

extension ContractMessage {
    public static var supportedVersions: [Int] { [1] }
    public static var comesFromOutside: Bool { true }
}

/// Small checks shared by the message validators.
enum Check {
    /// Characters of a name or other free text, unless a field says otherwise.
    static let textLength = 200

    /// Text that is not blank and at most `limit` characters (control characters are refused for every text by
    /// ``InputBounds``).
    static func nonEmpty(_ value: String, _ field: String, limit: Int = textLength) throws(ContractError) {
        guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ContractError(.invalidField, field: field, "must not be empty")
        }
        guard value.count <= limit else {
            throw ContractError(.invalidField, field: field, "too long: more than \(limit) characters")
        }
    }

    /// Ids become AMQP message ids and queue-name suffixes: 1–128 printable ASCII characters without spaces.
    static func identifier(_ value: String, _ field: String) throws(ContractError) {
        guard !value.isEmpty else { throw ContractError(.invalidField, field: field, "must not be empty") }
        guard value.utf8.count <= 128 else {
            throw ContractError(.invalidField, field: field, "too long: more than 128 characters")
        }
        guard value.utf8.allSatisfy({ (33...126).contains($0) }) else {
            throw ContractError(.invalidField, field: field, "must be printable ASCII characters without spaces")
        }
    }

    /// A creditor id: an identifier without `/`, which separates it from the debtor's id in Tact's keys
    /// (``DebtorKey``).
    static func creditor(_ value: String, _ field: String) throws(ContractError) {
        try identifier(value, field)
        guard DebtorKey.isCreditorID(value) else {
            throw ContractError(.invalidField, field: field, "must not contain \"/\"")
        }
    }

    /// An array of at most `limit` entries.
    static func count(_ count: Int, _ field: String, limit: Int) throws(ContractError) {
        guard count <= limit else {
            throw ContractError(.invalidField, field: field, "too many entries: more than \(limit)")
        }
    }

    /// Instants Tact accepts: 2000-01-01 to 2100-01-01. Anything else is a typo or a unit mistake.
    static func plausible(_ instant: Instant, _ field: String) throws(ContractError) {
        guard instant.secondsSinceEpoch >= 946_684_800, instant.secondsSinceEpoch < 4_102_444_800 else {
            throw ContractError(.invalidField, field: field, "must lie between 2000 and 2100")
        }
    }

    /// `YYYY-MM-DD`, a real date between 1900 and 2100.
    static func date(_ value: String, _ field: String) throws(ContractError) {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1900...2100).contains(year), (1...12).contains(month), (1...daysIn(month, year)).contains(day)
        else {
            throw ContractError(.invalidField, field: field, "must be a date YYYY-MM-DD between 1900 and 2100")
        }
    }

    /// A positive decimal amount with at most two decimals, e.g. `120.50`.
    static func amount(_ value: String, _ field: String) throws(ContractError) {
        func digits(_ text: Substring, upTo limit: Int) -> Bool {
            (1...limit).contains(text.count) && text.allSatisfy { ("0"..."9").contains($0) }
        }
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        let valid =
            parts.count <= 2 && digits(parts[0], upTo: 12) && (parts.count == 1 || digits(parts[1], upTo: 2))
            && value.contains { ("1"..."9").contains($0) }
        guard valid else {
            throw ContractError(.invalidField, field: field, "must be a positive decimal such as 120.50")
        }
    }

    static func currency(_ value: String, _ field: String) throws(ContractError) {
        guard value.count == 3, value.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw ContractError(.invalidField, field: field, "must be an ISO 4217 code such as USD")
        }
    }

    private static func daysIn(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
