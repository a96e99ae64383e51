import Domain
import Foundation
import Policy
import Testing

/// The JSON contract: what decodes, what is refused with which code and field, and what is written.
@Suite struct PolicyJSONTests {
    static let example = """
        {"now": "2026-12-01T13:30:00Z",
         "contact": {"channel": "call", "debtId": "C-1"},
         "debtor": {"id": "D-1",
                    "timeZones": ["America/New_York", "America/Los_Angeles"],
                    "inconvenient": [{"days": ["mon", "tue"], "from": "09:00", "to": "12:00"}],
                    "holds": [{"kind": "bereavement", "since": "2026-11-20T10:00:00Z"},
                              {"kind": "dispute", "since": "2026-11-25T09:00:00Z", "until": "2026-12-03T00:00:00Z"}],
                    "optOuts": ["sms"],
                    "representative": {"kind": "attorney", "name": "A. Lawyer", "phone": "+15550100", "email": "a@law.example"}},
         "history": [{"at": "2026-11-28T15:00:00Z", "channel": "call", "debtId": "C-1", "result": "no-answer"}]}
        """

    static func decode(_ json: String) throws(PolicyError) -> PolicyRequest {
        try PolicyJSON.decode(PolicyRequest.self, from: Data(json.utf8))
    }

    @Test func decodesTheIssueExample() throws {
        let request = try Self.decode(Self.example)
        #expect(request.now == at("2026-12-01T13:30:00Z"))
        #expect(request.debtor.timeZones == ["America/New_York", "America/Los_Angeles"])
        #expect(request.debtor.holds.map(\.kind) == [.bereavement, .dispute])
        #expect(request.history.first?.result == .noAnswer)
        // Round trip: what we write, we read back identically.
        #expect(try PolicyJSON.decode(PolicyRequest.self, from: PolicyJSON.encode(request)) == request)
    }

    @Test func optionalFieldsDefaultToEmpty() throws {
        let request = try Self.decode(
            #"{"now":"2026-12-01T13:30:00Z","contact":{"channel":"sms","debtId":"C"},"debtor":{"id":"D","timeZones":[]}}"#
        )
        #expect(request.history.isEmpty && request.debtor.holds.isEmpty && request.debtor.representative == nil)
    }

    @Test(arguments: [
        ("now", "2026-12-01T13:30:00Z", "2026-12-01 13:30", PolicyError.Code.malformedTimestamp, "now"),
        ("hold since", "2026-11-20T10:00:00Z", "yesterday", .malformedTimestamp, "debtor.holds[0].since"),
        ("time zone", "America/Los_Angeles", "Mars/Olympus_Mons", .unknownTimeZone, "debtor.timeZones[1]"),
        ("channel", #""channel": "call""#, #""channel": "fax""#, .unknownChannel, "contact.channel"),
        (
            "history channel", #""channel": "call", "debtId": "C-1", "result""#,
            #""channel": "pigeon", "debtId": "C-1", "result""#,
            .unknownChannel, "history[0].channel"
        ),
        ("result", "no-answer", "hung-up", .invalidValue, "history[0].result"),
        ("hold kind", "bereavement", "holiday", .invalidValue, "debtor.holds[0].kind"),
        ("weekday", #"["mon", "tue"]"#, #"["monday"]"#, .invalidValue, "debtor.inconvenient[0].days[0]"),
        ("missing now", #""now": "2026-12-01T13:30:00Z","#, "", .missingField, "now"),
        ("missing debt", #", "debtId": "C-1"}"#, "}", .missingField, "contact.debtId"),
        (
            "missing zones", #""timeZones": ["America/New_York", "America/Los_Angeles"],"#, "", .missingField,
            "debtor.timeZones"
        ),
        ("wrong type", #""debtId": "C-1"}"#, #""debtId": 7}"#, .invalidValue, "contact.debtId"),
        (
            "hold ends before it starts", "2026-12-03T00:00:00Z", "2026-11-01T00:00:00Z", .invalidValue,
            "debtor.holds[1].until"
        ),
        ("empty inconvenient range", #""to": "12:00""#, #""to": "09:00""#, .invalidValue, "debtor.inconvenient[0]"),
    ])
    func refusesInvalidInput(label: String, find: String, replace: String, code: PolicyError.Code, field: String) {
        #expect(Self.example.contains(find), "fixture for \(label)")
        let json = Self.example.replacingOccurrences(of: find, with: replace)
        #expect(throws: PolicyError.self, "\(label)") { try Self.decode(json) }
        do {
            _ = try Self.decode(json)
        } catch {
            #expect(error.code == code, "\(label)")
            #expect(error.field == field, "\(label)")
            // Never echo the offending value: it may be personal data.
            #expect(!error.description.contains(replace) || replace.isEmpty || replace == "}", "\(label)")
        }
    }

    @Test(arguments: ["", "not json", "[1, 2]", "{\"now\": "])
    func refusesNonJSON(text: String) {
        #expect(throws: PolicyError.self) { try Self.decode(text) }
        do { _ = try Self.decode(text) } catch { #expect([.malformedJSON, .invalidValue].contains(error.code)) }
    }

    @Test func writesTheContractShape() throws {
        let decision = PolicyDecision(
            decision: .defer, earliest: at("2026-12-01T16:00:00Z"),
            reasons: [.init(rule: .contactHours, until: at("2026-12-01T16:00:00Z"), detail: "outside")])
        let text = String(decoding: PolicyJSON.encode(decision), as: UTF8.self)
        #expect(
            text
                == #"{"decision":"defer","earliest":"2026-12-01T16:00:00Z","reasons":[{"detail":"outside","rule":"contact-hours","until":"2026-12-01T16:00:00Z"}]}"#
        )
        let allow = String(
            decoding: PolicyJSON.encode(PolicyDecision(decision: .allow, earliest: at("2026-12-01T16:00:00Z"))),
            as: UTF8.self)
        #expect(allow == #"{"decision":"allow","earliest":"2026-12-01T16:00:00Z","reasons":[]}"#)
        #expect(RuleID.hold(.breathingSpace).rawValue == "hold:breathing-space")
    }

    @Test func allowCarriesTheEndOfItsWindowInSortedPosition() throws {
        let decision = PolicyDecision(
            decision: .allow, earliest: at("2026-12-01T18:00:00Z"), validUntil: at("2026-12-02T02:00:00Z"))
        let data = PolicyJSON.encode(decision)
        #expect(
            String(decoding: data, as: UTF8.self)
                == #"{"decision":"allow","earliest":"2026-12-01T18:00:00Z","reasons":[],"validUntil":"2026-12-02T02:00:00Z"}"#
        )
        #expect(try PolicyJSON.decode(PolicyDecision.self, from: data) == decision)
        // Without an end (nil) the key is omitted, as `earliest` is when absent.
        let endless = PolicyDecision(decision: .allow, earliest: at("2026-12-01T18:00:00Z"))
        #expect(!String(decoding: PolicyJSON.encode(endless), as: UTF8.self).contains("validUntil"))
    }
}
