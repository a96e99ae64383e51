import AMQP
import Contract
import Domain
import Foundation
import Messaging
import Policy
import Store
import TactTestKit
import TactTools
import Testing

/// The check at the moment of sending, through the real broker and processes (issue 13): events recorded while
/// reminders wait in their queue stop them, and a second copy of a reminder is dropped.
@Suite(
    "Pipeline: the check at the moment of sending", .enabled(if: TestEnvironment.hasBroker), .timeLimit(.minutes(3)))
struct PipelineContactCheckTests {
    @Test func eventsRecordedWhileRemindersWaitStopThemAndASecondCopyIsClaimed() async throws {
        try await Pipeline().tearingDown { pipeline in
            try pipeline.startScheduler()
            try pipeline.startWorkers(1)
            let zone = Sample.zone(localHour: 13)
            let debtors = ["D-CEASE", "D-GRIEF", "D-DEATH", "D-OPTOUT", "D-FINE"]
            try await pipeline.place(
                debtors.enumerated().map { index, debtor in
                    Sample.placement(
                        "P-\(index)", debtor: debtor, debt: "C-\(index)", zone: zone, email: "e@example.com")
                })
            // Every first notice waits in the e-mail queue, none sent yet.
            #expect(
                try await pipeline.messages(
                    in: pipeline.topology.reminderQueue(.email), expected: 5, timeout: .seconds(60))
                    == 5)
            let now = Instant(Date())
            try await pipeline.send(LifeEvent(eventId: "E-1", debtorId: "D-CEASE", kind: .cease, at: now))
            try await pipeline.send(LifeEvent(eventId: "E-2", debtorId: "D-GRIEF", kind: .bereavement, at: now))
            try await pipeline.send(LifeEvent(eventId: "E-3", debtorId: "D-DEATH", kind: .deceased, at: now))
            try await pipeline.send(
                LifeEvent(eventId: "E-4", debtorId: "D-OPTOUT", kind: .optOut, at: now, channel: .email))
            try await eventually("the events applied", timeout: .seconds(30)) {
                try await pipeline.inspect { store in
                    try ["D-CEASE", "D-GRIEF", "D-DEATH"].allSatisfy {
                        !(try store.allHolds(ofDebtor: "acme/\($0)")).isEmpty
                    }
                        && (try store.debtor("acme/D-OPTOUT")?.optOuts.contains(.email) == true)
                }
            }

            let emails = try await pipeline.drain(pipeline.topology.reminderQueue(.email))
            #expect(emails.count == 5)
            let checker = try await CallChecker(
                connection: pipeline.connection, topology: pipeline.topology, timeout: .seconds(30))
            var verdicts: [String: ContactCheckReply.Verdict] = [:]
            var fine: Reminder?
            for email in emails {
                let reminder = try MessageCoding.decode(Reminder.self, from: email.body)
                let reply = try #require(
                    try await checker.checkContact(
                        taskID: reminder.taskId, attempt: reminder.attempt, validUntil: reminder.validUntil,
                        by: "mailer-1"))
                verdicts[reminder.debtorId] = reply.verdict
                if reminder.debtorId == "D-FINE" { fine = reminder }
            }
            #expect(
                verdicts == [
                    "D-CEASE": .superseded, "D-GRIEF": .superseded, "D-DEATH": .superseded, "D-OPTOUT": .superseded,
                    "D-FINE": .send,
                ])
            // The same reminder again, as after a scheduler crash, taken by another sender: dropped.
            let copy = try #require(fine)
            let second = try await checker.checkContact(
                taskID: copy.taskId, attempt: copy.attempt, validUntil: copy.validUntil, by: "mailer-2")
            #expect(second?.verdict == .claimed)
            let task = try await pipeline.inspect { try $0.task(copy.taskId) }
            #expect(task?.status == .taken && task?.claimingSender == "mailer-1")
            try await pipeline.expectSound()
        }
    }
}
