import Domain
import Foundation
import Policy
import Testing

/// Rulebooks are data: every shipped shape validates, and each kind of mistake is refused by field.
@Suite struct RulebookValidationTests {
    @Test(arguments: TestRulebooks.all)
    func shippedShapesValidateAndRoundTrip(rulebook: Rulebook) throws {
        try rulebook.validate()
        let json = PolicyJSON.encode(rulebook)
        #expect(try PolicyJSON.decode(Rulebook.self, from: json) == rulebook)
    }

    static func mutated(_ change: (inout Rulebook) -> Void) -> Rulebook {
        var rulebook = TestRulebooks.plRespectful
        change(&rulebook)
        return rulebook
    }

    @Test(arguments: [
        ("id", mutated { $0.id = "PL Respectful" }),
        ("title", mutated { $0.title = "" }),
        ("contactHours", mutated { $0.contactHours.windows = [:] }),
        (
            "contactHours.mon[1]",
            mutated { $0.contactHours.windows[.mon] = [window("08:00", "12:00"), window("11:00", "13:00")] }
        ),
        ("contactHours.channels", mutated { $0.contactHours.channels = [] }),
        ("holidayCalendars[1]", mutated { $0.holidayCalendars = [.poland, .poland] }),
        ("frequencyCaps[0].limit", mutated { $0.frequencyCaps[0].limit = 0 }),
        ("frequencyCaps[1].days", mutated { $0.frequencyCaps[1].days = 400 }),
        ("frequencyCaps[2].counting", mutated { $0.frequencyCaps[2].counting = [] }),
        ("frequencyCaps[0].channels", mutated { $0.frequencyCaps[0].channels = [] }),
        ("frequencyCaps[1]", mutated { $0.frequencyCaps[1].id = "calls-per-debtor" }),
        ("afterConversation.days", mutated { $0.afterConversation?.days = 0 }),
        ("holdDurations.breathing-space", mutated { $0.holdDurations[.breathingSpace] = 0 }),
        ("holdDurations.dispute", mutated { $0.holdDurations[.dispute] = 10 }),
        ("unknownTimeZone.zones", mutated { $0.unknownTimeZone = .fallback(zones: []) }),
        ("unknownTimeZone.zones[0]", mutated { $0.unknownTimeZone = .fallback(zones: ["Europe/Atlantis"]) }),
    ])
    func refusesMistakesByField(field: String, rulebook: Rulebook) {
        #expect(throws: PolicyError.self) { try PolicyEngine(rulebook: rulebook) }
        do { try rulebook.validate() } catch { #expect(error.field == field) }
    }

    @Test func decodingRejectsUnknownFieldsByPath() {
        var json = String(decoding: PolicyJSON.encode(TestRulebooks.ukFCA), as: UTF8.self)
        json = json.replacingOccurrences(of: #""days":7"#, with: #""dayz":7"#)
        do {
            _ = try PolicyJSON.decode(Rulebook.self, from: Data(json.utf8))
            Issue.record("a misspelt field was accepted")
        } catch {
            #expect(error.field == "frequencyCaps[0].dayz")
        }
    }
}
