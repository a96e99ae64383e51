import AMQP
import Contract
import Domain
import Foundation
import Policy
import Store
import TactTestKit
import Testing

/// `tact dead list` and `tact dead replay` against a real scheduler: refused inputs are listed without their
/// bodies, replayed to where they came from after a fix, and everything else stays where it was.
@Suite("Tools: tact dead", .serialized, .enabled(if: TestEnvironment.hasBroker), .timeLimit(.minutes(4)))
struct ToolsDeadTests {
    static func event(_ id: String, debtor: String) -> [UInt8] {
        Array(
            #"{"type":"event","version":1,"eventId":"\#(id)","debtorId":"\#(debtor)","kind":"hardship","at":"2026-11-20T09:00:00Z"}"#
                .utf8)
    }

    static func placement(_ id: String, debtor: String, rulebook: String? = nil) -> Placement {
        Placement(
            placementId: id, creditorId: "acme", rulebook: rulebook,
            debtor: .init(
                id: debtor, name: PersonalData.name, timeZones: ["UTC"], phone: PersonalData.phone,
                email: PersonalData.email, language: "en"),
            debt: .init(id: "C-\(debtor)", amount: "10.00", currency: "USD", dueDate: "2026-11-01"))
    }

    func intake(_ tact: ToolInstallation, _ body: [UInt8], routingKey: String, id: String) async throws {
        try await tact.publish(
            AMQPMessage(
                exchange: tact.topology.intakeExchange, routingKey: routingKey, body: body,
                properties: AMQPProperties(deliveryMode: .persistent, messageID: id, type: routingKey), mandatory: true)
        )
    }

