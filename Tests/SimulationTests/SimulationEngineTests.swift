import Contract
import Domain
import Foundation
import Policy
import SchedulerCore
import Simulation
import Store
import TactConfig
import Testing

/// The engine: determinism, the virtual clock, routing, and expiry as the broker's TTL would do it.
@Suite struct SimulationEngineTests {
    typealias F = SimulationFixtures

    @Test func sameSeedGivesTheSameTimelineAndAnotherSeedAnother() async throws {
        var timelines: [[TimelineEntry]] = []
        for seed: UInt64 in [7, 7, 8] {
            let simulation = try F.sampleSimulation(rulebook: "pl-respectful")
            try await simulation.run(until: F.days(60), responder: OutcomeModel(seed: seed))
            try await simulation.expectSound()
            timelines.append(simulation.timeline)
        }
        #expect(timelines[0].count > 300)
        #expect(timelines[0] == timelines[1])
        #expect(timelines[0] != timelines[2])
    }

    /// Running in two legs is the same as running at once: days, ids and draws do not depend on where a run stops.
    @Test func aRunResumesWhereItStopped() async throws {
        let whole = try F.sampleSimulation(rulebook: "us-regf")
        try await whole.run(until: F.days(30), responder: OutcomeModel(seed: 3))
        let legs = try F.sampleSimulation(rulebook: "us-regf")
        try await legs.run(until: F.days(11), responder: OutcomeModel(seed: 3))
        #expect(legs.now == F.days(11))
        try await legs.run(until: F.days(30), responder: OutcomeModel(seed: 3))
        #expect(legs.timeline == whole.timeline)
        try await legs.expectSound()
    }

    /// Nothing due: the clock jumps straight to the end.
    @Test func anIdleSimulationJumpsToTheEnd() async throws {
        let simulation = try Simulation(
            configuration: F.configuration, rulebooks: F.rulebooks, strategies: F.strategies, start: F.start)
        try await simulation.run(until: F.days(365), responder: OutcomeModel(seed: 1))
        #expect(simulation.now == F.days(365))
        #expect(simulation.timeline.isEmpty)
    }

    /// The first notice and the first call go through the real worker: the call waits for Warsaw's 08:00 (the
    /// placement is at 01:00 local), the e-mail too (contact hours cover every channel in pl-respectful).
    @Test func contactsWaitForTheWindowAndCarryTheirDecision() async throws {
        let simulation = try Simulation(
            configuration: F.configuration, rulebooks: F.rulebooks, strategies: F.strategies, start: F.start)
        simulation.schedule(.placement(F.placement(), userID: nil), at: F.start)
        let answer = ScriptedResponder {
            ContactResponse(.outcome($0.channel == .call ? .conversation : .delivered), after: 60)
        }
        try await simulation.run(until: F.days(1), responder: answer)
        try await simulation.expectSound()
        let emissions = simulation.timeline.filter { $0.kind == .emission }
        // Both are due at once; the store hands out a debtor's tasks by due time, then id.
        #expect(emissions.map(\.channel) == [.call, .email])
        #expect(emissions.allSatisfy { $0.at == Instant(rfc3339: "2026-12-01T07:00:00Z")! })
        #expect(emissions.map(\.queue) == ["tact.calls.pool", "tact.reminders.email"])
        let deferrals = simulation.timeline.filter { $0.kind == .decision && $0.decision == .defer }
        #expect(deferrals.count == 2)
        #expect(deferrals.allSatisfy { $0.reasons?.first?.rule == .contactHours && $0.earliest == emissions[0].at })
        let outcomes = simulation.timeline.filter { $0.kind == .outcome }
        #expect(outcomes.map(\.at) == [emissions[0].at.adding(seconds: 60), emissions[1].at.adding(seconds: 60)])
        let ledger = try await simulation.store.read { try $0.ledger(ofDebtor: "sim/D-1", since: F.start) }
        #expect(ledger.map(\.result) == [.conversation, .delivered])
    }

