import Contract
import Domain
import Policy
import Simulation

/// The tests' own witness: replays a timeline entry by entry, keeping each debtor's ledger, holds and opt-outs as
/// the scheduler would, and asks a fresh policy engine about every emission at its instant. Written apart from
/// the simulator's audit on purpose, so that the two cannot share a mistake.
struct TimelineReplay {
    struct Verdict {
        var emission: TimelineEntry
        var decision: PolicyDecision
    }

    private struct DebtorState {
        var zones: [String] = []
        var inconvenient: [InconvenientTime] = []
        var rulebook = ""
        var ledger: [(taskId: String, event: HistoryEvent)] = []
        var holds: [(debtId: String?, hold: Hold)] = []
        var optOuts = Set<Channel>()
    }

    /// Every emission with the engine's decision at its instant, under the placement in force then (the debtor
    /// as last placed when the debtors carry no placements).
    static func verdicts(
        _ timeline: [TimelineEntry], debtors: [SimulationResult.Debtor], rulebooks: [String: Rulebook]
    ) throws -> [Verdict] {
        var engines: [String: PolicyEngine] = [:]
        for (id, rulebook) in rulebooks { engines[id] = try PolicyEngine(rulebook: rulebook) }
        var states: [String: DebtorState] = [:]
        var placements: [Int: SimulationResult.Debtor.Terms] = [:]  // timeline index → what it set
        for debtor in debtors {
            states[debtor.id] = DebtorState(
                zones: debtor.timeZones, inconvenient: debtor.inconvenient, rulebook: debtor.rulebook)
            for terms in debtor.placements { placements[terms.position] = terms }
        }
        var verdicts: [Verdict] = []
        for (index, entry) in timeline.enumerated() {
            guard var state = states[entry.debtorId] else { continue }
            switch entry.kind {
            case .placement:
                if let terms = placements[index] {
                    (state.zones, state.inconvenient, state.rulebook) = (
                        terms.timeZones, terms.inconvenient, terms.rulebook
                    )
                }
            case .emission:
                let debtor = try Debtor(
                    id: entry.debtorId, timeZones: state.zones, inconvenient: state.inconvenient,
                    holds: state.holds.filter { $0.debtId == nil || $0.debtId == entry.debtId }.map(\.hold),
                    optOuts: Array(state.optOuts))
                let request = PolicyRequest(
                    now: entry.at, contact: Contact(channel: entry.channel!, debtId: entry.debtId!), debtor: debtor,
                    history: state.ledger.map(\.event))
                verdicts.append(Verdict(emission: entry, decision: engines[state.rulebook]!.evaluate(request)))
                // A contact redirected to a representative does not enter the ledger.
                guard entry.cause != "representative" else { break }
                state.ledger.append(
                    (
                        entry.taskId!,
                        HistoryEvent(at: entry.at, channel: entry.channel!, debtId: entry.debtId!, result: .pending)
                    ))
            case .outcome:
                if let index = state.ledger.lastIndex(where: { $0.taskId == entry.taskId }) {
                    state.ledger[index].event.result = entry.result!.contactResult
                }
            case .expired:
                if let index = state.ledger.lastIndex(where: { $0.taskId == entry.taskId }),
                    state.ledger[index].event.result == .pending
                {
                    state.ledger.remove(at: index)
                }
            case .event:
                switch entry.event! {
                case .optOut: state.optOuts.insert(entry.channel!)
                case .optIn: state.optOuts.remove(entry.channel!)
                case .disputeResolved: state.holds.removeAll { $0.hold.kind == .dispute }
                default:
                    if let kind = entry.event!.hold {
                        state.holds.append((entry.debtId, try Hold(kind: kind, since: entry.at, until: entry.until)))
                    }
                }
            default:
                break
            }
            states[entry.debtorId] = state
        }
        return verdicts
    }

    /// The most contacts a cap counts in any window of its days, for one debtor's emissions as the timeline ends.
    static func busiestWindow(
        of cap: FrequencyCap, _ timeline: [TimelineEntry], debtor: String, zone: String
    ) -> Int {
        var results: [String: ContactResult] = [:]
        var expired = Set<String>()
        for entry in timeline where entry.debtorId == debtor {
            let key = "\(entry.taskId ?? "")#\(entry.attempt ?? 0)"
            if entry.kind == .expired { expired.insert(key) }
            if entry.kind == .outcome, let result = entry.result { results[entry.taskId!] = result.contactResult }
        }
        let counted = timeline.filter { entry in
            guard entry.kind == .emission, entry.debtorId == debtor, cap.channels.contains(entry.channel!),
                !expired.contains("\(entry.taskId!)#\(entry.attempt!)")
            else { return false }
            return results[entry.taskId!].map { cap.counting.contains($0) } ?? true
        }
        let day = { (entry: TimelineEntry) in LocalDay.describe(entry.at, inZone: zone).split(separator: " ")[1] }
        var busiest = 0
        for entry in counted {
            let last = LocalDate(iso: day(entry))!
            busiest = max(
                busiest,
                counted.filter { other in
                    let date = LocalDate(iso: day(other))!
                    return date <= last && date.dayNumber > last.dayNumber - cap.days
                        && (cap.scope == .debtor || other.debtId == entry.debtId)
                }.count)
        }
        return busiest
    }
}
