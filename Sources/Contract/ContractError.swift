/// Why an input message was refused. Its ``reason`` is what `tact.dead` carries in the `x-tact-error` header.
///
/// Reasons name the field and the problem, never the value: values may be names, phone numbers or addresses.
public struct ContractError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        /// Not JSON, or not an object.
        public static let malformedJSON = Code("malformed-json")
        /// `type` is not what the routing key or queue expects.
        public static let unexpectedType = Code("unexpected-type")
        /// `version` is not one this Tact understands.
        public static let unsupportedVersion = Code("unsupported-version")
        public static let missingField = Code("missing-field")
        public static let invalidField = Code("invalid-field")
        /// Larger than the configured maximum.
        public static let tooLarge = Code("too-large")
        /// The message names a debtor, debt or task Tact does not know.
        public static let unknownReference = Code("unknown-reference")
        /// The AMQP `user_id` (verified by the broker) differs from the message's creditor.
        public static let creditorMismatch = Code("creditor-mismatch")
        /// With an `identity` section in the service file: the message carries no AMQP `user_id`, or one that may not
        /// act for its creditor.
        public static let identity = Code("identity")
        /// The message is valid but conflicts with what Tact already holds (e.g. a debtor of another creditor).
        public static let conflict = Code("conflict")
        /// Tact could not apply a valid message: a defect in Tact (a task asked to change in a way its state does
        /// not allow). The message is kept in `tact.dead` to replay once Tact is fixed, rather than retried for ever.
        public static let internalError = Code("internal-error")
        public var description: String { rawValue }
    }

    public let code: Code
    /// The JSON path of the offending field, e.g. `debtor.timeZones[1]`; empty for the whole message.
    public let field: String
    public let problem: String

    public init(_ code: Code, field: String = "", _ problem: String) {
        self.code = code
        self.field = field
        self.problem = problem
    }

    /// One line for `x-tact-error`: `invalid-field: debtor.timeZones[1]: unknown time-zone id`.
    public var reason: String { field.isEmpty ? "\(code): \(problem)" : "\(code): \(field): \(problem)" }
    public var description: String { reason }
}
