extension TaskRecord {
    /// What a task follows up, when it belongs to an arrangement or follows an outcome: set when the task is created,
    /// and how the scheduler finds the tasks of a promise, of a plan's instalment or of an outcome (a task's id names
    /// it, and is not read back). Stored as its ``description`` (`promise:E-7`, `instalment:2:E-9`, `outcome:O-3`):
    /// the id goes last, since ids may contain a colon.
    public enum Link: Sendable, Hashable, Codable, LosslessStringConvertible {
        /// A promise's reminder, or the check the day after its date.
        case promise(id: String)
        /// The reminder before one instalment of a plan, or the call after it is missed; `number` counts from 1.
        case instalment(planID: String, number: Int)
        /// What an unanswered call's outcome planned: a retry, or a request to call back.
        case outcome(id: String)

        public var description: String {
            switch self {
            case .promise(let id): "promise:\(id)"
            case .instalment(let planID, let number): "instalment:\(number):\(planID)"
            case .outcome(let id): "outcome:\(id)"
            }
        }

        /// The link a stored spelling names; `nil` for any other text.
        public init?(_ description: String) {
            let parts = description.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, !parts[1].isEmpty else { return nil }
            switch parts[0] {
            case "promise": self = .promise(id: String(parts[1]))
            case "outcome": self = .outcome(id: String(parts[1]))
            case "instalment":
                let rest = parts[1].split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
                guard rest.count == 2, let number = Int(rest[0]), number > 0, !rest[1].isEmpty else { return nil }
                self = .instalment(planID: String(rest[1]), number: number)
            default: return nil
            }
        }

        /// The plan whose instalment it follows up, if it follows one up.
        public var planID: String? {
            guard case .instalment(let planID, _) = self else { return nil }
            return planID
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            guard let link = Link(try container.decode(String.self)) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a task link")
            }
            self = link
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(description)
        }
    }
}
