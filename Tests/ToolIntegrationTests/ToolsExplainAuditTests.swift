import AMQP
import Contract
import Domain
import Foundation
import Policy
import Store
import TactTestKit
import Testing

/// `tact explain` and `tact audit export` over what a real scheduler and worker did.
@Suite(
    "Tools: tact explain and audit export", .serialized, .enabled(if: TestEnvironment.hasBroker),
    .timeLimit(.minutes(5)))
struct ToolsExplainAuditTests {
    /// A fixed-offset zone where it is about `hour`:00 now (Etc zones have the sign reversed).
    static func zone(localHour hour: Int) -> String {
        let utcHour = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
            .hour!
        var offset = hour - utcHour
        if offset > 14 { offset -= 24 }
        if offset < -12 { offset += 24 }
        return offset == 0 ? "Etc/GMT" : offset > 0 ? "Etc/GMT-\(offset)" : "Etc/GMT+\(-offset)"
    }

    static func row(_ debtor: String, zone: String) -> String {
        "acme,\(debtor),\"\(PersonalData.name)\",\(zone),\(PersonalData.phone),\(PersonalData.email),"
            + "\"\(PersonalData.address)\",C-\(debtor),99.00,USD,2026-11-01"
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func explainAndAuditTellWhatWasDecidedAndWhy() async throws {
        try await ToolInstallation.with { tact in
            let started = Instant(Date()).adding(seconds: -1)
            try tact.startScheduler()
            try tact.startWorker()
            // D-DAY is at 13:00 local time (contacted now), D-NIGHT at 03:00 (deferred to the morning).
            let csv = [
                ToolsPlaceTests.header, Self.row("D-DAY", zone: Self.zone(localHour: 13)),
                Self.row("D-NIGHT", zone: Self.zone(localHour: 3)),
            ]
            #expect(
                try await tact.tact(["place", try tact.file("debtors.csv", csv.joined(separator: "\n"))]).status == 0)
            try await tact.waitUntilSettled(debtors: true)
            // A dispute raised and resolved: a hold with its end (lifted).
            for (id, kind) in [("E-DISPUTE", "dispute"), ("E-RESOLVED", "dispute-resolved")] {
                let run = try await tact.tact(["event", "--debtor", "D-NIGHT", "--kind", kind, "--id", id])
                #expect(run.status == 0, "\(run.stderr)")
                try await Task.sleep(for: .seconds(1))
            }
            // D-DAY's first call went unanswered: a retry call is planned for the next day, not yet decided.
            let call = try await tact.inspect { try $0.tasks(ofDebtor: "acme/D-DAY", statuses: []) }.first {
                $0.channel == .call
            }
            let firstCall = try #require(call)
            let outcome = Outcome(
                outcomeId: "O-1", taskId: firstCall.id, debtorId: "D-DAY", debtId: "C-D-DAY", channel: .call,
                at: Instant(Date()), result: .noAnswer)
            try await tact.publish(
                AMQPMessage(
                    exchange: tact.topology.outcomesExchange, routingKey: "outcome",
                    body: MessageCoding.encode(outcome),
                    properties: AMQPProperties(deliveryMode: .persistent, messageID: "O-1"), mandatory: true))
            try await Task.sleep(for: .seconds(2))
            try await tact.waitUntilSettled(debtors: true)

            // The deferred debtor: the decision, its rule, and the instant the call becomes permissible.
            let night = try await tact.tact(["explain", "D-NIGHT"])
            #expect(night.status == 0, "\(night.stderr)")
            PersonalData.expectNone(in: night.output)
            #expect(night.stdout.contains("contact-hours"))
            #expect(night.stdout.contains("lifted"))
            // The same case named by its key, or by its creditor (at one instant, so that the outputs compare).
            let soon = Instant(Date()).adding(seconds: 120).description
            let named = try await tact.tact(["explain", "D-NIGHT", "--at", soon])
            #expect(named.status == 0 && named.stdout.hasPrefix("Debtor D-NIGHT: creditor acme"))
            #expect(try await tact.tact(["explain", "acme/D-NIGHT", "--at", soon]).stdout == named.stdout)
            #expect(
                try await tact.tact(["explain", "D-NIGHT", "--creditor", "acme", "--at", soon]).stdout == named.stdout)
            expectOneLineError(
                try await tact.tact(["explain", "D-NIGHT", "--creditor", "polbank"]), command: "explain", status: 1)
            let document = try Self.json(try await tact.tact(["explain", "D-NIGHT", "--json"]).stdout)
            let pending = try await tact.inspect { try $0.tasks(ofDebtor: "acme/D-NIGHT", statuses: [.pending]) }
            let next = try #require(document["next"] as? [String: Any])
            let nextTask = try #require(pending.min { $0.dueAt < $1.dueAt })
            #expect(next["taskId"] as? String == nextTask.id)
            #expect(next["permissibleAt"] as? String == nextTask.dueAt.description)
            #expect(next["basis"] as? String == "decision")
            let reasons = try #require(next["reasons"] as? [[String: Any]])
            #expect(reasons.contains { $0["rule"] as? String == "contact-hours" })
            #expect(
                (next["permissibleAtLocal"] as? String)?.contains(" 08:00 ") == true,
                "the start of contact hours, locally")
            let holds = try #require(document["holds"] as? [[String: Any]])
            #expect(holds.count == 1)
            #expect(holds.first?["kind"] as? String == "dispute")
            #expect(holds.first?["liftedAt"] is String)
            let decisions = try #require(document["decisions"] as? [[String: Any]])
            #expect(decisions.contains { $0["decision"] as? String == "defer" })