    @Test func deadLettersAreListedWithoutBodiesAndReplayedAfterAFix() async throws {
        try await ToolInstallation.with { tact in
            try tact.startScheduler()
            try tact.startWorker()
            // Refused by the scheduler: an event for a debtor not placed yet, and a placement naming no rulebook Tact has.
            try await intake(tact, Self.event("E-EARLY", debtor: "D-LATE"), routingKey: "event", id: "E-EARLY")
            try await intake(
                tact, MessageCoding.encode(Self.placement("P-BOOK", debtor: "D-BOOK", rulebook: "no-such-book")),
                routingKey: "placement", id: "P-BOOK")
            // Put there by someone else, as the broker does with poison messages: no x-tact-source.
            try await tact.publish(
                AMQPMessage(
                    exchange: "", routingKey: tact.topology.deadQueue, body: Array("opaque".utf8),
                    properties: AMQPProperties(
                        headers: ["x-death": .array([.table(["reason": "delivery_limit", "queue": "elsewhere"])])],
                        messageID: "POISON"), mandatory: true))
            // Dead-lettered by the broker from the scheduler's intake queue (its delivery limit), as a full disk did
            // before issue 12: its x-death names the exchange and routing key it came through.
            try await tact.publish(
                AMQPMessage(
                    exchange: "", routingKey: tact.topology.deadQueue, body: Self.event("E-BROKER", debtor: "D-LATE"),
                    properties: AMQPProperties(
                        headers: [
                            "x-death": .array([
                                .table([
                                    "reason": "delivery_limit", "queue": .string("\(tact.prefix).scheduler.intake"),
                                    "exchange": .string(tact.topology.intakeExchange),
                                    "routing-keys": .array([.string("event")]),
                                ])
                            ])
                        ],
                        messageID: "E-BROKER", type: "event"), mandatory: true))
            #expect(try await tact.messages(in: tact.topology.deadQueue, expected: 4, timeout: .seconds(30)) == 4)

            let list = try await tact.tact(["dead", "list", "--json"])
            #expect(list.status == 0, "\(list.stderr)")
            PersonalData.expectNone(in: list.output)
            let entries = try list.stdout.split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
            #expect(entries.count == 4)
            let byID = Dictionary(uniqueKeysWithValues: entries.map { ($0["messageId"] as? String ?? "", $0) })
            #expect(
                byID["E-EARLY"]?["error"] as? String == "unknown-reference: debtorId: no debtor with this id was placed"
            )
            #expect(byID["E-EARLY"]?["source"] as? String == "intake:event")
            #expect(byID["E-EARLY"]?["timestamp"] is String, "the scheduler stamps when it refused the input")
            #expect(
                (byID["E-EARLY"]?["replay"] as? [String: Any])?["exchange"] as? String == tact.topology.intakeExchange)
            #expect(
                byID["P-BOOK"]?["error"] as? String == "invalid-field: rulebook: no rulebook with this id is configured"
            )
            #expect(byID["POISON"]?["broker"] as? String == "delivery_limit from elsewhere")
            #expect(byID["POISON"]?["notReplayable"] is String)
            #expect(
                (byID["E-BROKER"]?["replay"] as? [String: Any])?["exchange"] as? String == tact.topology.intakeExchange)
            #expect(entries.allSatisfy { $0["body"] == nil && $0["size"] is Int })
            let keys = list.stdout.split(separator: "\n").first.map { line in
                ["messageId", "type", "error", "source", "size", "timestamp"].map {
                    line.range(of: "\"\($0)\"")!.lowerBound
                }
            }
            #expect(keys == keys?.sorted(), "fields in the documented order")

            let text = try await tact.tact(["dead", "list"])
            #expect(text.stdout.contains("\(tact.topology.deadQueue): 4 messages"))
            PersonalData.expectNone(in: text.output)
            let bodies = try await tact.tact(["dead", "list", "--show-body", "--limit", "5"])
            #expect(bodies.stdout.contains(PersonalData.name), "bodies only when asked for")
            #expect(
                try await tact.messages(in: tact.topology.deadQueue, expected: 4) == 4, "listing takes nothing away")

            // The fix: the debtor is placed. Replaying the event applies it this time.
            try await intake(
                tact, MessageCoding.encode(Self.placement("P-LATE", debtor: "D-LATE")), routingKey: "placement",
                id: "P-LATE")
            try await waitFor { try await tact.inspect { try $0.debtor("acme/D-LATE") } != nil }
            let replay = try await tact.tact(["dead", "replay", "--id", "E-EARLY"])
            #expect(replay.status == 0, "\(replay.output)")
            #expect(replay.stdout.contains("replayed E-EARLY to \(tact.topology.intakeExchange) (event)"))
            try await waitFor { try await tact.inspect { try $0.allHolds(ofDebtor: "acme/D-LATE") }.count == 1 }
            #expect(try await tact.messages(in: tact.topology.deadQueue, expected: 3) == 3)
            // The broker's letter goes back through the intake exchange and is applied like any event.
            let broker = try await tact.tact(["dead", "replay", "--id", "E-BROKER"])
            #expect(broker.status == 0, "\(broker.output)")
            #expect(broker.stdout.contains("replayed E-BROKER to \(tact.topology.intakeExchange) (event)"))
            try await waitFor { try await tact.inspect { try $0.allHolds(ofDebtor: "acme/D-LATE") }.count == 2 }
            #expect(try await tact.messages(in: tact.topology.deadQueue, expected: 2) == 2)

            let poison = try await tact.tact(["dead", "replay", "--id", "POISON", "--id", "NOPE"])
            #expect(poison.status == 1)
            #expect(poison.stdout.contains("kept POISON: cannot be replayed: dead-lettered by the broker"))
            #expect(poison.stdout.contains("not found: no dead letter with message id NOPE"))

            // --all sends P-BOOK again (refused again: its rulebook is still missing) and keeps the broker's letter.
            let all = try await tact.tact(["dead", "replay", "--all"])
            #expect(all.status == 0, "\(all.output)")
            #expect(all.stdout.contains("replayed P-BOOK"))
            #expect(all.stdout.contains("kept POISON"))
            #expect(try await tact.messages(in: tact.topology.deadQueue, expected: 2) == 2)
            let after = try await tact.tact(["dead", "list", "--json"]).stdout
            #expect(after.contains("\"POISON\"") && after.contains("\"P-BOOK\""))

            let neither = try await tact.tact(["dead", "replay"])
            expectOneLineError(neither, command: "dead replay", status: 2)
        }
    }

    @Test func aBrokerThatIsDownIsAClearMessage() async throws {
        try await ToolInstallation.with { tact in
            let run = try await tact.tact(
                ["dead", "list"], environment: ["TACT_AMQP_URL": "amqp://guest:guest@127.0.0.1:1/"])
            expectOneLineError(run, command: "dead list", status: 1)
        }
    }

    private func waitFor(
        _ condition: @escaping () async throws -> Bool, timeout: Duration = .seconds(30)
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(300))
        }
        Issue.record("condition not met within \(timeout)")
    }
}
