/// An error raised while decoding or constructing policy inputs (requests, rulebooks).
///
/// Messages name the field (as a path such as `debtor.timeZones[1]`) and the problem, never the value:
/// request values can be personal data (names, phone numbers), and errors end up in logs.
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem this is; stable, so callers and tests can branch on it.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case malformedJSON = "malformed-json"
            case missingField = "missing-field"
            case invalidValue = "invalid-value"
            case malformedTimestamp = "malformed-timestamp"
            case unknownTimeZone = "unknown-time-zone"
            case unknownChannel = "unknown-channel"
            case invalidRulebook = "invalid-rulebook"
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// The input is not JSON (or not a JSON object) at all.
        public static let malformedJSON = Code(.malformedJSON)
        /// A required field is absent.
        public static let missingField = Code(.missingField)
        /// A field has the wrong type or a value outside its vocabulary or range.
        public static let invalidValue = Code(.invalidValue)
        /// A timestamp is not RFC 3339 with an offset or `Z`.
        public static let malformedTimestamp = Code(.malformedTimestamp)
        /// A time-zone identifier is not in the IANA database known to this system.
        public static let unknownTimeZone = Code(.unknownTimeZone)
        /// A channel is not one of `call`, `sms`, `email`, `letter`.
        public static let unknownChannel = Code(.unknownChannel)
        /// A rulebook is inconsistent (overlapping windows, zero limits, unknown calendar, …).
        public static let invalidRulebook = Code(.invalidRulebook)

        /// The kebab-case name of the code, e.g. `unknown-time-zone`.
        public var description: String { value.rawValue }
    }

    /// What kind of problem this is.
    public var code: Code
    /// Path of the offending field, e.g. `debtor.holds[0].since`; empty when the whole input is at fault.
    public var field: String
    /// The problem, phrased without echoing the input value.
    public var problem: String

    /// Creates an error for `field` (a dotted path, empty for the whole input).
    public init(_ code: Code, field: String, _ problem: String) {
        self.code = code
        self.field = field
        self.problem = problem
    }

    /// `field: problem`, or just the problem when no field applies.
    public var description: String { field.isEmpty ? problem : "\(field): \(problem)" }
}