            // The contacted debtor: contacts made and their outcome; the next call planned, never decided yet.
            let day = try Self.json(try await tact.tact(["explain", "D-DAY", "--json"]).stdout)
            let contacts = try #require(day["contacts"] as? [[String: Any]])
            #expect(
                contacts.contains { $0["taskId"] as? String == firstCall.id && $0["result"] as? String == "no-answer" })
            let dayNext = try #require(day["next"] as? [String: Any])
            #expect((dayNext["taskId"] as? String)?.hasSuffix("retry-call") == true, "\(dayNext)")
            #expect(dayNext["basis"] as? String == "policy")
            #expect(dayNext["plannedFor"] is String)
            #expect(dayNext["permissibleAt"] is String)
            let dayText = try await tact.tact(["explain", "D-DAY"])
            #expect(dayText.stdout.contains("planned for"))
            PersonalData.expectNone(in: dayText.output)

            // The audit trail: every change in the interval, fields in a fixed order, chained.
            let (total, decided) = try await tact.inspect { store in
                (
                    try store.lastAuditSequence(),
                    try ["acme/D-DAY", "acme/D-NIGHT"].map { try store.decisions(ofDebtor: $0).count }.reduce(0, +)
                )
            }
            let now = Instant(Date()).adding(seconds: 2)
            let export = try await tact.tact([
                "audit", "export", "--from", started.description, "--to", now.description,
            ])
            #expect(export.status == 0, "\(export.stderr)")
            let lines = export.stdout.split(separator: "\n")
            #expect(lines.count == Int(total))
            let order = ["sequence", "at", "debtorId", "subject", "action", "actor", "detail", "hash"]
            for line in lines {
                let positions = order.map { line.range(of: "\"\($0)\":")?.lowerBound }
                #expect(positions.allSatisfy { $0 != nil } && positions.map { $0! } == positions.map { $0! }.sorted())
                #expect(try Self.json(String(line))["detail"] is [String: Any])
            }
            let entries = try lines.map { try Self.json(String($0)) }
            let actions = entries.compactMap { $0["action"] as? String }
            #expect(actions.filter { $0.hasPrefix("decision.") }.count == decided, "every decision is on it")
            for action in [
                "input.placement", "debtor.saved", "debt.open", "task.pending", "task.in-flight", "task.done",
            ] {
                #expect(actions.contains(action), "\(action)")
            }
            let actors = Set(entries.compactMap { $0["actor"] as? String })
            #expect(actors.contains("creditor:acme (unauthenticated)") && actors.contains("scheduler"))
            #expect(actors.contains { $0.hasPrefix("worker:") })
            PersonalData.expectNone(in: export.output)
            let out = tact.directory.appendingPathComponent("audit.jsonl").path
            #expect(
                try await tact.tact([
                    "audit", "export", "--from", started.description, "--to", now.description, "--out", out,
                ])
                .status == 0)
            #expect(try String(contentsOfFile: out, encoding: .utf8) == export.stdout)
            // One case only.
            let oneCase = try await tact.tact(["audit", "export", "--after-sequence", "0", "--debtor", "D-DAY"])
            let dayEntries = try oneCase.stdout.split(separator: "\n").map { try Self.json(String($0)) }
            #expect(!dayEntries.isEmpty && dayEntries.allSatisfy { $0["debtorId"] as? String == "acme/D-DAY" })
            // Incremental: everything recorded after a sequence number, and where to continue.
            let sequences = try lines.map { try #require(try Self.json(String($0))["sequence"] as? Int) }
            #expect(sequences == Array(1...Int(total)))
            let all = try await tact.tact(["audit", "export", "--after-sequence", "0"])
            #expect(all.status == 0 && all.stdout.hasPrefix(export.stdout), "\(all.stderr)")
            let last = try #require(
                all.stdout.split(separator: "\n").last.flatMap { try Self.json(String($0))["sequence"] as? Int })
            #expect(all.stderr.contains("continue with --after-sequence \(last)"))
            let rest = try await tact.tact(["audit", "export", "--after-sequence", String(sequences[1])])
            #expect(rest.stdout.split(separator: "\n").count == last - 2)
            let none = try await tact.tact(["audit", "export", "--after-sequence", String(last)])
            #expect(none.status == 0 && none.stdout.isEmpty)
            for bad in [["--from", "2026-12-01"], [], ["--after-sequence", "-3"]] {
                expectOneLineError(try await tact.tact(["audit", "export"] + bad), command: "audit export", status: 2)
            }
            let before = try await tact.tact(["audit", "export", "--from", "2001-01-01", "--to", "2001-01-02"])
            #expect(before.status == 0 && before.stdout.isEmpty)
            expectOneLineError(
                try await tact.tact(["audit", "export", "--from", "2026-12-02", "--to", "2026-12-01"]),
                command: "audit export",
                status: 2)
            expectOneLineError(try await tact.tact(["explain", "D-NOBODY"]), command: "explain", status: 1)
            expectOneLineError(
                try await tact.tact(["explain", "D-DAY", "--at", "2020-01-01T00:00:00Z"]), command: "explain", status: 2
            )
            let ahead = Instant(Date()).adding(seconds: 86_400 * 3).description
            #expect(try await tact.tact(["explain", "D-DAY", "--at", ahead]).status == 0)
        }
    }

    /// Issue 11: the trail is tamper-evident. Edited behind Tact's back with sqlite3, `tact audit verify` names
    /// the first entry that no longer fits.
    @Test func verifyFindsTheFirstEntryChangedOrRemoved() async throws {
        try await ToolInstallation.with { tact in
            tact.tampersWithAuditTrail()
            try tact.startScheduler()
            try tact.startWorker()
            let csv = [ToolsPlaceTests.header, Self.row("D-1", zone: Self.zone(localHour: 13))]
            let place = try await tact.tact(["place", try tact.file("debtors.csv", csv.joined(separator: "\n"))])
            #expect(place.status == 0, "\(place.stderr)")
            try await tact.waitUntilSettled(debtors: true)
            #expect(await tact.stop().allSatisfy { $0 == 0 })
            let intact = try await tact.tact(["audit", "verify"])
            #expect(intact.status == 0 && intact.stdout.contains("intact: "), "\(intact.output)")

            func sqlite(_ sql: String) async throws {
                let run = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/sqlite3"), [tact.storePath, sql])
                #expect(run.status == 0, "\(run.stderr)")
            }
            try await sqlite("DROP TRIGGER audit_no_update; UPDATE audit SET detail = '{}' WHERE sequence = 3")
            let changed = try await tact.tact(["audit", "verify"])
            #expect(changed.status == 1)
            #expect(
                changed.stdout
                    == "tact audit verify: broken: record 3 was changed (its hash does not match its contents); 2 entries before it are intact\n"
            )
            try await sqlite("DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE sequence IN (2, 3)")
            let removed = try await tact.tact(["audit", "verify"])
            #expect(removed.status == 1 && removed.stdout.contains("records 2–3 were removed"), "\(removed.output)")
        }
    }

    @Test func toolsDoNotCreateAStoreThatDoesNotExist() async throws {
        try await ToolInstallation.with { tact in
            let explain = try await tact.tact(["explain", "D-1"])
            expectOneLineError(explain, command: "explain", status: 1)
            #expect(explain.stderr.contains("no store here yet"))
            let audit = try await tact.tact(["audit", "export", "--from", "2026-01-01", "--to", "2027-01-01"])
            expectOneLineError(audit, command: "audit export", status: 1)
            #expect(!FileManager.default.fileExists(atPath: tact.storePath))
        }
    }
}
