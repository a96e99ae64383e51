import Contract
import Domain
import Foundation
import Policy
import SchedulerCore
import Simulation
import TactConfig
import Testing

/// Long runs checked by an independent witness: every emission decided again by a fresh policy engine on the
/// timeline's own account of the debtor, and every cap's busiest window counted again.
@Suite struct SimulationComplianceTests {
    typealias F = SimulationFixtures

    /// More life events than life has, so holds, opt-outs, ceases and disputes all happen within 60 days.
    static let eventful: OutcomeParameters = {
        var parameters = OutcomeParameters.standard
        parameters.daily = [
            .bereavement: 0.01, .hardship: 0.01, .breathingSpace: 0.005, .dispute: 0.01, .cease: 0.003,
            .optOut: 0.01, .payment: 0.002,
        ]
        return parameters
    }()

    @Test(arguments: ["pl-respectful", "us-regf", "uk-fca"])
    func everyEmissionIsPermittedAtItsInstantAndNoCapIsExceeded(rulebook: String) async throws {
        let simulation = try F.sampleSimulation(rulebook: rulebook)
        try await simulation.run(until: F.days(60), responder: OutcomeModel(parameters: Self.eventful, seed: 11))
        try await simulation.expectSound()
        let result = try await simulation.result()
        let verdicts = try TimelineReplay.verdicts(result.timeline, debtors: result.debtors, rulebooks: F.rulebooks)
        #expect(verdicts.count > 100)
        for verdict in verdicts where verdict.decision.decision != .allow {
            Issue.record(
                "\(verdict.emission.jsonLine) → \(verdict.decision.decision) \(verdict.decision.reasons.map(\.rule))")
        }
        // The life events did happen, and some contacts were held back by them.
        let events = Set(result.timeline.compactMap(\.event))
        #expect(events.isSuperset(of: [.bereavement, .hardship, .dispute, .optOut]))
        #expect(result.timeline.contains { $0.reasons?.contains { $0.rule.rawValue.hasPrefix("hold:") } == true })
        try checkCaps(result)
        let checks = ComplianceChecks(result)
        #expect(checks.passed, "\(checks.findings)")
        #expect(checks.findingCount == 0 && checks.unaudited == 0)
        #expect(checks.policyRechecked == verdicts.count)
    }

    /// Ten debts of one debtor plan ten first calls at once, and every call rings out: only the caps stand between
    /// them and the debtor. pl-respectful and uk-fca allow 3 calls per debtor in 7 days. (Reg F's cap is per debt,
    /// and one debt never has that many calls due: a placement sent again amends it rather than calling again.)
    @Test(arguments: [("pl-respectful", 3), ("uk-fca", 3)])
    func capsHoldWhenManyCallsAreDue(rulebook: String, cap: Int) async throws {
        let simulation = try Simulation(
            configuration: F.configuration, rulebooks: F.rulebooks, strategies: F.strategies, start: F.start)
        for index in 1...10 {
            var placement = F.placement(email: nil, rulebook: rulebook)
            placement.placementId = "P-\(index)"
            placement.debt.id = "C-\(index)"
            simulation.schedule(.placement(placement, userID: nil), at: F.start)
        }
        try await simulation.run(
            until: F.days(21), responder: ScriptedResponder { _ in ContactResponse(.outcome(.noAnswer), after: 60) })
        try await simulation.expectSound()
        let result = try await simulation.result()
        let verdicts = try TimelineReplay.verdicts(result.timeline, debtors: result.debtors, rulebooks: F.rulebooks)
        #expect(verdicts.allSatisfy { $0.decision.decision == .allow })
        let rule = try #require(F.rulebooks[rulebook]!.frequencyCaps.first { $0.channels.contains(.call) })
        let busiest = TimelineReplay.busiestWindow(of: rule, result.timeline, debtor: "D-1", zone: "Europe/Warsaw")
        #expect(busiest == cap)
        #expect(result.timeline.contains { $0.reasons?.contains { $0.rule == .frequencyCap } == true })
        #expect(ComplianceChecks(result).caps.first { $0.id == rule.id }?.maximum == cap)
    }

