import Domain
import Foundation
import Policy
import Store
import TactConfig
import TactTools
import Testing

/// `tact explain` names every rule that moves the next contact, not only those that hold it back now (issue 11: a
/// bereaved Polish debtor's contact moved to 7 January without naming the holiday on 6 January).
@Suite struct ExplainNextContactTests {
    static let config = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Config")
    static let now = Instant(rfc3339: "2026-12-20T12:00:00Z")!
    /// The cooling-off ends at midnight between 5 and 6 January in Warsaw; 6 January is Trzech Króli (Epiphany).
    static let holdEnd = Instant(rfc3339: "2027-01-05T23:00:00Z")!

    static func records() -> ExplainRecords {
        let debtor = DebtorRecord(
            id: "D-1", creditorID: "acme", rulebook: "pl-respectful",
            contact: ContactDetails(
                name: "Jan", phone: "+48000000001", sms: nil, email: nil, postalAddress: nil, language: "pl"),
            timeZones: ["Europe/Warsaw"], createdAt: now)
        return ExplainRecords(
            debtor: debtor,
            debts: [
                DebtRecord(
                    debtorID: "D-1", id: "C-1", placementID: "P-1", amount: "100.00", currency: "PLN",
                    dueDate: "2026-11-01")
            ],
            tasks: [
                TaskRecord(
                    id: "E-1/after-bereavement", debtorID: "D-1", debtID: "C-1", channel: .call,
                    purpose: .afterBereavement, dueAt: now, createdAt: now)
            ], decisions: [],
            holds: [
                HoldRecord(id: "E-1", debtorID: "D-1", debtID: nil, kind: .bereavement, since: now, until: holdEnd)
            ],
            ledger: [])
    }

    @Test func theHolidayAfterTheCoolingOffIsNamed() throws {
        let rulebooks = [
            "pl-respectful": try RulebookLoader(directory: ConfigDirectory(url: Self.config)).load("pl-respectful")
        ]
        let records = Self.records()
        let next = try #require(ExplainNextContact.find(in: records, rulebooks: rulebooks, now: Self.now))
        #expect(next.permissibleAt == Instant(rfc3339: "2027-01-07T07:00:00Z"), "Thursday 08:00 in Warsaw")
        #expect(next.reasons.contains { $0.rule == .hold(.bereavement) })
        let first = try #require(next.later.first)
        #expect(first.from == Self.holdEnd)
        #expect(first.reasons.contains { $0.rule == .holiday && $0.detail.contains("Trzech Króli") })
        let text = ExplainText.render(records, next: next, now: Self.now)
        #expect(text.contains("  then, from 2027-01-05T23:00:00Z (Wed 2027-01-06 00:00 Europe/Warsaw):\n"))
        #expect(text.contains("Trzech Króli"))
    }

    static func rulebooks() throws -> [String: Rulebook] {
        ["pl-respectful": try RulebookLoader(directory: ConfigDirectory(url: Self.config)).load("pl-respectful")]
    }

    /// Issue 11: a hold without an end of its own "had no end given" while the decision line gave its end.
    @Test func aHoldsEndIsTheOneThePolicyUsesEverywhere() throws {
        var records = Self.records()
        records.holds[0].until = nil  // the rulebook's default for a bereavement applies
        records.holds.append(HoldRecord(id: "E-2", debtorID: "D-1", kind: .cease, since: Self.now))
        records.resolveHoldEnds(rulebooks: try Self.rulebooks())
        let end = try #require(records.holdEnds["E-1"])
        #expect(end > Self.now && records.holdEnds["E-2"] == nil)
        let next = try #require(ExplainNextContact.find(in: records, rulebooks: try Self.rulebooks(), now: Self.now))
        let text = ExplainText.render(records, next: next, now: Self.now)
        #expect(
            text.contains(
                "E-1: bereavement from \(records.both(Self.now)) until \(records.both(end)) (the rulebook's default for bereavement)"
            ))
        #expect(text.contains("E-2: cease from \(records.both(Self.now)), no end: it lasts until it is lifted"))
        #expect(text.contains("hold E-1 (bereavement) ends"), "the timeline gives the same end")
        #expect(!text.contains("no end given"))
    }

    /// Issue 11: a contact-hours reason given at 06:00 was still shown hours later, when another rule held the
    /// contact back.
    @Test func theReasonsShownAreThoseThatHoldNow() throws {
        var records = Self.records()
        records.holds = []
        // Decided on Saturday 19 December at 05:00 in Warsaw: deferred to Monday 08:00. Now it is Sunday noon.
        let decided = Instant(rfc3339: "2026-12-19T04:00:00Z")!
        let monday = Instant(rfc3339: "2026-12-21T07:00:00Z")!
        var task = records.tasks[0]
        task = TaskRecord(
            id: task.id, debtorID: "D-1", debtID: "C-1", channel: .call, purpose: task.purpose, dueAt: monday,
            attempts: 1, settledAttempts: 1, createdAt: decided)
        records.tasks = [task]
        records.decisions = [
            DecisionRecord(
                taskID: task.id, debtorID: "D-1", decidedAt: decided, decision: .defer, earliest: monday,
                reasons: [.init(rule: .contactHours, until: decided.adding(seconds: 3 * 3_600), detail: "05:00")],
                worker: "w")
        ]
        let next = try #require(ExplainNextContact.find(in: records, rulebooks: try Self.rulebooks(), now: Self.now))
        #expect(next.basis == .decision && next.permissibleAt == monday && next.reasonsAt == Self.now)
        // Saturday 05:00 was before the day's hours; Sunday noon is a day without any.
        #expect(next.reasons.map(\.detail) == ["Sun 13:00 in Europe/Warsaw is outside contact hours (closed on Sun)"])
        let text = ExplainText.render(records, next: next, now: Self.now)
        #expect(text.contains("its rules as they stand at \(Self.now)"))
    }
}
