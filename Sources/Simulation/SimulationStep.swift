import Contract
import Domain
import Policy
import SchedulerCore
import Store
import TactConfig
import WorkerCore

/// The work of one virtual instant, inside one store transaction, as the services would do it over the broker:
/// inputs applied, due tasks handed out, each task message routed by its queue to ``WorkerCore``, each decision
/// routed back to ``SchedulerCore``, until nothing more is due at that instant.
struct SimulationStep: Sendable {
    let scheduler: SchedulerCore
    let worker: WorkerCore

    /// Dispatch rounds after which one instant is taken to loop for ever.
    static let maximumRounds = 100_000

    struct Result: Sendable {
        var entries: [TimelineEntry] = []
        var emissions: [EmittedContact] = []
        /// Debtors whose placement was applied.
        var placed: [String] = []
        /// What each applied placement set, `position` being its index in `entries`.
        var placements: [SimulationResult.Debtor.Terms] = []
        /// Debtors a placement or an account event changed, as responders now see them.
        var changed: [SimulatedDebtor] = []
        /// When the scheduler has work next (`nil`: none planned).
        var nextWakeUp: Instant?
    }

    func run(
        _ inputs: [(input: SchedulerInput, cause: String?)], at now: Instant, in store: any StoreTransaction
    ) throws -> Result {
        var result = Result()
        for (input, cause) in inputs {
            var entry = try timelineEntry(for: input, at: now, in: store)
            entry.cause = cause
            result.entries.append(try apply(input, as: entry, at: now, in: store))
            guard let applied = result.entries.last, applied.kind == .placement || applied.kind == .event else {
                continue
            }
            if applied.kind == .placement, case .placement(let placement, _) = input {
                result.placed.append(applied.debtorId)
                result.placements.append(
                    SimulationResult.Debtor.Terms(
                        position: result.entries.count - 1, rulebook: applied.rulebook ?? "",
                        timeZones: placement.debtor.timeZones, inconvenient: placement.debtor.inconvenient ?? []))
            }
            if applied.kind == .placement || applied.event == .payment || applied.event == .closed,
                let view = try Self.view(of: applied.debtorId, in: store)
            {
                result.changed.append(view)
            }
        }
        var rounds = 0
        // Tasks handed out at this instant, by task id: the contact the scheduler publishes for one is reported
        // with what its task carried.
        var handedOut: [String: WorkTask] = [:]
        while true {
            let taken = try scheduler.dispatch(at: now, in: store).taken
            let rows = try store.outbox(limit: 10_000)
            if taken == 0 && rows.isEmpty { break }
            try store.removeFromOutbox(rows.map(\.sequence))
            for row in rows { try route(row, handedOut: &handedOut, at: now, in: store, into: &result) }
            rounds += 1
            guard rounds < Self.maximumRounds else {
                throw SimulationError(.runaway, "work at \(now) did not settle after \(rounds) dispatch rounds")
            }
        }
        result.nextWakeUp = try store.nextWakeUp()
        return result
    }

    /// Applies an input as the scheduler's consumer would: validated as decoding would validate it, then applied.
    /// Returns the entry as it should stand in the timeline (refused or duplicate if so).
    private func apply(
        _ input: SchedulerInput, as entry: TimelineEntry, at now: Instant, in store: any StoreTransaction
    ) throws -> TimelineEntry {
        var entry = entry
        do {
            try Self.validate(input)
        } catch {
            entry.kind = .refused
            entry.detail = error.reason
            return entry
        }
        switch try scheduler.apply(input, at: now, in: store) {
        case .applied: break
        case .duplicate:
            entry.kind = .duplicate
        case .rejected(let error):
            entry.kind = .refused
            entry.detail = error.reason
        }
        return entry
    }

