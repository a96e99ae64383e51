import Domain
import Testing

@testable import Contract

/// The fields tenants and the check at the moment of sending added, with bad values: each refused with its field
/// named (issues 12 and 13).
@Suite struct TenantInputTests {
    private static func refusal(_ validate: () throws(ContractError) -> Void) -> ContractError? {
        do {
            try validate()
            return nil
        } catch {
            return error
        }
    }

    @Test func aCreditorIdWithASlashIsRefusedWhereverItIsNamed() {
        let slash = ContractError(.invalidField, field: "creditorId", "must not contain \"/\"")
        let event = LifeEvent(
            eventId: "E-1", creditorId: "ac/me", debtorId: "D-1", kind: .hardship,
            at: Instant(rfc3339: "2026-12-01T10:00:00Z")!)
        #expect(Self.refusal { () throws(ContractError) in try event.validate() } == slash)
        let outcome = Outcome(
            outcomeId: "O-1", taskId: "acme/P-1/first-call", creditorId: "ac/me", debtorId: "D-1", debtId: "C-1",
            channel: .call, at: Instant(rfc3339: "2026-12-01T10:00:00Z")!, result: .noAnswer)
        #expect(Self.refusal { () throws(ContractError) in try outcome.validate() } == slash)
    }

    @Test func aPersonKeyIsAnIdentifier() {
        var placement = Placement(
            placementId: "P-1", creditorId: "acme",
            debtor: .init(id: "D-1", name: "A Person", timeZones: ["UTC"], phone: "+15550100", language: "en"),
            debt: .init(id: "C-1", amount: "10.00", currency: "USD", dueDate: "2026-11-01"))
        placement.debtor.personKey = "not an id"
        #expect(
            Self.refusal { () throws(ContractError) in try placement.validate() }?.field == "debtor.personKey")
        placement.debtor.personKey = String(repeating: "k", count: 129)
        #expect(
            Self.refusal { () throws(ContractError) in try placement.validate() }
                == ContractError(.invalidField, field: "debtor.personKey", "too long: more than 128 characters"))
        placement.debtor.personKey = "pk-7f3a"
        #expect(Self.refusal { () throws(ContractError) in try placement.validate() } == nil)
    }

    @Test func aContactCheckNamesItsSenderAndAHandOut() {
        func refusal(_ check: ContactCheck) -> ContractError? {
            Self.refusal { () throws(ContractError) in try check.validate() }
        }
        #expect(refusal(ContactCheck(taskId: "acme/P-1/first-notice", attempt: 1, senderId: "mailer-1")) == nil)
        #expect(refusal(ContactCheck(taskId: "acme/P-1/first-notice", attempt: 1, senderId: ""))?.field == "senderId")
        #expect(
            refusal(ContactCheck(taskId: "acme/P-1/first-notice", attempt: 0, senderId: "mailer-1"))
                == ContractError(.invalidField, field: "attempt", "must be at least 1"))
        #expect(refusal(ContactCheck(taskId: "a task", attempt: 1, senderId: "mailer-1"))?.field == "taskId")
        #expect(
            refusal(ContactCheck(taskId: "acme/P-1/first-notice", attempt: 1, senderId: "mailer 1"))?.field
                == "senderId")
    }
}
