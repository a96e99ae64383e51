import AMQP
import Contract
import Domain
import Foundation
import Policy
import TactTestKit
import Testing

/// `tact event`: one event from options or many from a JSON-lines file; every bad input is one line.
@Suite("Tools: tact event", .serialized, .enabled(if: TestEnvironment.hasBroker), .timeLimit(.minutes(3)))
struct ToolsEventTests {
    @Test func oneEventFromOptionsIsPublished() async throws {
        try await ToolInstallation.with { tact in
            let run = try await tact.tact([
                "event", "--debtor", "D-1", "--kind", "opt-out", "--channel", "sms", "--at", "2026-11-20T09:00:00Z",
                "--id", "E-1",
            ])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout == "published event E-1 (opt-out) for debtor D-1\n")
            let messages = try await tact.drain(tact.topology.intakeQueue, quiet: .seconds(1))
            #expect(messages.count == 1)
            #expect(messages.first?.routingKey == "event")
            #expect(messages.first?.properties.messageID == "E-1")
            let event = try MessageCoding.decode(LifeEvent.self, from: try #require(messages.first).body)
            #expect(event.kind == .optOut && event.channel == .sms)
        }
    }

    @Test func aPlanCarriesItsInstalmentsInOrder() async throws {
        try await ToolInstallation.with { tact in
            let run = try await tact.tact([
                "event", "--debtor", "D-1", "--debt", "C-1", "--kind", "plan", "--instalment", "40.00@2026-12-15",
                "--instalment", "40.00@2027-01-15", "--id", "E-PLAN",
            ])
            #expect(run.status == 0, "\(run.stderr)")
            let messages = try await tact.drain(tact.topology.intakeQueue, quiet: .seconds(1))
            let event = try MessageCoding.decode(LifeEvent.self, from: try #require(messages.first).body)
            #expect(event.kind == .plan && event.debtId == "C-1")
            #expect(
                event.instalments == [
                    .init(amount: "40.00", dueDate: "2026-12-15"), .init(amount: "40.00", dueDate: "2027-01-15"),
                ])
        }
    }

    @Test func eventsFromAFileAreAllCheckedFirst() async throws {
        try await ToolInstallation.with { tact in
            let good = [
                #"{"type":"event","version":1,"eventId":"E-1","debtorId":"D-1","kind":"hardship","at":"2026-11-20T09:00:00Z"}"#,
                #"{"type":"event","version":1,"eventId":"E-2","debtorId":"D-1","kind":"payment","debtId":"C-1","at":"2026-11-21T09:00:00Z"}"#,
                // Another creditor's E-1 is another event.
                #"{"type":"event","version":1,"eventId":"E-1","creditorId":"polbank","debtorId":"D-1","kind":"hardship","at":"2026-11-20T09:00:00Z"}"#,
            ]
            let bad =
                good + [
                    #"{"type":"event","version":1,"eventId":"E-3","debtorId":"D-1","kind":"payment","at":"2026-11-21T09:00:00Z"}"#,
                    #"{"type":"event","version":1,"eventId":"E-4","debtorId":"D-1","kind":"gossip","at":"2026-11-21T09:00:00Z"}"#,
                    good[0],
                ]
            let refused = try await tact.tact([
                "event", "--file", try tact.file("bad.jsonl", bad.joined(separator: "\n")),
            ])
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("line 4: missing-field: debtId: required for payment"))
            #expect(refused.stderr.contains("line 5: invalid-field: kind: unknown kind"))
            #expect(refused.stderr.contains("line 6: conflict: eventId: same as line 1"))
            #expect(refused.stderr.contains("nothing published"))
            #expect(try await tact.messages(in: tact.topology.intakeQueue, expected: 0, timeout: .seconds(2)) == 0)

            let run = try await tact.tact([
                "event", "--file", try tact.file("good.jsonl", good.joined(separator: "\n") + "\n"),
            ])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.contains("published 3 events"))
            let bodies = try await tact.drain(tact.topology.intakeQueue, quiet: .seconds(1)).map {
                String(decoding: $0.body, as: UTF8.self)
            }
            #expect(Set(bodies) == Set(good))
        }
    }

    @Test(arguments: [
        (["event", "--kind", "hardship"], "--debtor is required"),
        (["event", "--debtor", "D-1", "--kind", "gossip"], "--kind: unknown kind"),
        (["event", "--debtor", "D-1", "--kind", "hardship", "--at", "yesterday"], "--at must be RFC 3339"),
        (["event", "--debtor", "D-1", "--kind", "opt-out"], "missing-field: channel"),
        (["event", "--debtor", "D-1", "--kind", "payment"], "missing-field: debtId"),
        (["event", "--debtor", "D 1", "--kind", "hardship"], "invalid-field: debtorId"),
        (["event", "--debtor", "D-1", "--kind", "hardship", "--at", "1970-01-01T00:00:00Z"], "invalid-field: at"),
        (["event", "--debtor", "D-1", "--debt", "C-1", "--kind", "plan"], "missing-field: instalments"),
        (["event", "--debtor", "D-1", "--debt", "C-1", "--kind", "plan", "--instalment", "40"], "AMOUNT@YYYY-MM-DD"),
        (
            [
                "event", "--debtor", "D-1", "--debt", "C-1", "--kind", "plan", "--instalment", "40@2027-01-15",
                "--instalment", "40@2026-12-15",
            ], "instalments[1].dueDate: must come after the previous one"
        ),
        (["event", "--debtor", "D-1", "--kind", "hardship", "--instalment", "40@2026-12-15"], "goes with --kind plan"),
        (["event", "--file", "/nonexistent/events.jsonl"], "no such file"),
        (["event", "--file", "/nonexistent/events.jsonl", "--debtor", "D-1"], "drop the single event's options"),
    ])
    func everyBadInputIsOneLine(arguments: [String], problem: String) async throws {
        try await ToolInstallation.with { tact in
            let run = try await tact.tact(arguments)
            expectOneLineError(run, command: "event", status: 2)
            #expect(run.stderr.contains(problem), "\(run.stderr)")
        }
    }

    @Test func aBrokerThatIsDownIsAClearMessageAndExitOne() async throws {
        try await ToolInstallation.with { tact in
            let run = try await tact.tact(
                ["event", "--debtor", "D-1", "--kind", "hardship"],
                environment: ["TACT_AMQP_URL": "amqp://guest:guest@127.0.0.1:1/"])
            expectOneLineError(run, command: "event", status: 1)
            #expect(run.stderr.contains("AMQP"))
        }
    }
}
