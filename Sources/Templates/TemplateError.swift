/// Why a template, a rule or a rendered message was refused: the code names the kind, the message says where.
public struct TemplateError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, as a stable kebab-case code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        /// The Mustache text does not parse.
        public static let syntax = Code("template-syntax")
        /// A placeholder names no value Tact fills in.
        public static let unknownPlaceholder = Code("unknown-placeholder")
        /// A purpose, channel or part the catalog requires is missing.
        public static let missingBlock = Code("missing-block")
        /// No template for the purpose, channel and language asked for.
        public static let noTemplate = Code("no-template")
        /// A rulebook's rules name something unknown (a channel, a language, a placeholder).
        public static let invalidRule = Code("invalid-rule")
        public var description: String { rawValue }
    }

    public var code: Code
    /// Where: `en/first-notice.yaml: email.text`, or the message's purpose, channel and language.
    public var location: String
    public var problem: String

    public init(_ code: Code, _ location: String, _ problem: String) {
        self.code = code
        self.location = location
        self.problem = problem
    }

    public var description: String { "\(location): \(problem) [\(code)]" }
}
