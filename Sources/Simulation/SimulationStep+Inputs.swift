import Contract
import Domain
import Policy
import SchedulerCore
import Store
import TactConfig

// Inputs as the timeline records them. `if case` rather than `switch`: a kind of input the scheduler learns later
// still reaches it through the simulation, recorded as `input`, until this file learns to describe it.
extension SimulationStep {
    /// What decoding checks before the scheduler sees a message (the cores rely on it).
    static func validate(_ input: SchedulerInput) throws(ContractError) {
        if case .placement(let placement, _) = input {
            try placement.validate()
        } else if case .event(let event, _) = input {
            try event.validate()
        } else if case .outcome(let outcome) = input {
            try outcome.validate()
        } else if case .decision(let decision) = input {
            try decision.validate()
        } else if case .specialist(let change, _) = input {
            try change.validate()
        }
    }

    func timelineEntry(for input: SchedulerInput, at now: Instant, in store: any StoreTransaction) throws
        -> TimelineEntry
    {
        if case .placement(let placement, _) = input {
            var entry = TimelineEntry(at: now, kind: .placement, debtorId: placement.debtor.id)
            entry.debtId = placement.debt.id
            entry.rulebook = scheduler.configuration.rulebook(
                placement: placement.rulebook, creditor: placement.creditorId)
            entry.detail = placement.strategy.map { "strategy: \($0)" }
            return entry
        }
        if case .event(let event, _) = input {
            var entry = TimelineEntry(at: now, kind: .event, debtorId: event.debtorId)
            entry.debtId = event.debtId
            entry.event = event.kind
            entry.channel = event.channel
            entry.until = event.until
            return entry
        }
        if case .outcome(let outcome) = input {
            var entry = TimelineEntry(at: now, kind: .outcome, debtorId: outcome.debtorId)
            entry.debtId = outcome.debtId
            entry.taskId = outcome.taskId
            entry.channel = outcome.channel
            entry.result = outcome.result
            entry.promise = outcome.promise
            return entry
        }
        if case .decision(let message) = input {
            var entry = TimelineEntry(at: now, kind: .decision, debtorId: message.debtorId)
            (entry.taskId, entry.attempt) = (message.taskId, message.attempt)
            entry.decision = message.decision.decision
            (entry.earliest, entry.validUntil) = (message.decision.earliest, message.decision.validUntil)
            entry.reasons = message.decision.reasons
            return entry
        }
        if case .specialist(let change, _) = input {
            var entry = TimelineEntry(at: now, kind: .event, debtorId: change.debtorId ?? "")
            entry.detail = "specialist \(change.specialistId): \(change.action.rawValue)"
            entry.until = change.until
            return entry
        }
        if case .expired(let taskID, let attempt) = input {
            let task = try store.task(taskID)
            var entry = TimelineEntry(
                at: now, kind: .expired, debtorId: task.map { DebtorKey.debtorPart(of: $0.debtorID) } ?? "")
            (entry.debtId, entry.taskId, entry.attempt) = (task?.debtID, taskID, attempt)
            (entry.channel, entry.purpose) = (task?.channel, task?.purpose.rawValue)
            return entry
        }
        var entry = TimelineEntry(at: now, kind: .input, debtorId: "")
        entry.detail = input.messageID
        return entry
    }
}
