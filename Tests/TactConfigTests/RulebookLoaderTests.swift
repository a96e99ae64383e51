import Domain
import Foundation
import Policy
import TactConfig
import Testing

@Suite struct RulebookLoaderTests {
    static let loader = RulebookLoader(directory: ConfigDirectory(url: repositoryRoot.appendingPathComponent("Config")))

    @Test func shipsAtLeastTheThreeRulebooks() throws {
        let names = try Self.loader.names()
        for name in ["us-regf", "pl-respectful", "uk-fca"] { #expect(names.contains(name)) }
        for name in names { _ = try PolicyEngine(rulebook: try Self.loader.load(name)) }
    }

    @Test func usRegFHasTheIssuesNumbers() throws {
        let rulebook = try Self.loader.load("us-regf")
        for day in Weekday.allCases {
            #expect(rulebook.contactHours.windows[day]?.map(\.description) == ["08:00–21:00"])
        }
        #expect(rulebook.holidayCalendars.isEmpty)
        let cap = try #require(rulebook.frequencyCaps.first)
        #expect(rulebook.frequencyCaps.count == 1)
        #expect(cap.channels == [.call] && cap.limit == 7 && cap.days == 7 && cap.scope == .debt)
        #expect(Set(cap.counting) == [.noAnswer, .voicemail, .conversation])
        #expect(rulebook.afterConversation == AfterConversation(days: 7, channels: [.call], scope: .debt))
        #expect(rulebook.holdDurations == [.bereavement: 30, .hardship: 30])
    }

    @Test func plRespectfulHasTheIssuesNumbers() throws {
        let rulebook = try Self.loader.load("pl-respectful")
        for day in [Weekday.mon, .tue, .wed, .thu, .fri] {
            #expect(rulebook.contactHours.windows[day]?.map(\.description) == ["08:00–20:00"])
        }
        #expect(rulebook.contactHours.windows[.sat]?.map(\.description) == ["10:00–14:00"])
        #expect(rulebook.contactHours.windows[.sun] == nil)
        #expect(rulebook.holidayCalendars == [.poland])
        let caps = Dictionary(uniqueKeysWithValues: rulebook.frequencyCaps.map { ($0.channels, $0) })
        #expect(caps[[.call]].map { "\($0.limit)/\($0.days)/\($0.scope)" } == "3/7/debtor")
        #expect(caps[[.sms]].map { "\($0.limit)/\($0.days)/\($0.scope)" } == "2/7/debtor")
        #expect(caps[[.email]].map { "\($0.limit)/\($0.days)/\($0.scope)" } == "2/7/debtor")
        #expect(rulebook.afterConversation?.days == 3 && rulebook.afterConversation?.channels == [.call])
        #expect(rulebook.holdDurations == [.bereavement: 30, .hardship: 30, .breathingSpace: 60])
    }

    @Test func ukFCAHasTheIssuesNumbers() throws {
        let rulebook = try Self.loader.load("uk-fca")
        for day in [Weekday.mon, .tue, .wed, .thu, .fri, .sat] {
            #expect(rulebook.contactHours.windows[day]?.map(\.description) == ["08:00–21:00"])
        }
        #expect(rulebook.contactHours.windows[.sun] == nil)
        #expect(rulebook.holidayCalendars == [.englandAndWales])
        let cap = try #require(rulebook.frequencyCaps.first)
        #expect(cap.channels == [.call] && cap.limit == 3 && cap.days == 7 && cap.scope == .debtor)
        #expect(rulebook.holdDurations == [.breathingSpace: 60, .bereavement: 30])
    }

    @Test func loadsByPath() throws {
        let path = repositoryRoot.appendingPathComponent("Config/rulebooks/uk-fca.yaml").path
        #expect(try RulebookLoader(directory: nil).load(path).id == "uk-fca")
    }

    @Test(arguments: ["no-such-book", "../etc/passwd", "Bad Name"])
    func refusesUnknownOrUnsafeNames(name: String) {
        #expect(throws: ConfigError.self) { try Self.loader.load(name) }
    }

    static let valid = """
        id: sample
        title: "Sample"
        contactHours:
          mon: [{from: "08:00", to: "20:00"}]
        frequencyCaps:
          - id: calls
            channels: [call]
            limit: 3
            days: 7
            scope: debtor
            counting: [no-answer]
        holdDurations:
          bereavement: 30
        unknownTimeZone:
          action: suppress
        """

    /// Each mistake is refused with the file, the field and the problem named.
    @Test(arguments: [
        ("misspelt field", "limit: 3", "limt: 3", "frequencyCaps[0].limt", "unknown field"),
        ("bad time", #"to: "20:00""#, #"to: "25:00""#, "contactHours.mon[0].to", "HH:MM"),
        ("empty window", #"to: "20:00""#, #"to: "07:00""#, "contactHours.mon[0]", "end after"),
        ("zero limit", "limit: 3", "limit: 0", "frequencyCaps[0].limit", "at least 1"),
        ("unknown channel", "channels: [call]", "channels: [fax]", "frequencyCaps[0].channels[0]", "unknown channel"),
        (
            "unknown result", "counting: [no-answer]", "counting: [hung-up]", "frequencyCaps[0].counting[0]",
            "unknown result"
        ),
        (
            "unknown calendar", "holdDurations:", "holidayCalendars: [atlantis]\nholdDurations:", "holidayCalendars[0]",
            "holiday calendar"
        ),
        ("duration for a dispute", "bereavement: 30", "dispute: 30", "holdDurations.dispute", "unknown field"),
        ("missing field", "title: \"Sample\"\n", "", "title", "missing"),
        ("wrong id", "id: sample", "id: other", "id", "file name"),
        ("unknown action", "action: suppress", "action: ignore", "unknownTimeZone.action", "suppress or fallback"),
        (
            "bad fallback zone", "action: suppress", "action: fallback\n  zones: [Mars/Base]",
            "unknownTimeZone.zones[0]", "time-zone"
        ),
    ])
    func refusesInvalidFiles(label: String, find: String, replace: String, field: String, problem: String) throws {
        #expect(Self.valid.contains(find), "fixture for \(label)")
        let folder = try temporaryDirectory()
        defer { cleanUp(folder) }
        let file = folder.appendingPathComponent("sample.yaml")
        try Self.valid.replacingOccurrences(of: find, with: replace).write(to: file, atomically: true, encoding: .utf8)
        do {
            _ = try RulebookLoader(directory: nil).load(file.path)
            Issue.record("\(label): accepted")
        } catch {
            #expect(error.file == file.path, "\(label)")
            #expect(error.field == field, "\(label)")
            #expect(error.problem.contains(problem), "\(label): \(error.problem)")
            #expect(error.description.hasPrefix(file.path + ": " + field + ": "), "\(label)")
        }
    }

    @Test func theValidFixtureLoads() throws {
        let folder = try temporaryDirectory()
        defer { cleanUp(folder) }
        let file = folder.appendingPathComponent("sample.yaml")
        try Self.valid.write(to: file, atomically: true, encoding: .utf8)
        #expect(try RulebookLoader(directory: nil).load(file.path).frequencyCaps.first?.limit == 3)
    }

    @Test func malformedYAMLIsRefusedOnOneLine() throws {
        do {
            _ = try RulebookLoader.decode(yaml: "id: [unclosed\ntitle: x", file: "broken.yaml")
            Issue.record("accepted")
        } catch {
            #expect(error.code == .invalidYAML)
            #expect(!error.description.contains("\n"))
        }
    }
}