    /// A contact nobody acts on comes back at its validUntil, leaves the ledger, and its task is decided again after
    /// the scheduler's pause: the call is emitted again in the next window, with the next attempt.
    @Test func anIgnoredContactExpiresAtItsValidUntilAndComesBack() async throws {
        let simulation = try Simulation(
            configuration: F.configuration, rulebooks: F.rulebooks, strategies: F.strategies, start: F.start)
        simulation.schedule(.placement(F.placement(email: nil), userID: nil), at: F.start)
        let halfway = Instant(rfc3339: "2026-12-02T12:00:00Z")!
        try await simulation.run(until: halfway, responder: ScriptedResponder { _ in ContactResponse(.ignore) })
        try await simulation.expectSound()
        let calls = simulation.timeline.filter { $0.kind == .emission && $0.channel == .call }
        let expired = simulation.timeline.filter { $0.kind == .expired }
        #expect(calls.count >= 2)
        #expect(expired.count >= 1)
        #expect(expired[0].at == calls[0].validUntil)
        #expect(expired[0].cause == "valid-until")
        #expect(expired[0].taskId == calls[0].taskId && expired[0].attempt == calls[0].attempt)
        // Tuesday's window closes at 20:00 in Warsaw; the call comes back on Wednesday at 08:00, the same task
        // handed out again (every hand-out, a deferral's too, counts as an attempt).
        #expect(calls[0].validUntil == Instant(rfc3339: "2026-12-01T19:00:00Z"))
        #expect(calls[1].at == Instant(rfc3339: "2026-12-02T07:00:00Z"))
        #expect(calls[1].taskId == calls[0].taskId && calls[1].attempt! > calls[0].attempt!)
        // The expired call left the ledger; the second waits for its outcome.
        let ledger = try await simulation.store.read { try $0.ledger(ofDebtor: "sim/D-1", since: F.start) }
        #expect(ledger.map(\.result) == [.pending] && ledger.first?.at == calls[1].at)
    }

    /// An outcome due after the window closed never happens; neither does what it would have led to.
    @Test func aLateActionExpiresInsteadAndItsEventsAreDropped() async throws {
        let simulation = try Simulation(
            configuration: F.configuration, rulebooks: F.rulebooks, strategies: F.strategies, start: F.start)
        simulation.schedule(.placement(F.placement(email: nil), userID: nil), at: F.start)
        let late = ScriptedResponder { contact in
            let payment = PlannedEvent(
                at: contact.at.adding(seconds: 86_400), debtorId: contact.debtorId, kind: .payment,
                debtId: contact.debt.id, cause: "test")
            return ContactResponse(.outcome(.conversation), after: 13 * 3_600, events: [payment])
        }
        try await simulation.run(until: F.days(1), responder: late)
        try await simulation.expectSound()
        let expired = simulation.timeline.filter { $0.kind == .expired }
        #expect(expired.count == 1 && expired[0].at == Instant(rfc3339: "2026-12-01T19:00:00Z"))
        #expect(!simulation.timeline.contains { $0.kind == .outcome || $0.kind == .event })
    }

    /// A specialist who gives a call back makes it return at once; the scheduler tries it again after its pause.
    @Test func aGivenBackCallReturnsAsExpired() async throws {
        let simulation = try Simulation(
            configuration: F.configuration, rulebooks: F.rulebooks, strategies: F.strategies, start: F.start)
        simulation.schedule(.placement(F.placement(email: nil, specialist: "anna"), userID: nil), at: F.start)
        let firstEmission = Instant(rfc3339: "2026-12-01T07:00:00Z")!
        let giveBackFirst = ScriptedResponder { contact in
            contact.at == firstEmission
                ? ContactResponse(.giveBack, after: 120) : ContactResponse(.outcome(.voicemail), after: 30)
        }
        try await simulation.run(until: F.days(1), responder: giveBackFirst)
        try await simulation.expectSound()
        let calls = simulation.timeline.filter { $0.kind == .emission && $0.purpose == "first-call" }
        #expect(calls.map(\.queue) == ["tact.calls.anna", "tact.calls.anna"])
        let expired = try #require(simulation.timeline.first { $0.kind == .expired })
        #expect(expired.cause == "given-back" && expired.at == calls[0].at.adding(seconds: 120))
        #expect(calls[1].at == expired.at.adding(seconds: 600))
        // The voicemail schedules a retry for the next local day.
        let tasks = try await simulation.store.read { try $0.tasks(ofDebtor: "sim/D-1", statuses: [.pending]) }
        #expect(tasks.map(\.purpose) == [.retryCall])
    }

    /// Inputs are checked as decoding would check them: a bad event is refused, named, and changes nothing.
    @Test func refusedInputsAreInTheTimelineWithTheirReason() async throws {
        let simulation = try Simulation(
            configuration: F.configuration, rulebooks: F.rulebooks, strategies: F.strategies, start: F.start)
        simulation.schedule(.placement(F.placement(), userID: nil), at: F.start)
        simulation.schedule(PlannedEvent(at: F.start, debtorId: "D-1", kind: .payment, cause: "test"))
        simulation.schedule(PlannedEvent(at: F.start, debtorId: "D-404", kind: .hardship, cause: "test"))
        simulation.schedule(.placement(F.placement(), userID: nil), at: F.start.adding(seconds: 1))
        try await simulation.run(until: F.days(1), responder: OutcomeModel(seed: 1))
        try await simulation.expectSound()
        let refused = simulation.timeline.filter { $0.kind == .refused }
        #expect(
            refused.map(\.detail) == [
                "missing-field: debtId: required for payment",
                "unknown-reference: debtorId: no debtor with this id was placed",
            ])
        #expect(simulation.timeline.filter { $0.kind == .duplicate }.count == 1)
        #expect(simulation.debtorIDs == ["D-1"])
    }
}
