import AMQP
import Contract
import Domain
import Foundation
import Policy
import Store
import TactTestKit
import Testing

/// Two creditors that number their debtors alike, through the real broker and processes: neither touches the
/// other's case, and a shared person key makes one person of them for the policy (issue 12).
@Suite(
    "Pipeline: tenants", .enabled(if: TestEnvironment.hasBroker), .serialized, .timeLimit(.minutes(4)))
struct PipelineTenantTests {
    private static func placement(
        _ creditor: String, personKey: String?, email: String? = nil, rulebook: String? = nil
    ) -> Placement {
        var placement = Sample.placement(
            "P-1", debtor: "D-1", debt: "C-1", zone: Sample.zone(localHour: 13), email: email, creditor: creditor,
            rulebook: rulebook)
        placement.debtor.personKey = personKey
        return placement
    }

    @Test func twoCreditorsSameIdsNeverTouchEachOther() async throws {
        try await Pipeline().tearingDown { pipeline in
            // Everything is queued before the scheduler starts, so that acme's cease is applied before any
            // contact could be published.
            try await pipeline.place([
                Self.placement("acme", personKey: nil, email: "acme@example.com"),
                Self.placement("polbank", personKey: nil, email: "polbank@example.com"),
            ])
            var cease = LifeEvent(eventId: "E-1", debtorId: "D-1", kind: .cease, at: Instant(Date()))
            cease.creditorId = "acme"
            try await pipeline.send(cease)
            try pipeline.startScheduler()
            try pipeline.startWorkers(1)
            try await pipeline.waitUntilSettled(debtors: true)

            let emails = try await pipeline.drain(pipeline.topology.reminderQueue(.email))
                .map { try MessageCoding.decode(Reminder.self, from: $0.body) }
            #expect(emails.map(\.creditorId) == ["polbank"] && emails.map(\.to) == ["polbank@example.com"])
            #expect(emails.map(\.debtorId) == ["D-1"])
            let calls = try await pipeline.drain(pipeline.topology.callQueue(specialist: nil))
                .map { try MessageCoding.decode(Call.self, from: $0.body) }
            #expect(calls.map(\.creditorId) == ["polbank"] && calls.map(\.taskId) == ["polbank/P-1/first-call"])
            let holds = try await pipeline.inspect { store in
                (try store.allHolds(ofDebtor: "acme/D-1"), try store.allHolds(ofDebtor: "polbank/D-1"))
            }
            #expect(holds.0.map(\.kind) == [.cease] && holds.1.isEmpty)
            // An event that leaves its creditor out is ambiguous now, and refused with the field to add.
            try await pipeline.send(LifeEvent(eventId: "E-2", debtorId: "D-1", kind: .hardship, at: Instant(Date())))
            let dead = try await pipeline.drain(pipeline.topology.deadQueue, quiet: .seconds(3))
            #expect(
                dead.compactMap { $0.properties.headers?["x-tact-error"]?.stringValue } == [
                    "missing-field: creditorId: several creditors have a debtor with this id; name the creditor"
                ])
            try await pipeline.expectSound()
        }
    }

    /// uk-fca caps calls at three a week per debtor. Three creditors' calls to one person, each unanswered, use the
    /// person's three; a fourth creditor's call with the same person key waits, and a fifth's without it does not.
    @Test func aSharedPersonKeyCountsEveryCreditorsCallsTowardTheDebtorsCap() async throws {
        try await Pipeline().tearingDown { pipeline in
            try pipeline.startScheduler()
            try pipeline.startWorkers(1)
            let pool = pipeline.topology.callQueue(specialist: nil)
            for creditor in ["acme", "polbank", "third"] {
                try await pipeline.place([Self.placement(creditor, personKey: "pk-7", rulebook: "uk-fca")])
                try await pipeline.waitUntilSettled(debtors: true)
                let calls = try await pipeline.drain(pool).map { try MessageCoding.decode(Call.self, from: $0.body) }
                #expect(calls.map(\.creditorId) == [creditor])
                for call in calls {
                    try await pipeline.send(
                        Outcome(
                            outcomeId: "O-\(creditor)", taskId: call.taskId, creditorId: creditor, debtorId: "D-1",
                            debtId: "C-1", channel: .call, at: Instant(Date()), result: .noAnswer))
                }
                try await eventually("\(creditor)'s call reported", timeout: .seconds(30)) {
                    try await pipeline.inspect {
                        try $0.fullLedger(ofDebtor: "\(creditor)/D-1").map(\.result) == [.noAnswer]
                    }
                }
            }
            try await pipeline.place([
                Self.placement("fourth", personKey: "pk-7", rulebook: "uk-fca"),
                Self.placement("fifth", personKey: nil, rulebook: "uk-fca"),
            ])
            try await pipeline.waitUntilSettled(debtors: true)
            let calls = try await pipeline.drain(pool).map { try MessageCoding.decode(Call.self, from: $0.body) }
            #expect(calls.map(\.creditorId) == ["fifth"], "the linked fourth call waits for the person's cap")
            let deferred = try await pipeline.inspect { try $0.decisions(ofDebtor: "fourth/D-1") }
            #expect(deferred.last?.decision == .defer)
            #expect(
                deferred.last?.reasons.contains {
                    $0.rule.rawValue == "frequency-cap" && $0.detail.contains("calls-per-debtor")
                }
                    == true,
                "\(deferred.map { "\($0.taskID) \($0.decision) \($0.reasons.map(\.detail))" })")
            try await pipeline.expectSound()
        }
    }
}
