import Cadence
import Contract
import Domain
import Policy
import SchedulerCore
import Store
import TactConfig
import WorkerCore

/// Runs the real ``SchedulerCore`` and ``WorkerCore`` on a virtual clock over an in-memory transport: weeks of
/// cadence for thousands of debtors in seconds, deterministically.
///
/// Messages travel as the AMQP services would carry them: the outbox rows the scheduler commits are routed by
/// queue name (tasks to the worker, whose decision goes back to the scheduler and whose contact goes to the
/// ``ContactResponder`` playing gateways and specialists), and outcomes, events and expired contacts come back
/// as scheduler inputs. Nothing sleeps: the clock jumps to the next instant anything is due (the store's next
/// wake-up, a planned input, the start of a day). A contact nobody acts on before its `validUntil` comes back as
/// expired at that instant, as the broker's TTL would return it.
///
/// ```swift
/// let simulation = try Simulation(configuration: configuration, rulebooks: rulebooks, strategies: strategies, start: start)
/// simulation.schedule(.placement(placement, userID: nil), at: start)
/// try await simulation.run(until: start.adding(seconds: 60 * 86_400), responder: model)
/// let emitted = simulation.timeline.filter { $0.kind == .emission }
/// ```
public final class Simulation {
    public let configuration: ServiceConfiguration
    public let rulebooks: [String: Rulebook]
    /// Day 0 of the simulation starts here.
    public let start: Instant
    /// The scheduler's state, for assertions (`try await simulation.store.read { … }`).
    public let store: SQLiteStore
    /// The virtual clock: everything before it has happened.
    public private(set) var now: Instant
    /// Everything that happened, in order.
    public private(set) var timeline: [TimelineEntry] = []
    /// Debtors placed so far, in the order of their first placement.
    public private(set) var debtorIDs: [String] = []
    /// What each applied placement set, by debtor, in timeline order.
    private(set) var placementTerms: [String: [SimulationResult.Debtor.Terms]] = [:]

    /// `worker` in decisions, as `host/pid` would be.
    public static let workerID = "simulation/1"

    private let step: SimulationStep
    private var agenda = SimulationAgenda()
    private var placed = Set<String>()
    /// Placed debtors as responders see them, kept fresh by the steps that change them.
    private var views: [String: SimulatedDebtor] = [:]
    private var daysPlanned = 0
    /// When the scheduler has work next, as the last step left the store; only steps change the store.
    private var wakeUp: Instant?
    /// Whether a step ran yet (before the first, the store's wake-up is unknown).
    private var stepped = false
    private var outcomeCount = 0
    private var eventCount = 0

    /// A simulation whose clock stands at `start`, with an empty in-memory store.
    ///
    /// - Throws: ``SimulationError`` `invalid-rulebook` if a rulebook does not validate; a store error if the
    ///   in-memory store cannot be created.
    public init(
        configuration: ServiceConfiguration, rulebooks: [String: Rulebook], strategies: [String: Strategy],
        start: Instant
    ) throws {
        var engines: [String: PolicyEngine] = [:]
        for (id, rulebook) in rulebooks {
            do {
                engines[id] = try PolicyEngine(rulebook: rulebook)
            } catch {
                throw SimulationError(.invalidRulebook, "rulebook \(id): \(error)")
            }
        }
        self.configuration = configuration
        self.rulebooks = rulebooks
        self.start = start
        self.now = start
        self.store = try SQLiteStore.inMemory()
        let scheduler = SchedulerCore(configuration: configuration, rulebooks: rulebooks, strategies: strategies)
        self.step = SimulationStep(
            scheduler: scheduler,
            worker: WorkerCore(topology: scheduler.topology, engines: engines, workerID: Self.workerID))
    }

    /// Plans an input for the scheduler at `instant` (not before the clock), as if a creditor, gateway or
    /// specialist published it then.
    public func schedule(_ input: SchedulerInput, at instant: Instant) {
        agenda.add(.input(input, cause: nil), at: max(instant, now))
    }

