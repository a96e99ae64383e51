import AMQP
import Contract
import Domain
import Foundation
import Policy
import Store
import TactTestKit
import Testing

/// Every kind of bad input ends in `tact.dead`, body untouched, with its reason; the next good message still goes
/// through.
@Suite("Pipeline: bad input goes to tact.dead", .enabled(if: TestEnvironment.hasBroker), .timeLimit(.minutes(3)))
struct PipelineBadInputTests {
    static let good = Sample.placement("P-GOOD", debtor: "D-GOOD", debt: "C-GOOD", zone: "America/New_York")

    static func placementJSON(_ mutate: (inout [String: Any]) -> Void) -> [UInt8] {
        var object = try! JSONSerialization.jsonObject(with: Data(MessageCoding.encode(good))) as! [String: Any]
        object["placementId"] = "P-\(UUID().uuidString.prefix(6))"
        mutate(&object)
        return Array(try! JSONSerialization.data(withJSONObject: object))
    }

    static func debtor(_ mutate: @escaping (inout [String: Any]) -> Void) -> (inout [String: Any]) -> Void {
        { object in
            var debtor = object["debtor"] as! [String: Any]
            mutate(&debtor)
            object["debtor"] = debtor
        }
    }

    @Test func everyBadInputIsDeadLetteredWithItsReasonAndTheNextGoodOneIsProcessed() async throws {
        try await Pipeline().tearingDown { pipeline in
            try pipeline.startScheduler()
            try pipeline.startWorkers(1)
            let cases: [(name: String, body: [UInt8], routingKey: String, reason: String)] = [
                ("malformed JSON", Array("{\"type\":\"placement\",".utf8), "placement", "malformed-json"),
                ("not an object", Array("[1,2,3]".utf8), "placement", "malformed-json"),
                // Issue 12: each was accepted, and the first could never be decided.
                (
                    "140,000 time zones",
                    Self.placementJSON(Self.debtor { $0["timeZones"] = Array(repeating: "UTC", count: 140_000) }),
                    "placement", "invalid-field: debtor.timeZones: too many entries"
                ),
                (
                    "nine time zones",
                    Self.placementJSON(Self.debtor { $0["timeZones"] = Array(repeating: "UTC", count: 9) }),
                    "placement", "invalid-field: debtor.timeZones: too many entries: more than 8"
                ),
                (
                    "a NUL in a name", Self.placementJSON(Self.debtor { $0["name"] = "Ann\u{0}e" }), "placement",
                    "invalid-field: debtor.name: a control character"
                ),
                (
                    "10,000-level nesting",
                    Array((String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)).utf8),
                    "placement", "invalid-field: [0]"
                ),
                (
                    "version as text", Self.placementJSON { $0["version"] = "1" }, "placement",
                    "invalid-field: version: wrong type"
                ),
                (
                    "wrong type of field", Self.placementJSON { $0["creditorId"] = 42 }, "placement",
                    "invalid-field: creditorId"
                ),
                (
                    "missing field", Self.placementJSON { $0.removeValue(forKey: "debt") }, "placement",
                    "missing-field: debt"
                ),
                ("unknown version", Self.placementJSON { $0["version"] = 7 }, "placement", "unsupported-version"),
                (
                    "unknown rulebook", Self.placementJSON { $0["rulebook"] = "no-such-book" }, "placement",
                    "invalid-field: rulebook"
                ),
                (
                    "unknown time zone", Self.placementJSON(Self.debtor { $0["timeZones"] = ["Mars/Olympus_Mons"] }),
                    "placement", "invalid-field: debtor.timeZones[0]"
                ),
                (
                    "absurd date",
                    Self.placementJSON {
                        $0["debt"] = ["id": "C", "amount": "1.00", "currency": "USD", "dueDate": "9999-01-01"]
                    },
                    "placement", "invalid-field: debt.dueDate"
                ),
                (
                    "absurd instant",
                    Array(
                        #"{"type":"event","version":1,"eventId":"E-X","debtorId":"D-GOOD","kind":"hardship","at":"1970-01-01T00:00:00Z"}"#
                            .utf8),
                    "event", "invalid-field: at"
                ),
                ("10 MiB body", [UInt8](repeating: UInt8(ascii: " "), count: 10 << 20), "placement", "too-large"),
                ("unknown routing key", Self.placementJSON { _ in }, "gossip", "unexpected-type"),
                (
                    "event for an unknown debtor",
                    Array(
                        #"{"type":"event","version":1,"eventId":"E-Y","debtorId":"D-NOBODY","kind":"cease","at":"2026-11-01T00:00:00Z"}"#
                            .utf8),
                    "event", "unknown-reference: debtorId"
                ),
            ]
            for (index, item) in cases.enumerated() {
                try await pipeline.publish(item.body, routingKey: item.routingKey, messageID: "bad-\(index)")
            }
            // A placement whose creditor differs from the AMQP user_id the broker verified.
            try await pipeline.publish(
                MessageCoding.encode(Sample.placement("P-MISMATCH", debtor: "D-M", debt: "C-M", zone: "UTC")),
                routingKey: "placement", messageID: "bad-user", userID: "guest")
            // A message id that would forge a log line, were it written as it is.
            let forging = "bad-forged\nscheduler: forged line"
            try await pipeline.publish(Array("{".utf8), routingKey: "placement", messageID: forging)
            try await pipeline.place([Self.good])

            let dead = try await pipeline.drain(pipeline.topology.deadQueue, quiet: .seconds(3))
            #expect(dead.count == cases.count + 2)
            for (index, item) in cases.enumerated() {
                let letter = dead.first { $0.properties.messageID == "bad-\(index)" }
                #expect(letter != nil, "\(item.name) reached tact.dead")
                #expect(letter?.body == item.body, "\(item.name): body untouched")
                let reason = letter?.properties.headers?["x-tact-error"]?.stringValue ?? ""
                #expect(reason.hasPrefix(item.reason), "\(item.name): \(reason)")
            }
            let mismatch = dead.first { $0.properties.messageID == "bad-user" }
            #expect(mismatch?.properties.headers?["x-tact-error"]?.stringValue?.hasPrefix("creditor-mismatch") == true)

            let stats = try await pipeline.waitUntilSettled()
            #expect(stats.debtors == 1, "only the good placement created a debtor")
            #expect(try await pipeline.drain(pipeline.topology.callQueue(specialist: nil)).count <= 1)
            // No personal data from any of these messages reached a log line.
            let logs = try pipeline.logs()
            #expect(!logs.contains("Personal Name"))
            #expect(!logs.contains("+15550142"))
            #expect(logs.contains(#"bad-forged\nscheduler: forged line"#), "the message id is logged, escaped")
            #expect(!logs.split(separator: "\n").contains { $0.hasPrefix("scheduler: forged") })
            try await pipeline.expectSound()
        }
    }
}
