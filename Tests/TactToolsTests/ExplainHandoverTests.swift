import Domain
import Foundation
import Policy
import Store
import TactTools
import Testing

/// `tact explain` puts the moves of a case from one specialist to another on its timeline, in text and JSON.
@Suite struct ExplainHandoverTests {
    static let placed = Instant(rfc3339: "2026-12-01T15:00:00Z")!
    static let handedOver = Instant(rfc3339: "2026-12-02T09:30:00Z")!
    static let retired = Instant(rfc3339: "2026-12-03T10:00:00Z")!

    static func records() -> ExplainRecords {
        var records = ExplainNextContactTests.records()
        records.debtor.createdAt = placed
        records.debtor.timeZones = ["America/New_York"]
        records.debtor.specialistID = "bob"
        records.tasks = []
        records.holds = []
        records.handovers = [
            HandoverRecord(
                changeID: "S-1", debtorID: "D-1", fromID: "anna", toID: "carol", at: handedOver, cause: .handover),
            HandoverRecord(
                changeID: "S-2", debtorID: "D-1", fromID: "carol", toID: nil, at: retired, cause: .retirement),
        ]
        return records
    }

    @Test func handOversAreOnTheTimelineInTimeOrder() {
        let text = ExplainText.render(Self.records(), next: nil, now: Self.retired)
        let timeline = text.components(separatedBy: "\nTasks:")[0]
        #expect(
            timeline.contains(
                "  2026-12-02T09:30:00Z  Wed 2026-12-02 04:30 America/New_York  case handed over from anna to carol\n"))
        #expect(timeline.contains("  case handed over from carol to the pool: carol retired\n"))
        let placed = timeline.range(of: "placed by creditor acme")
        let first = timeline.range(of: "from anna to carol")
        let second = timeline.range(of: "from carol to the pool")
        #expect(placed != nil && first != nil && second != nil)
        if let placed, let first, let second {
            #expect(placed.lowerBound < first.lowerBound && first.lowerBound < second.lowerBound)
        }
    }

    @Test func handOversAreInTheJSONDocument() throws {
        let document = ExplainJSON.document(Self.records(), next: nil, now: Self.retired).rendered
        let object = try #require(try JSONSerialization.jsonObject(with: Data(document.utf8)) as? [String: Any])
        let handovers = try #require(object["handovers"] as? [[String: Any]])
        #expect(handovers.count == 2)
        #expect(handovers.first?["changeId"] as? String == "S-1")
        #expect(handovers.first?["from"] as? String == "anna" && handovers.first?["to"] as? String == "carol")
        #expect(handovers.first?["at"] as? String == "2026-12-02T09:30:00Z")
        #expect(handovers.last?["to"] is NSNull && handovers.last?["cause"] as? String == "retirement")
    }
}