    /// A debtor as responders see it, read from the store.
    static func view(of id: String, in store: any StoreReading) throws -> SimulatedDebtor? {
        // A simulation places each debtor id under one creditor (DebtorFile).
        guard let debtor = try store.debtors(withRef: id).first else { return nil }
        let open = try store.debts(ofDebtor: debtor.id).filter { $0.status == .open }.map {
            Placement.Debt(id: $0.id, amount: $0.amount, currency: $0.currency, dueDate: $0.dueDate)
        }
        return SimulatedDebtor(id: id, timeZones: debtor.timeZones, specialistId: debtor.specialistID, openDebts: open)
    }

    // MARK: Routing the outbox

    private func route(
        _ row: OutboxMessage, handedOut: inout [String: WorkTask], at now: Instant, in store: any StoreTransaction,
        into result: inout Result
    ) throws {
        if row.routingKey == scheduler.topology.tasksQueue,
            let task = try? MessageCoding.decode(WorkTask.self, from: row.body)
        {
            handedOut[task.taskId] = task
            return try decide(task, at: now, in: store, into: &result)
        }
        guard scheduler.topology.isContactQueue(row.routingKey), let task = handedOut[row.messageID],
            let emitted = Self.emitted(row, of: task, at: now)
        else {
            var entry = TimelineEntry(at: now, kind: .unrouted, debtorId: "")
            entry.queue = row.routingKey
            entry.taskId = row.messageID
            entry.detail = row.type
            result.entries.append(entry)
            return
        }
        var entry = Self.entry(.emission, about: task, at: now)
        entry.channel = emitted.channel
        entry.purpose = emitted.purpose
        entry.validUntil = emitted.validUntil
        entry.queue = row.routingKey
        entry.cause = emitted.redirected ? "representative" : nil
        result.entries.append(entry)
        result.emissions.append(emitted)
    }

    /// The worker's part: decides the task, and the decision goes back to the scheduler, which queues the contact.
    private func decide(_ task: WorkTask, at now: Instant, in store: any StoreTransaction, into result: inout Result)
        throws
    {
        let decision = worker.handle(task, at: now)
        var decided = Self.entry(.decision, about: task, at: now)
        decided.channel = task.channel
        decided.purpose = task.purpose
        decided.rulebook = task.rulebook
        decided.decision = decision.decision.decision
        decided.earliest = decision.decision.earliest
        decided.validUntil = decision.decision.validUntil
        decided.reasons = decision.decision.reasons
        decided.queue = decision.emittedTo
        result.entries.append(decided)
        let applied = try apply(.decision(decision), as: decided, at: now, in: store)
        if applied.kind != .decision { result.entries.append(applied) }
    }

    /// A timeline entry about one hand-out of a task.
    private static func entry(_ kind: TimelineEntry.Kind, about task: WorkTask, at now: Instant) -> TimelineEntry {
        var entry = TimelineEntry(at: now, kind: kind, debtorId: task.debtor.id)
        entry.debtId = task.debt.id
        entry.taskId = task.taskId
        entry.attempt = task.attempt
        return entry
    }

    static func emitted(_ row: OutboxMessage, of task: WorkTask, at now: Instant) -> EmittedContact? {
        let channel: Channel
        let purpose: String
        let validUntil: Instant?
        if let call = try? MessageCoding.decode(Call.self, from: row.body) {
            (channel, purpose, validUntil) = (.call, call.purpose, call.validUntil)
        } else if let reminder = try? MessageCoding.decode(Reminder.self, from: row.body) {
            (channel, purpose, validUntil) = (reminder.channel, reminder.template, reminder.validUntil)
        } else {
            return nil
        }
        return EmittedContact(
            at: now, queue: row.routingKey, type: row.type, taskId: task.taskId, attempt: task.attempt,
            debtorId: task.debtor.id, debt: task.debt, channel: channel, purpose: purpose, validUntil: validUntil,
            redirected: ContactPurpose(purpose)?.addressee == .representative, timeZones: task.debtor.timeZones,
            language: task.delivery.language, specialistId: task.specialistId, body: row.body)
    }
}
