import Contract
import Domain
import Foundation
import Policy
import SchedulerCore
import Simulation
import Store
import TactConfig
import Testing

/// Issue 5's flows over weeks of virtual time: the real scheduler and worker cores, the real store and strategies,
/// an in-memory transport and a scripted world. One debtor in New York (Reg F: every day 08:00–21:00), specialist
/// anna, the default strategy, from Tuesday 2026-12-01.
@Suite("Cadences over weeks, on the virtual clock")
struct CadenceFlowTests {
    static let start = SimulationFixtures.start

    static func day(_ number: Int, _ time: String = "00:00:00") -> Instant {
        Instant(rfc3339: LocalDateText.utc(start, plusDays: number) + "T\(time)Z")!
    }

    static func date(_ number: Int) -> String { LocalDateText.utc(start, plusDays: number) }

    /// Runs `days` days; `inputs` are applied at their instants; `respond` plays gateways, specialists and debtor.
    static func run(
        days: Int, inputs: [(SchedulerInput, Instant)] = [], specialist: String? = "anna",
        respond: @escaping @Sendable (EmittedContact) -> ContactResponse
    ) async throws -> (timeline: [TimelineEntry], store: SQLiteStore) {
        var configuration = SimulationFixtures.configuration
        configuration.defaultRulebook = "us-regf"
        let simulation = try Simulation(
            configuration: configuration, rulebooks: SimulationFixtures.rulebooks,
            strategies: SimulationFixtures.strategies, start: start)
        let placement = SimulationFixtures.placement(
            zones: ["America/New_York"], email: "d@example.com", sms: "+15550100", specialist: specialist,
            rulebook: "us-regf")
        simulation.schedule(.placement(placement, userID: nil), at: start)
        for (input, at) in inputs { simulation.schedule(input, at: at) }
        try await simulation.run(until: day(days), responder: ScriptedResponder(respond))
        try await simulation.expectSound()
        return (simulation.timeline, simulation.store)
    }

    static func emissions(_ timeline: [TimelineEntry], _ purpose: String? = nil) -> [TimelineEntry] {
        timeline.filter { $0.kind == .emission && (purpose == nil || $0.purpose == purpose) }
    }

    static func payment(_ at: Instant) -> PlannedEvent {
        PlannedEvent(at: at, debtorId: "D-1", kind: .payment, debtId: "C-D-1", cause: "test")
    }

    /// Reminders are delivered; calls ring unanswered unless `call` says otherwise.
    static func world(call: @escaping @Sendable (EmittedContact) -> ContactResponse?)
        -> @Sendable (EmittedContact) -> ContactResponse
    {
        { contact in
            if contact.channel == .call, let response = call(contact) { return response }
            return ContactResponse(.outcome(contact.channel == .call ? .noAnswer : .delivered), after: 60)
        }
    }

