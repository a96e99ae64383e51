/// A configuration problem, naming the file, the field (a dotted path) and the problem.
///
/// Like ``Policy/PolicyError`` it never echoes values: configuration is not personal data, but the same
/// discipline keeps errors safe to log everywhere.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Value: String, Sendable {
            case directoryNotFound = "config-directory-not-found"
            case notFound = "not-found"
            case invalidName = "invalid-name"
            case unreadable
            case invalidYAML = "invalid-yaml"
            case invalidContent = "invalid-content"
        }
        private let value: Value
        private init(_ value: Value) { self.value = value }

        /// No configuration directory could be located (or a given one does not exist).
        public static let directoryNotFound = Code(.directoryNotFound)
        /// The named file does not exist.
        public static let notFound = Code(.notFound)
        /// A name is not kebab-case (and so cannot name a file safely).
        public static let invalidName = Code(.invalidName)
        /// The file exists but cannot be read as UTF-8 text.
        public static let unreadable = Code(.unreadable)
        /// The file is not well-formed YAML.
        public static let invalidYAML = Code(.invalidYAML)
        /// The YAML is well-formed but a field is missing, unknown or invalid.
        public static let invalidContent = Code(.invalidContent)

        /// The kebab-case name of the code.
        public var description: String { value.rawValue }
    }

    /// What kind of problem this is.
    public var code: Code
    /// The file (or directory) concerned.
    public var file: String
    /// The offending field's path; empty when the file as a whole is at fault.
    public var field: String
    /// The problem.
    public var problem: String

    /// Creates an error.
    public init(_ code: Code, file: String, field: String = "", _ problem: String) {
        self.code = code
        self.file = file
        self.field = field
        self.problem = problem
    }

    /// `file: field: problem` on one line.
    public var description: String {
        let line = ([file, field].filter { !$0.isEmpty } + [problem]).joined(separator: ": ")
        return line.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
