import Domain
import Foundation
import Policy
import Testing

/// The one strict decoder: unknown keys are refused by path, before the field they misspell is found missing.
@Suite struct StrictTests {
    struct Window: Decodable, Equatable {
        var from: String
        var to: String
        var note: String?
    }

    struct Listed: Decodable {
        var first: Int
        var second: Int?
        private enum CodingKeys: String, CodingKey, CaseIterable { case first, second }
    }

    struct Outer: Decodable {
        var windows: [Window]
        var limits: [String: Int]
        var inner: Listed?
    }

    func decode<T: Decodable>(_ type: T.Type, _ json: String) throws(PolicyError) -> T {
        try PolicyJSON.decode(type, from: Data(json.utf8))
    }

    func error(_ json: String) -> PolicyError? {
        do {
            _ = try decode(Outer.self, json)
            return nil
        } catch {
            return error
        }
    }

    @Test func acceptsWhatTheTypeAsksFor() throws {
        let outer = try decode(Outer.self, #"{"windows":[{"from":"a","to":"b"}],"limits":{"x":1}}"#)
        #expect(outer.windows == [Window(from: "a", to: "b", note: nil)] && outer.limits == ["x": 1])
    }

    @Test func aMisspeltKeyIsNamedBeforeTheFieldItMeantIsMissing() {
        let found = error(#"{"windows":[{"from":"a","too":"b"}],"limits":{}}"#)
        #expect(found?.field == "windows[0].too")
        #expect(found?.problem == "unknown field")
    }

    @Test func keysThatListThemselvesAreListed() {
        let found = error(#"{"windows":[],"limits":{},"inner":{"frist":1}}"#)
        #expect(found?.field == "inner.frist")
        #expect(found?.problem == "unknown field; expected one of first, second")
    }

    @Test func anUnknownKeyAtTheTopAndAMissingOne() {
        #expect(error(#"{"windows":[],"limits":{},"extra":true}"#)?.field == "extra")
        let missing = error(#"{"limits":{}}"#)
        #expect(missing?.field == "windows" && missing?.problem == "missing field")
    }

    @Test func keysThatAreDataAreNeverUnknown() throws {
        // Decoding a dictionary asks for every key it has, so data keys are never unknown.
        let outer = try decode(Outer.self, #"{"windows":[],"limits":{"any":1,"other":2}}"#)
        #expect(outer.limits.count == 2)
    }
}
