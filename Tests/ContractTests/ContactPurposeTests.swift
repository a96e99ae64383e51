import Contract
import Domain
import Testing

/// Calls and reminders spell their purpose as text; `ContactPurpose` reads it, and whom the contact is made with.
@Suite("Contract: a contact's purpose, read")
struct ContactPurposeTests {
    @Test func theTextNamesThePurposeAndWhomTheContactIsWith() {
        #expect(ContactPurpose("first-call") == ContactPurpose(.firstCall))
        #expect(
            ContactPurpose("representative:broken-promise") == ContactPurpose(.brokenPromise, with: .representative))
        #expect(ContactPurpose(.survey, with: .representative).description == "representative:survey")
        #expect(ContactPurpose.text("first-notice", with: .representative) == "representative:first-notice")
        for unknown in ["", "representative:", "first_call", "representative:representative:first-call"] {
            #expect(ContactPurpose(unknown) == nil, "\(unknown)")
        }
        #expect(Purpose.allCases.allSatisfy { ContactPurpose($0.description)?.purpose == $0 })
    }
}