    @Test func aKeptPromiseGetsItsReminderAndNoBrokenPromiseCallThenTheSurvey() async throws {
        let promised = Self.date(10)
        let (timeline, store) = try await Self.run(
            days: 30,
            respond: Self.world { call in
                guard call.purpose == "first-call" else { return nil }
                return ContactResponse(
                    .outcome(.promiseToPay, promise: .init(amount: "120.50", date: promised)), after: 300,
                    events: [Self.payment(Self.day(10, "15:00:00"))])
            })
        let reminder = try #require(Self.emissions(timeline, "promise-reminder").first)
        #expect(reminder.at >= Self.day(9, "13:00:00") && reminder.at < Self.day(10), "the day before, in the window")
        #expect(Self.emissions(timeline, "broken-promise").isEmpty)
        #expect(try await store.read { try $0.promises(ofDebtor: "sim/D-1") }.first?.status == .kept)
        let survey = try #require(Self.emissions(timeline, "survey").first)
        #expect(survey.channel == .email)
        #expect(
            survey.at >= Self.day(17, "13:00:00") && survey.at < Self.day(18, "02:00:00"), "seven days after paying")
        // Nothing chases a paid debt.
        #expect(Self.emissions(timeline).filter { $0.at > Self.day(10, "15:00:00") && $0.purpose != "survey" }.isEmpty)
    }

    @Test func aBrokenPromiseLeadsToACallTheNextDayToTheSameSpecialist() async throws {
        let promised = Self.date(10)
        let (timeline, store) = try await Self.run(
            days: 14,
            respond: Self.world { call in
                guard call.purpose == "first-call" else { return ContactResponse(.ignore) }
                return ContactResponse(
                    .outcome(.promiseToPay, promise: .init(amount: "60.00", date: promised)), after: 300)
            })
        let check = try #require(Self.emissions(timeline, "broken-promise").first)
        #expect(check.queue == "tact.calls.anna")
        #expect(
            check.at >= Self.day(11, "13:00:00") && check.at < Self.day(12, "02:00:00"),
            "the day after the promised day")
        #expect(try await store.read { try $0.promises(ofDebtor: "sim/D-1") }.first?.status == .broken)
        // No other collection call between the promise and its check: the promise replaced the chasing.
        let promiseMade = try #require(timeline.first { $0.kind == .outcome && $0.result == .promiseToPay }).at
        let between = Self.emissions(timeline).filter { $0.channel == .call && $0.at > promiseMade && $0.at < check.at }
        #expect(between.isEmpty)
    }

    static func plan(_ instalmentDays: [Int], at: Instant) -> (SchedulerInput, Instant) {
        let event = LifeEvent(
            eventId: "E-PLAN", debtorId: "D-1", debtId: "C-D-1", kind: .plan, at: at,
            // Instalments that add up to at most the debt (120.50): a plan for more than the balance is refused.
            instalments: instalmentDays.map { .init(amount: "30.00", dueDate: Self.date($0)) })
        return (.event(event, userID: nil), at)
    }

    @Test func aPlanWithAMissedInstalmentRemindsEachTimeAndCallsGentlyOnce() async throws {
        let paidFirst = Self.day(10, "16:00:00")
        let (timeline, store) = try await Self.run(
            days: 45, inputs: [Self.plan([10, 40, 70], at: Self.day(1, "15:00:00"))],
            respond: { contact in
                if contact.purpose == "instalment-reminder", contact.at < Self.day(11) {
                    return ContactResponse(.outcome(.delivered), after: 60, events: [Self.payment(paidFirst)])
                }
                return ContactResponse(.outcome(contact.channel == .call ? .conversation : .delivered), after: 60)
            })
        let reminders = Self.emissions(timeline, "instalment-reminder")
        #expect(reminders.count == 2, "before instalments 1 and 2 (3 is after the run)")
        #expect(
            reminders.first.map { $0.at >= Self.day(7) && $0.at < Self.day(8, "02:00:00") } == true, "three days before"
        )
        let missed = Self.emissions(timeline, "missed-instalment")
        #expect(missed.count == 1, "only the second instalment was missed")
        #expect(missed.first.map { $0.at >= Self.day(41, "13:00:00") && $0.at < Self.day(42, "02:00:00") } == true)
        #expect(missed.first?.queue == "tact.calls.anna")
        let plan = try #require(try await store.read { try $0.plans(ofDebtor: "sim/D-1") }.first)
        #expect(plan.instalments.map { $0.paidAt != nil } == [true, false, false])
        #expect(plan.status == .active)
    }

    @Test func aBereavementInTheMiddleOfAPlanStopsRemindersUntilTheSpecialistHasCalled() async throws {
        let grief = LifeEvent(eventId: "E-GRIEF", debtorId: "D-1", kind: .bereavement, at: Self.day(12, "15:00:00"))
        let (timeline, _) = try await Self.run(
            days: 70,
            inputs: [
                Self.plan([10, 20, 30, 60], at: Self.day(1, "15:00:00")),
                (.event(grief, userID: nil), Self.day(12, "15:00:00")),
            ],
            respond: { contact in
                ContactResponse(.outcome(contact.channel == .call ? .conversation : .delivered), after: 60)
            })
        let afterGrief = Self.emissions(timeline).filter { $0.at > Self.day(12, "15:00:00") }
        let first = try #require(afterGrief.first)
        #expect(first.purpose == "after-bereavement")
        #expect(first.channel == .call)
        #expect(first.queue == "tact.calls.anna", "the same specialist")
        // Reg F rulebook: 30 days of cooling-off from the local date of the bereavement.
        #expect(first.at >= Instant(rfc3339: "2026-12-13T05:00:00Z")!.adding(seconds: 30 * 86_400))
        #expect(afterGrief.filter { $0.at < first.at }.isEmpty, "nothing, and no automated text, before that call")
        // After that call the plan goes on: the last instalment (day 60) is reminded of again, and chased gently
        // when missed; the ones that fell in the cooling-off are not chased.
        let resumed = afterGrief.filter { $0.at > first.at && ($0.taskId ?? "").hasPrefix("sim/E-PLAN/") }
        #expect(
            resumed.compactMap(\.taskId).sorted() == [
                "sim/E-PLAN/4/instalment-reminder", "sim/E-PLAN/4/missed-instalment",
            ])
    }

    @Test func aHandOverMovesTheCallsToTheNewSpecialist() async throws {
        let handover = SpecialistChange(changeId: "S-1", action: .handover, specialistId: "carol", debtorId: "D-1")
        let (timeline, _) = try await Self.run(
            days: 6, inputs: [(.specialist(handover), Self.day(2))], respond: Self.world { _ in nil })
        let calls = Self.emissions(timeline).filter { $0.channel == .call }
        #expect(calls.filter { $0.at < Self.day(2) }.allSatisfy { $0.queue == "tact.calls.anna" })
        let later = calls.filter { $0.at > Self.day(2) }
        #expect(!later.isEmpty)
        #expect(later.allSatisfy { $0.queue == "tact.calls.carol" })
    }

    @Test func anAwaySpecialistsCallsGoToTheBackupAndComeBackAfterwards() async throws {
        let away = SpecialistChange(
            changeId: "S-1", action: .away, specialistId: "anna", until: Self.day(9), backupId: "bob")
        let (timeline, _) = try await Self.run(
            days: 16, inputs: [(.specialist(away), Self.day(1, "12:00:00"))], respond: Self.world { _ in nil })
        let calls = Self.emissions(timeline).filter { $0.channel == .call }
        let during = calls.filter { $0.at > Self.day(1, "12:00:00") && $0.at < Self.day(9) }
        let after = calls.filter { $0.at >= Self.day(9) }
        #expect(!during.isEmpty && !after.isEmpty)
        #expect(during.allSatisfy { $0.queue == "tact.calls.bob" })
        #expect(after.allSatisfy { $0.queue == "tact.calls.anna" })
    }

    @Test func unansweredCallsLeadToACallBackRequestAndAPause() async throws {
        let (timeline, _) = try await Self.run(days: 12, respond: Self.world { _ in nil })
        let calls = Self.emissions(timeline).filter { $0.channel == .call }
        let request = try #require(Self.emissions(timeline, "call-back-request").first)
        #expect(request.channel == .sms)
        // Three unanswered calls on three days, then the text, then three quiet days.
        let before = calls.filter { $0.at < request.at }
        #expect(before.count == 3)
        let next = try #require(calls.first { $0.at > request.at })
        #expect(next.at.secondsSinceEpoch - request.at.secondsSinceEpoch >= 3 * 86_400)
        // Never more than one call a day, and never 8 in 7 days (Reg F).
        let days = calls.map { ($0.at.secondsSinceEpoch - 5 * 3600) / 86_400 }
        #expect(Set(days).count == days.count)
    }
}

/// Dates as text for the tests.
enum LocalDateText {
    static func utc(_ start: Instant, plusDays days: Int) -> String {
        String(start.adding(seconds: Int64(days) * 86_400).description.prefix(10))
    }
}
