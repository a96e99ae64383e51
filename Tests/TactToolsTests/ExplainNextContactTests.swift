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
                    purpose: "after-bereavement", dueAt: now, createdAt: now)
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
}
