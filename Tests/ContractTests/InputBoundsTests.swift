import Testing

@testable import Contract

/// The limits every message is held to before it is decoded (issue 12): each refused with its field named and the
/// problem in one line, never the value.
@Suite struct InputBoundsTests {
    private func reason(_ json: String) -> String? {
        do {
            try InputBounds.check(Array(json.utf8))
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func withinTheLimitsPassesAndMalformedJSONIsLeftToTheDecoder() {
        #expect(
            reason(#"{"debtor":{"name":"Ann","timeZones":["UTC","Europe/Warsaw"]},"n":[1,true,null,{"a":"b"}]}"#) == nil
        )
        #expect(reason(#"{"a": "unterminated"#) == nil)
        #expect(reason("not json at all") == nil)
        #expect(reason(#"{"address":"1 Main St\nSpringfield","comment":"Thank you,\r\nAnn"}"#) == nil)
    }

    @Test func nestingIsLimitedAndTheDepthNamed() {
        let deep = String(repeating: "[", count: 13) + String(repeating: "]", count: 13)
        #expect(reason(deep) == "invalid-field: [0][0][0][0][0][0][0][0][0][0][0][0]: too deep: more than 12 levels")
        let deepest = String(repeating: "[", count: 12) + String(repeating: "]", count: 12)
        #expect(reason(deepest) == nil)
        let objects = String(repeating: #"{"a":"#, count: 13) + "1" + String(repeating: "}", count: 13)
        #expect(reason(objects) == "invalid-field: a.a.a.a.a.a.a.a.a.a.a.a: too deep: more than 12 levels")
    }

    @Test func entriesOfArraysAndObjectsAreLimited() {
        let zones = Array(repeating: #""UTC""#, count: 501).joined(separator: ",")
        #expect(
            reason(#"{"debtor":{"timeZones":[\#(zones)]}}"#)
                == "invalid-field: debtor.timeZones: too many entries: more than 500")
        let keys = (0...500).map { #""k\#($0)":1"# }.joined(separator: ",")
        #expect(reason(#"{"parameters":{\#(keys)}}"#) == "invalid-field: parameters: too many entries: more than 500")
        let fine = (0..<500).map { #""k\#($0)":1"# }.joined(separator: ",")
        #expect(reason(#"{"parameters":{\#(fine)}}"#) == nil)
    }

    @Test func textsAndKeysAreLimited() {
        let long = String(repeating: "é", count: InputBounds.maximumTextLength + 1)
        #expect(
            reason(#"{"debtor":{"name":"\#(long)"}}"#)
                == "invalid-field: debtor.name: too long: more than 65536 characters")
        let key = String(repeating: "k", count: 65)
        #expect(reason(#"{"debtor":{"\#(key)":1}}"#) == "invalid-field: debtor: a key longer than 64 characters")
    }

    @Test func controlCharactersAreRefusedOutsideAddressesAndComments() {
        for text in [
            #"Ann\u0000e"#, #"Ann\te"#, #"Ann\ne"#, #"Ann\u001Be"#, #"Ann\u0085e"#, "Ann\u{7F}e", "Ann\u{85}e",
        ] {
            #expect(
                reason(#"{"debtor":{"name":"\#(text)"}}"#)
                    == "invalid-field: debtor.name: a control character is not allowed", "\(text)")
        }
        #expect(reason(#"{"debtor":{"address":"1 Main St\u0000"}}"#) != nil, "only line breaks in an address")
        #expect(reason(#"{"debtor":{"address":"1 Main St\tx"}}"#) != nil)
    }

    @Test func aControlCharacterInAKeyNamesTheObjectItIsIn() {
        #expect(
            reason(#"{"debtor":{"name":"Ann","na\u0000me":1}}"#)
                == "invalid-field: debtor: a control character is not allowed")
    }

    @Test func aKeyThatIsNotAPlainNameIsNotEchoed() {
        #expect(reason(#"{"+1 555 0100":"x\u0000"}"#) == "invalid-field: ?: a control character is not allowed")
    }

    /// Through the decoder: a placement with 140,000 time zones (what issue 12 saw) is refused for its count.
    @Test func theDecoderAppliesTheBoundsFirst() throws {
        let zones = Array(repeating: #""UTC""#, count: 140_000).joined(separator: ",")
        let body = #"{"type":"placement","version":1,"debtor":{"timeZones":[\#(zones)]}}"#
        #expect {
            _ = try MessageCoding.decode(Placement.self, from: Array(body.utf8))
        } throws: { error in
            (error as? ContractError)?.reason == "invalid-field: debtor.timeZones: too many entries: more than 500"
        }
    }
}
