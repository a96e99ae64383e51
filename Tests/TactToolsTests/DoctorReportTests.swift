import Doctor
import Domain
import TactTools
import Testing

/// What `tact doctor` prints: one line per violation, a summary, or one JSON document; ids only.
@Suite struct DoctorReportTests {
    static let now = Instant(rfc3339: "2026-12-20T12:00:00Z")!
    static let lost = Violation(
        .noNextStep, debtorID: "D-1", debtID: "C-1", taskIDs: ["acme/P-1/first-call"],
        "open debt C-1 has nothing planned: its last call acme/P-1/first-call (first-call) ended no-decision")
    static let twice = Violation(
        .twoGentleCalls, debtorID: "D-2", taskIDs: ["E-1/after-bereavement", "E-2/after-bereavement"],
        "debtor D-2 has 2 open gentle calls")

    @Test func eachViolationIsOneLineWithItsCodeAndIds() {
        #expect(
            DoctorReport.line(Self.lost)
                == "no-next-step debtor D-1 debt C-1 tasks acme/P-1/first-call: open debt C-1 has nothing planned: "
                + "its last call acme/P-1/first-call (first-call) ended no-decision")
        #expect(
            DoctorReport.line(Self.twice)
                == "two-gentle-calls debtor D-2 tasks E-1/after-bereavement,E-2/after-bereavement: "
                + "debtor D-2 has 2 open gentle calls")
    }

    @Test func theSummarySaysWhatWasCheckedAndCountsByCode() {
        #expect(
            DoctorReport.summary(StoreCheckup.Summary(debtors: 1, openDebts: 1), at: Self.now)
                == "doctor: no violation in 1 debtor, 1 open debt, at 2026-12-20T12:00:00Z")
        let found = StoreCheckup.Summary(debtors: 34, openDebts: 40, counts: [.twoGentleCalls: 1, .noNextStep: 2])
        #expect(
            DoctorReport.summary(found, at: Self.now)
                == "doctor: 3 violations (2 no-next-step, 1 two-gentle-calls) in 34 debtors, 40 open debts, "
                + "at 2026-12-20T12:00:00Z")
    }

    @Test func theJSONDocumentHasItsFieldsInOrder() {
        let summary = StoreCheckup.Summary(debtors: 2, openDebts: 2, counts: [.noNextStep: 1, .twoGentleCalls: 1])
        #expect(
            DoctorReport.document([Self.lost, Self.twice], summary: summary, at: Self.now).rendered
                == #"{"asOf":"2026-12-20T12:00:00Z","debtors":2,"openDebts":2,"violationCount":2,"counts":"#
                + #"{"no-next-step":1,"duplicate-open-purpose":0,"step-back-leak":0,"two-gentle-calls":1},"#
                + #""violations":[{"code":"no-next-step","debtorId":"D-1","debtId":"C-1","#
                + #""taskIds":["acme/P-1/first-call"],"detail":"open debt C-1 has nothing planned: its last call "#
                + #"acme/P-1/first-call (first-call) ended no-decision"},{"code":"two-gentle-calls","debtorId":"D-2","#
                + #""debtId":null,"taskIds":["E-1/after-bereavement","E-2/after-bereavement"],"#
                + #""detail":"debtor D-2 has 2 open gentle calls"}]}"#)
    }
}