    /// Plans a life or account event; the simulation gives it the id `sim-E-<n>`.
    public func schedule(_ event: PlannedEvent) {
        eventCount += 1
        let message = LifeEvent(
            eventId: "sim-E-\(eventCount)", debtorId: event.debtorId, debtId: event.debtId, kind: event.kind,
            at: max(event.at, now), channel: event.channel, until: event.until, representative: event.representative)
        agenda.add(.input(.event(message, userID: nil), cause: event.cause), at: message.at)
    }

    /// Advances the clock to `end`, doing everything due before it; `responder` decides what becomes of each
    /// emitted contact and which life events happen. May be called again to go on from `end`.
    public func run(until end: Instant, responder: some ContactResponder) async throws {
        planDays(until: end)
        // The store may have been changed directly since the last run: ask it again.
        stepped = false
        while now < end {
            var inputs: [(input: SchedulerInput, cause: String?)] = []
            var days: [Int] = []
            for entry in agenda.takeDue(at: now) {
                switch entry.item {
                case .input(let input, let cause): inputs.append((input, cause))
                case .day(let index): days.append(index)
                }
            }
            // A day's start with nothing for the scheduler needs no transaction.
            if !inputs.isEmpty || !stepped || wakeUp.map({ $0 <= now }) == true {
                let (step, instant, due) = (step, now, inputs)
                let result = try await store.write { try step.run(due, at: instant, in: $0) }
                stepped = true
                wakeUp = result.nextWakeUp
                for var terms in result.placements {
                    let debtor = result.entries[terms.position].debtorId
                    terms.position += timeline.count
                    placementTerms[debtor, default: []].append(terms)
                }
                timeline.append(contentsOf: result.entries)
                for id in result.placed where placed.insert(id).inserted { debtorIDs.append(id) }
                for view in result.changed { views[view.id] = view }
                for contact in result.emissions { plan(responder.respond(to: contact), for: contact) }
            }
            for index in days { planEvents(ofDay: index, responder: responder) }
            if let next = agenda.nextInstant, next <= now { continue }
            guard let next = [agenda.nextInstant, wakeUp].compactMap({ $0 }).min() else {
                now = end
                break
            }
            // Nothing is left due at `now` once a step settled; a stale wake-up cannot hold the clock still.
            now = min(end, max(next, now.adding(seconds: 1)))
        }
    }

    // MARK: Responses

    /// Turns a response into planned inputs: the outcome (or the contact's return), and what it leads to.
    private func plan(_ response: ContactResponse, for contact: EmittedContact) {
        let actionAt = contact.at.adding(seconds: max(0, response.after))
        let expired = SchedulerInput.expired(taskID: contact.taskId, attempt: contact.attempt)
        if let validUntil = contact.validUntil, response.action == .ignore || actionAt >= validUntil {
            agenda.add(.input(expired, cause: "valid-until"), at: validUntil)
            return
        }
        switch response.action {
        case .ignore:
            return
        case .giveBack:
            agenda.add(.input(expired, cause: "given-back"), at: actionAt)
        case .outcome(let result, let promise):
            outcomeCount += 1
            let outcome = Outcome(
                outcomeId: "sim-O-\(outcomeCount)", taskId: contact.taskId, debtorId: contact.debtorId,
                debtId: contact.debt.id, channel: contact.channel, at: actionAt, result: result, promise: promise)
            agenda.add(.input(.outcome(outcome), cause: nil), at: actionAt)
            for var event in response.events {
                event.at = max(event.at, actionAt)
                schedule(event)
            }
        }
    }

    // MARK: Days

    private func planDays(until end: Instant) {
        while true {
            let dayStart = start.adding(seconds: Int64(daysPlanned) * 86_400)
            guard dayStart < end else { return }
            agenda.add(.day(daysPlanned), at: max(dayStart, now))
            daysPlanned += 1
        }
    }

    /// Asks the responder for the day's life events of every debtor with an open debt.
    private func planEvents(ofDay index: Int, responder: some ContactResponder) {
        let dayStart = start.adding(seconds: Int64(index) * 86_400)
        let day = SimulationDay(index: index, start: dayStart, end: dayStart.adding(seconds: 86_400))
        for id in debtorIDs {
            guard let debtor = views[id], !debtor.openDebts.isEmpty else { continue }
            for event in responder.events(of: debtor, on: day) { schedule(event) }
        }
    }
}