    /// What a compliance officer asks first about Poland, answered without the simulator's own audit.
    @Test func noOneIsCalledOnASundayOrAPolishHolidayUnderPlRespectful() async throws {
        let simulation = try F.sampleSimulation(rulebook: "pl-respectful")
        try await simulation.run(until: F.days(60), responder: OutcomeModel(seed: 5))
        try await simulation.expectSound()
        let result = try await simulation.result()
        var calls = 0
        for debtor in result.debtors {
            let zones = debtor.timeZones.isEmpty ? ["Europe/Warsaw"] : debtor.timeZones
            for call in result.timeline
            where call.kind == .emission && call.channel == .call && call.debtorId == debtor.id {
                calls += 1
                for zone in zones {
                    let local = LocalDay.describe(call.at, inZone: zone).split(separator: " ")
                    #expect(local[0] != "Sun", "\(call.jsonLine)")
                    #expect(HolidayCalendar.poland.holiday(on: LocalDate(iso: local[1])!) == nil, "\(call.jsonLine)")
                }
            }
        }
        #expect(calls > 50)
        #expect(ComplianceChecks(result).callsOnSundays == 0)
    }

    /// Neither the witness nor the audit is vacuous: a call moved to 03:00 is caught by both.
    @Test func aForbiddenContactIsCaught() async throws {
        let simulation = try F.sampleSimulation(rulebook: "pl-respectful")
        try await simulation.run(until: F.days(10), responder: OutcomeModel(seed: 5))
        var result = try await simulation.result()
        let index = try #require(
            result.timeline.firstIndex { $0.kind == .emission && $0.debtorId == "D-3001" && $0.channel == .call })
        result.timeline[index].at = Instant(rfc3339: "2026-12-02T02:00:00Z")!
        let verdicts = try TimelineReplay.verdicts(result.timeline, debtors: result.debtors, rulebooks: F.rulebooks)
        #expect(verdicts.filter { $0.decision.decision != .allow }.map(\.emission.at) == [result.timeline[index].at])
        let checks = ComplianceChecks(result)
        #expect(!checks.passed && checks.contactsOutsideHours == 1 && checks.policyRecheckFailures == 1)
        #expect(checks.findings.allSatisfy { $0.hasPrefix("D-3001 call ") })
    }

    /// Ten days of the sample debtors under pl-respectful, which pass every check: the tests below alter it.
    static let baseline = Task { () throws -> SimulationResult in
        let simulation = try F.sampleSimulation(rulebook: "pl-respectful")
        try await simulation.run(until: F.days(10), responder: OutcomeModel(seed: 5))
        return try await simulation.result()
    }

    /// An emission the audit could not look at fails the report: a debtor whose rulebook the run lacks, a debtor
    /// the result does not list, zones the policy engine refuses.
    @Test func emissionsNotCheckedFailTheReport() async throws {
        let original = try await Self.baseline.value
        #expect(ComplianceChecks(original).passed)
        let emissions = original.timeline.filter { $0.kind == .emission }
        let index = try #require(
            original.debtors.firstIndex { debtor in emissions.contains { $0.debtorId == debtor.id } })
        let id = original.debtors[index].id
        let own = emissions.count(where: { $0.debtorId == id })
        // The debtor as placed, and every placement of theirs the result records, changed alike.
        func changed(_ change: (inout String, inout [String]) -> Void) -> SimulationResult {
            var result = original
            var debtor = result.debtors[index]
            change(&debtor.rulebook, &debtor.timeZones)
            debtor.placements = debtor.placements.map { terms in
                var terms = terms
                change(&terms.rulebook, &terms.timeZones)
                return terms
            }
            result.debtors[index] = debtor
            return result
        }
        let missingRulebook = changed { rulebook, _ in rulebook = "xx-gone" }
        var unlisted = original
        unlisted.debtors.remove(at: index)
        let badZone = changed { _, zones in zones = ["Mars/Base"] }
        let cases = [
            (missingRulebook, "rulebook xx-gone is not in the run"), (unlisted, "not among the placed debtors"),
            (badZone, "the policy engine refuses the debtor"),
        ]
        for (result, problem) in cases {
            let checks = ComplianceChecks(result)
            #expect(!checks.passed, "\(problem)")
            #expect(checks.emissions == emissions.count && checks.policyRechecked == emissions.count - own)
            #expect(checks.unaudited == own)
            #expect(checks.findings.contains { $0.hasPrefix("\(id)") && $0.contains(problem) }, "\(checks.findings)")
            #expect(checks.summary.contains("rechecked \(emissions.count - own) of \(emissions.count) emissions"))
            #expect(!checks.summary.contains("every check passed"))
            let html = SimulationReport(result: result, run: .init()).html
            #expect(html.contains(#"<li class="fail" data-check="rechecked" data-value="\#(emissions.count - own)">"#))
        }
    }

    /// The counters that are not zero, by name (the exceeded caps as `cap:<id>`).
    static func nonZero(_ checks: ComplianceChecks) -> Set<String> {
        let counters = [
            "callsOnSundays": checks.callsOnSundays, "contactsOnClosedDays": checks.contactsOnClosedDays,
            "contactsOutsideHours": checks.contactsOutsideHours, "contactsDuringHolds": checks.contactsDuringHolds,
            "contactsAfterConversation": checks.contactsAfterConversation,
            "policyRecheckFailures": checks.policyRecheckFailures,
        ]
        return Set(counters.filter { $0.value != 0 }.keys).union(checks.caps.filter(\.exceeded).map { "cap:\($0.id)" })
    }

    /// The last call to D-3001 (Europe/Warsaw) in the baseline.
    static func lastCall(_ result: SimulationResult) throws -> Int {
        try #require(
            result.timeline.lastIndex { $0.kind == .emission && $0.debtorId == "D-3001" && $0.channel == .call })
    }

    /// A hold set just before a contact: the contact is counted as one during a hold.
    @Test func aContactDuringAHoldIsCaught() async throws {
        var result = try await Self.baseline.value
        let index = try Self.lastCall(result)
        var hold = TimelineEntry(
            at: result.timeline[index].at.adding(seconds: -3_600), kind: .event, debtorId: "D-3001")
        hold.event = .bereavement
        result.timeline.insert(hold, at: index)
        // That call and every later contact with D-3001 (reminders too) fall within the 30-day hold.
        let held = result.timeline[index...].count(where: { $0.kind == .emission && $0.debtorId == "D-3001" })
        let checks = ComplianceChecks(result)
        #expect(!checks.passed && held >= 1 && checks.contactsDuringHolds == held)
        #expect(Self.nonZero(checks) == ["contactsDuringHolds", "policyRecheckFailures"])
        #expect(checks.findings.contains { $0.hasPrefix("D-3001 call ") && $0.hasSuffix("contact during a hold") })
    }

    /// A call answered in a conversation (it was not), and the same debtor called again within the pause.
    @Test func aContactWithinThePauseAfterAConversationIsCaught() async throws {
        var result = try await Self.baseline.value
        let timeline = result.timeline
        let calls = timeline.indices.filter { timeline[$0].kind == .emission && timeline[$0].channel == .call }
        var found: (outcome: Int, second: Int)?
        for first in calls where found == nil {
            let call = timeline[first]
            guard
                let outcome = timeline.indices.first(where: {
                    $0 > first && timeline[$0].kind == .outcome && timeline[$0].taskId == call.taskId
                }), timeline[outcome].result?.contactResult != .conversation,
                let second = calls.first(where: {
                    $0 > outcome && timeline[$0].debtorId == call.debtorId
                        && timeline[$0].at.secondsSinceEpoch - call.at.secondsSinceEpoch < 2 * 86_400
                })
            else { continue }
            found = (outcome, second)
        }
        let (outcome, second) = try #require(found)
        result.timeline[outcome].result = .conversation
        let checks = ComplianceChecks(result)
        #expect(!checks.passed && checks.contactsAfterConversation >= 1)
        #expect(Self.nonZero(checks) == ["contactsAfterConversation", "policyRecheckFailures"])
        let debtor = timeline[second].debtorId
        #expect(
            checks.findings.contains {
                $0.hasPrefix("\(debtor) call ") && $0.hasSuffix("the pause after a conversation")
            })
    }

    /// A call moved to Christmas Day, 10:00 in Warsaw, and one to a Sunday: both on a closed day.
    @Test(arguments: [
        ("2026-12-25T09:00:00Z", "contact on a holiday"), ("2026-12-06T09:00:00Z", "contact on a closed day"),
    ])
    func aContactOnAHolidayOrClosedDayIsCaught(at instant: String, finding: String) async throws {
        var result = try await Self.baseline.value
        let index = try Self.lastCall(result)
        result.timeline[index].at = Instant(rfc3339: instant)!
        let checks = ComplianceChecks(result)
        #expect(!checks.passed && checks.contactsOnClosedDays == 1)
        let sunday: Set<String> = instant.hasPrefix("2026-12-06") ? ["callsOnSundays"] : []
        #expect(Self.nonZero(checks) == sunday.union(["contactsOnClosedDays", "policyRecheckFailures"]))
        #expect(
            checks.findings.contains { $0.hasPrefix("D-3001 call ") && $0.hasSuffix(finding) }, "\(checks.findings)")
    }

    /// Three more calls to D-3001 at the instant of one it had: four in a week, where pl-respectful allows three.
    @Test func callsBeyondACapAreCaught() async throws {
        var result = try await Self.baseline.value
        let index = try Self.lastCall(result)
        for copy in 1...3 {
            var call = result.timeline[index]
            call.taskId = "extra-\(copy)"
            result.timeline.insert(call, at: index + 1)
        }
        let checks = ComplianceChecks(result)
        let cap = try #require(checks.caps.first { $0.id == "calls-per-debtor" })
        #expect(!checks.passed && cap.exceeded && cap.maximum >= 4)
        #expect(Self.nonZero(checks) == ["cap:calls-per-debtor", "policyRecheckFailures"])
    }

    /// An event and an emission at one instant: what stands first in the timeline happened first. A hold or an
    /// opt-out applied before the call governs it; one applied after it, at the same instant, does not.
    @Test(arguments: [LifeEvent.Kind.bereavement, .optOut], [true, false])
    func anEventAtTheInstantOfAContactCountsOnlyIfItCameFirst(kind: LifeEvent.Kind, eventFirst: Bool) async throws {
        var result = try await Self.baseline.value
        let index = try Self.lastCall(result)
        let later = result.timeline[(index + 1)...].count(where: { $0.kind == .emission && $0.debtorId == "D-3001" })
        var event = TimelineEntry(at: result.timeline[index].at, kind: .event, debtorId: "D-3001")
        event.event = kind
        event.channel = kind == .optOut ? .call : nil
        result.timeline.insert(event, at: eventFirst ? index : index + 1)
        let checks = ComplianceChecks(result)
        if kind == .optOut {
            // Only the policy engine knows opt-outs; there are no later calls to D-3001.
            #expect(checks.policyRecheckFailures == (eventFirst ? 1 : 0), "\(checks.findings)")
            #expect(checks.passed == !eventFirst)
        } else {
            // The call itself, if the hold came first, and the reminders after it either way.
            #expect(checks.contactsDuringHolds == later + (eventFirst ? 1 : 0), "\(checks.findings)")
            #expect(
                checks.findings.contains {
                    $0.contains("D-3001 call \(result.timeline[eventFirst ? index + 1 : index].taskId!) ")
                } == eventFirst)
        }
    }

    /// Sixty calls to D-3001 at 03:00 in Warsaw: every finding is counted, though only the first 50 are listed.
    @Test func findingsAreCountedBeyondTheListedOnes() async throws {
        var result = try await Self.baseline.value
        let index = try Self.lastCall(result)
        for copy in 1...60 {
            var call = result.timeline[index]
            call.taskId = "extra-\(copy)"
            call.at = Instant(rfc3339: "2026-12-02T02:00:00Z")!
            result.timeline.insert(call, at: index + 1)
        }
        let checks = ComplianceChecks(result)
        #expect(!checks.passed && checks.contactsOutsideHours == 60 && checks.policyRecheckFailures == 60)
        // Each call outside hours and refused by the engine, and the cap D-3001 went over.
        #expect(checks.findingCount == 121 && checks.findings.count == 50)
        #expect(checks.summary.hasPrefix("121 finding(s), rechecked"))
        let html = SimulationReport(result: result, run: .init()).html
        #expect(html.contains("The first 50 of 121 findings:"))
    }

    /// Two debtors under two rulebooks, one with Sunday hours (us-regf) and one without (pl-respectful): a Sunday
    /// call is a finding under the rulebook that forbids it, and only there.
    @Test func sundayCallsAreFindingsUnderTheRulebookThatForbidsThem() async throws {
        let simulation = try Simulation(
            configuration: F.configuration, rulebooks: F.rulebooks, strategies: F.strategies, start: F.start)
        simulation.schedule(.placement(F.placement(debtor: "D-1", rulebook: "pl-respectful"), userID: nil), at: F.start)
        simulation.schedule(
            .placement(F.placement(debtor: "D-2", zones: ["America/New_York"], rulebook: "us-regf"), userID: nil),
            at: F.start)
        try await simulation.run(
            until: F.days(14), responder: ScriptedResponder { _ in ContactResponse(.outcome(.noAnswer), after: 60) })
        let result = try await simulation.result()
        // D-2 is called on Sundays, as us-regf permits: no finding, though pl-respectful is in use too.
        let before = ComplianceChecks(result)
        #expect(!before.sundayCallsPermitted && before.callsOnSundays >= 1 && before.callsOnForbiddenSundays == 0)
        #expect(before.passed && before.findingCount == 0 && before.summary.hasPrefix("every check passed"))
        #expect(
            !result.timeline.contains {
                $0.kind == .emission && $0.debtorId == "D-1"
                    && LocalDay.describe($0.at, inZone: "Europe/Warsaw").hasPrefix("Sun")
            })
        // D-1's first call after Sunday 6 December moved to 14:00 that Sunday in Warsaw.
        var moved = result
        let sunday = Instant(rfc3339: "2026-12-06T13:00:00Z")!
        let index = try #require(
            moved.timeline.firstIndex {
                $0.kind == .emission && $0.debtorId == "D-1" && $0.channel == .call && $0.at > sunday
            })
        moved.timeline[index].at = sunday
        let checks = ComplianceChecks(moved)
        #expect(checks.callsOnSundays == before.callsOnSundays + 1 && checks.callsOnForbiddenSundays == 1)
        #expect(!checks.passed && checks.findingCount >= 1)
        #expect(
            checks.findings.contains { $0.hasPrefix("D-1 call ") && $0.contains("call on a Sunday (pl-respectful") })
        #expect(!checks.findings.contains { $0.hasPrefix("D-2 ") })
        #expect(checks.summary.hasPrefix("\(checks.findingCount) finding(s)"))
    }

    /// An attorney takes over for D-3001 on Sunday 6 December, and a call goes to them at 03:00 in Warsaw: the
    /// engine redirects at any hour, and no calendar check counts a redirected contact.
    @Test func redirectedContactsAreExemptFromEveryCalendarCheck() async throws {
        var result = try await Self.baseline.value
        var attorney = TimelineEntry(at: Instant(rfc3339: "2026-12-06T01:00:00Z")!, kind: .event, debtorId: "D-3001")
        attorney.event = .attorney
        var call = result.timeline[try Self.lastCall(result)]
        (call.at, call.taskId, call.cause) = (
            Instant(rfc3339: "2026-12-06T02:00:00Z")!, "to-the-attorney", "representative"
        )
        result.timeline += [attorney, call]
        let checks = ComplianceChecks(result)
        #expect(checks.redirectedContacts == 1)
        #expect(checks.callsOnSundays == 0 && checks.contactsOnClosedDays == 0 && checks.contactsOutsideHours == 0)
        #expect(checks.passed, "\(checks.findings)")
        #expect(
            SimulationReport(result: result, run: .init()).html.contains("Contacts redirected to a representative: 1."))
        // Without the attorney's hold the engine would not have redirected: the recheck still catches that.
        result.timeline.remove(at: result.timeline.count - 2)
        let unheld = ComplianceChecks(result)
        #expect(!unheld.passed && unheld.policyRecheckFailures == 1 && unheld.callsOnSundays == 0)
    }

    /// D-1 is placed in Warsaw under pl-respectful, and on day 5 placed again (a second debt) in Los Angeles under
    /// us-regf: each contact is audited under the placement in force when it was made, not as the debtor ended up.
    @Test func eachContactIsAuditedUnderThePlacementInForce() async throws {
        let simulation = try Simulation(
            configuration: F.configuration, rulebooks: F.rulebooks, strategies: F.strategies, start: F.start)
        simulation.schedule(.placement(F.placement(debtor: "D-1"), userID: nil), at: F.start)
        var again = F.placement(debtor: "D-1", zones: ["America/Los_Angeles"], rulebook: "us-regf")
        (again.placementId, again.debt.id) = ("P-D-1-again", "C-D-1-again")
        simulation.schedule(.placement(again, userID: nil), at: F.days(5))
        try await simulation.run(
            until: F.days(12), responder: ScriptedResponder { _ in ContactResponse(.outcome(.noAnswer), after: 60) })
        let result = try await simulation.result()
        let debtor = try #require(result.debtors.first)
        #expect(debtor.placements.map(\.rulebook) == ["pl-respectful", "us-regf"])
        #expect(debtor.placements.map(\.timeZones) == [["Europe/Warsaw"], ["America/Los_Angeles"]])
        let second = debtor.placements[1].position
        #expect(result.timeline[second].kind == .placement && result.timeline[second].debtId == "C-D-1-again")
        let calls = result.timeline.indices.filter {
            result.timeline[$0].kind == .emission && result.timeline[$0].channel == .call
        }
        #expect(calls.contains { $0 < second } && calls.contains { $0 > second })
        let verdicts = try TimelineReplay.verdicts(result.timeline, debtors: result.debtors, rulebooks: F.rulebooks)
        #expect(verdicts.count == result.timeline.count(where: { $0.kind == .emission }))
        #expect(verdicts.allSatisfy { $0.decision.decision == .allow })
        let checks = ComplianceChecks(result)
        #expect(checks.passed, "\(checks.findings)")
        #expect(Set(checks.caps.map(\.rulebook)) == ["pl-respectful", "us-regf"])
        // Audited as last placed throughout, the contacts made in Warsaw hours fall outside those of Los Angeles.
        var asLastPlaced = result
        asLastPlaced.debtors[0].placements = []
        let wrong = ComplianceChecks(asLastPlaced)
        #expect(!wrong.passed && wrong.contactsOutsideHours > 0)
    }

    /// The audit's busiest windows are the witness's: for each cap, the most over all debtors.
    private func checkCaps(_ result: SimulationResult) throws {
        let audit = ComplianceChecks(result)
        var busiestOfAll: [String: Int] = [:]  // "rulebook/cap" → the most any debtor had
        for debtor in result.debtors {
            let rulebook = try #require(result.rulebooks[debtor.rulebook])
            for cap in rulebook.frequencyCaps {
                let busiest = TimelineReplay.busiestWindow(
                    of: cap, result.timeline, debtor: debtor.id, zone: result.calendarZone(of: debtor))
                #expect(busiest <= cap.limit, "\(debtor.id) \(cap.id): \(busiest)")
                busiestOfAll["\(rulebook.id)/\(cap.id)"] = max(busiestOfAll["\(rulebook.id)/\(cap.id)"] ?? 0, busiest)
            }
        }
        #expect(Set(audit.caps.map { "\($0.rulebook)/\($0.id)" }) == Set(busiestOfAll.keys))
        for (key, busiest) in busiestOfAll {
            let reported = try #require(audit.caps.first { "\($0.rulebook)/\($0.id)" == key })
            #expect(reported.maximum == busiest, "\(key)")
        }
    }
}
