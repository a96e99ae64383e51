import Contract
import Domain
import Policy
import Simulation

/// What a timeline counts, by kind: the reference the report's figures and the engine's totals are checked
/// against, in the simulator's unit tests and in the command-line and browser tests.
public struct TimelineTotals: Sendable {
    public var decisions: [String: Int] = [:]
    public var emissions: [String: Int] = [:]
    public var outcomes: [String: Int] = [:]
    public var events: [String: Int] = [:]
    public var expired = 0
    public var promises = 0
    public var contacted = Set<String>()
    public var reached = Set<String>()

    public init(_ timeline: [TimelineEntry]) {
        for entry in timeline {
            switch entry.kind {
            case .decision: decisions[entry.decision!.rawValue, default: 0] += 1
            case .emission:
                emissions[entry.channel!.rawValue, default: 0] += 1
                contacted.insert(entry.debtorId)
            case .outcome:
                outcomes[entry.result!.rawValue, default: 0] += 1
                if entry.result == .conversation || entry.result == .promiseToPay { reached.insert(entry.debtorId) }
                if entry.promise != nil { promises += 1 }
            case .event: events[entry.event!.rawValue, default: 0] += 1
            case .expired: expired += 1
            default: break
            }
        }
    }
}
