/// Why a sender cannot start or run: a code operators can search for, and what to do.
public struct DeliveryError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        /// A setting the channel needs is missing.
        public static let notConfigured = Code("not-configured")
        /// The letter spool cannot be written.
        public static let spool = Code("spool")
        public var description: String { rawValue }
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) [\(code)]" }
}
