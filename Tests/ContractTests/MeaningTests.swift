import Contract
import Domain
import Policy
import Testing

/// Validation reads each message once into what it says (`meaning()`): the fields its kind requires, typed, and the
/// same refusals as `validate()`.
@Suite("Contract: validated messages as typed meanings")
struct MeaningTests {
    let at = Instant(rfc3339: "2026-12-01T15:30:00Z")!

    @Test func eventsCarryTheFieldsTheirKindRequires() throws {
        let promise = Outcome.Promise(amount: "50.00", date: "2026-12-10")
        let instalments = [LifeEvent.Instalment(amount: "10.00", dueDate: "2026-12-05")]
        func meaning(_ kind: LifeEvent.Kind, _ change: (inout LifeEvent) -> Void = { _ in }) throws -> LifeEvent.Meaning
        {
            var event = LifeEvent(eventId: "E-1", debtorId: "D-1", debtId: "B-1", kind: kind, at: at)
            change(&event)
            return try event.meaning()
        }
        #expect(try meaning(.bereavement) == .hold(.bereavement))
        #expect(try meaning(.optOut) { $0.channel = .sms } == .optOut(.sms))
        #expect(
            try meaning(.payment) { $0.amount = "12.50" } == .payment(debtID: "B-1", amount: "12.50", currency: nil))
        #expect(try meaning(.plan) { $0.instalments = instalments } == .plan(debtID: "B-1", instalments: instalments))
        #expect(try meaning(.promise) { $0.promise = promise } == .promise(debtID: "B-1", promise))
        #expect(try meaning(.recall) == .recall(debtID: "B-1"))
        #expect(throws: ContractError(.missingField, field: "debtId", "required for plan")) {
            try meaning(.plan) { $0.debtId = nil }
        }
        #expect(throws: ContractError(.missingField, field: "channel", "required for opt-in")) { try meaning(.optIn) }
    }

    @Test func outcomesCarryTheirPromiseOrScore() throws {
        var outcome = Outcome(
            outcomeId: "O-1", taskId: "T-1", debtorId: "D-1", debtId: "B-1", channel: .call, at: at,
            result: .promiseToPay, promise: Outcome.Promise(amount: "50.00", date: "2026-12-10"))
        #expect(try outcome.meaning() == .promiseToPay(Outcome.Promise(amount: "50.00", date: "2026-12-10")))
        outcome.promise = nil
        #expect(throws: ContractError(.missingField, field: "promise", "required for promise-to-pay")) {
            try outcome.meaning()
        }
        outcome.result = .surveyResponse
        outcome.score = 4
        #expect(try outcome.meaning() == .surveyResponse(score: 4, comment: nil))
        outcome.result = .noAnswer
        outcome.score = nil
        #expect(try outcome.meaning() == .noAnswer)
    }

    @Test func specialistChangesCarryWhoTheyConcern() throws {
        var change = SpecialistChange(changeId: "C-1", action: .handover, specialistId: "anna", debtorId: "D-1")
        #expect(try change.meaning() == .handover(creditorID: nil, debtorID: "D-1"))
        change.creditorId = "acme"
        #expect(try change.meaning() == .handover(creditorID: "acme", debtorID: "D-1"))
        change.creditorId = "ac/me"
        #expect(throws: ContractError(.invalidField, field: "creditorId", "must not contain \"/\"")) {
            try change.meaning()
        }
        change.debtorId = nil
        #expect(throws: ContractError(.missingField, field: "debtorId", "required for handover")) {
            try change.meaning()
        }
        change.action = .retire
        change.backupId = "bob"
        #expect(try change.meaning() == .retire(successorID: "bob"))
    }
}
