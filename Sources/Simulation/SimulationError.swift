/// Why a simulation could not go on. Names ids and files, never personal data.
public struct SimulationError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        /// One instant kept producing work without end (a decision loop the scheduler never settles).
        public static let runaway = Code("runaway")
        /// A rulebook does not validate.
        public static let invalidRulebook = Code("invalid-rulebook")
        /// An input file (debtors, outcome model) is unreadable or wrong.
        public static let invalidInput = Code("invalid-input")
        public var description: String { rawValue }
    }

    public let code: Code
    public let problem: String

    public init(_ code: Code, _ problem: String) {
        self.code = code
        self.problem = problem
    }

    public var description: String { "\(code): \(problem)" }
}
