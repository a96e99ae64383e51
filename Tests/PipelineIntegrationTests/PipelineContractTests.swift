import AMQP
import Contract
import Domain
import Foundation
import Policy
import Store
import TactTestKit
import Testing

/// The public AMQP contract, end to end through real `tact` processes.
@Suite("Pipeline: the AMQP contract", .enabled(if: TestEnvironment.hasBroker), .timeLimit(.minutes(3)))
struct PipelineContractTests {
    /// Issue 11: an amendment (the same placementId, a new amount) changes the case and publishes no new contact.
    @Test func anAmendmentChangesTheAmountAndPublishesNoNewContact() async throws {
        try await Pipeline().tearingDown { pipeline in
            try pipeline.startScheduler()
            try pipeline.startWorkers(1)
            let original = Sample.placement(
                "P-1", debtor: "D-1", debt: "C-1", zone: Sample.zone(localHour: 13), email: "d1@example.com")
            try await pipeline.place([original])
            _ = try await pipeline.waitUntilSettled(debtors: true)
            let emails = pipeline.topology.reminderQueue(.email)
            let calls = pipeline.topology.callQueue(specialist: nil)
            #expect(try await pipeline.drain(emails).count == 1)
            #expect(try await pipeline.drain(calls).count == 1)

            var amended = original
            amended.debt.amount = "42.00"
            try await pipeline.place([amended])
            let store = try SQLiteStore(path: pipeline.storePath)
            let deadline = ContinuousClock.now + .seconds(30)
            var amount: String?
            while ContinuousClock.now < deadline {
                amount = try await store.read { try $0.debt("C-1", ofDebtor: "acme/D-1") }?.amount
                if amount == "42.00" { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(amount == "42.00", "the amendment was applied")
            // Sent again under a new placementId, the same open debt is amended too, not placed a second time.
            var again = amended
            again.placementId = "P-2"
            again.debtor.phone = "+15550199"
            try await pipeline.place([again])
            _ = try await pipeline.waitUntilSettled()
            // The first notice was taken without a check, as by a gateway that ignores it: still unclaimed, it is
            // published again with the amended amount under the same task. No second first notice is planned.
            let notices = try await pipeline.drain(emails).map {
                try MessageCoding.decode(Reminder.self, from: $0.body)
            }
            #expect(notices.allSatisfy { $0.taskId == "acme/P-1/first-notice" && $0.attempt > 1 })
            #expect(notices.last?.parameters?["amount"] == "42.00")
            // The first call, still waiting in the queue, is published again with the amended details (the copy
            // before is refused at tact next's check); no second first call is planned.
            let republished = try await pipeline.drain(calls).map { try MessageCoding.decode(Call.self, from: $0.body) }
            #expect(republished.allSatisfy { $0.taskId == "acme/P-1/first-call" && $0.attempt > 1 })
            #expect(republished.last?.phone == "+15550199")
            let tasks = try await store.read { try $0.tasks(ofDebtor: "acme/D-1", statuses: []) }
            #expect(tasks.map(\.id).sorted() == ["acme/P-1/first-call", "acme/P-1/first-notice"])
            try await pipeline.expectSound()
        }
    }

    @Test func placementsBecomeRemindersAndCallsWithTheDocumentedShape() async throws {
        try await Pipeline().tearingDown { pipeline in
            try pipeline.startScheduler()
            try pipeline.startWorkers(2)
            let open = Sample.zone(localHour: 13)
            try await pipeline.place([
                Sample.placement(
                    "P-1", debtor: "D-1", debt: "C-1", zone: open, email: "d1@example.com", specialist: "anna"),
                Sample.placement("P-2", debtor: "D-2", debt: "C-2", zone: open, sms: "+15550177"),
            ])
            _ = try await pipeline.waitUntilSettled()

            let emails = try await pipeline.drain(pipeline.topology.reminderQueue(.email))
            let texts = try await pipeline.drain(pipeline.topology.reminderQueue(.sms))
            let annasCalls = try await pipeline.drain(pipeline.topology.callQueue(specialist: "anna"))
            let poolCalls = try await pipeline.drain(pipeline.topology.callQueue(specialist: nil))
            #expect(emails.count == 1)
            #expect(texts.count == 1)
            #expect(annasCalls.count == 1)
            #expect(poolCalls.count == 1)

            let email = try #require(emails.first)
            let reminder = try MessageCoding.decode(Reminder.self, from: email.body)
            #expect(reminder.taskId == "acme/P-1/first-notice")
            #expect(reminder.to == "d1@example.com")
            #expect(reminder.template == "first-notice")
            #expect(reminder.language == "en")
            #expect(email.properties.messageID == reminder.taskId, "the message id is the task id")
            #expect(email.properties.contentType == "application/json")
            #expect(email.properties.deliveryMode == .persistent)
            #expect(email.properties.type == "reminder")
            let validUntil = try #require(reminder.validUntil)
            let expiration = try #require(email.properties.expiration)
            // The AMQP expiration ends with the window: it counts from the decision, which the timestamp records.
            let decidedAt = try #require(email.properties.timestamp)
            let windowLeft = Duration.seconds(validUntil.secondsSinceEpoch - Instant(decidedAt).secondsSinceEpoch)
            #expect(abs((expiration - windowLeft).components.seconds) <= 1)

            let call = try MessageCoding.decode(Call.self, from: try #require(annasCalls.first).body)
            #expect(call.taskId == "acme/P-1/first-call")
            #expect(call.purpose == "first-call")
            #expect(call.phone == "+15550142")
            #expect(call.context.name == "Personal Name D-1")
            #expect(call.validUntil != nil)
            let json =
                try JSONSerialization.jsonObject(with: Data(try #require(poolCalls.first).body)) as! [String: Any]
            for field in [
                "type", "version", "taskId", "debtorId", "debtId", "phone", "purpose", "validUntil", "context",
            ] {
                #expect(json[field] != nil, "call field \(field)")
            }
            #expect(await pipeline.stop().allSatisfy { $0 == 0 }, "SIGTERM ends every process cleanly")
            try await pipeline.expectSound()
        }
    }

    @Test func contactsOutsideTheWindowAreDeferredAndEventsCancelWhatTheyForbid() async throws {
        try await Pipeline().tearingDown { pipeline in
            try pipeline.startScheduler()
            try pipeline.startWorkers(1)
            let night = Sample.zone(localHour: 3)
            let open = Sample.zone(localHour: 13)
            try await pipeline.place([
                Sample.placement("P-1", debtor: "D-1", debt: "C-1", zone: night, email: "a@example.com"),
                Sample.placement("P-2", debtor: "D-2", debt: "C-2", zone: open, sms: "+15550199"),
            ])
            try await pipeline.send(
                LifeEvent(eventId: "E-1", debtorId: "D-1", kind: .optOut, at: Instant(Date()), channel: .email))
            let stats = try await pipeline.waitUntilSettled()
            let store = try SQLiteStore(path: pipeline.storePath)
            let nightTasks = try await store.read { try $0.tasks(ofDebtor: "acme/D-1", statuses: []) }
            // The e-mail was opted out of; the call waits for 08:00 local.
            #expect(nightTasks.first { $0.channel == .email }?.status == .cancelled)
            let call = try #require(nightTasks.first { $0.channel == .call })
            #expect(call.status == .pending)
            #expect(call.dueAt > Instant(Date()).adding(seconds: 3600))
            let decisions = try await store.read { try $0.decisions(ofDebtor: "acme/D-1") }
            #expect(decisions.contains { $0.decision == .defer && $0.reasons.contains { $0.rule == .contactHours } })
            #expect((stats.tasksByStatus[.done] ?? 0) == 2, "the open debtor's text and call went out")
            #expect(try await pipeline.drain(pipeline.topology.reminderQueue(.sms)).count == 1)
            try await pipeline.expectSound()
        }
    }

    @Test func outcomesEnterTheLedgerAndAnUnansweredCallIsRetriedTomorrow() async throws {
        try await Pipeline().tearingDown { pipeline in
            try pipeline.startScheduler()
            try pipeline.startWorkers(1)
            try await pipeline.place([
                Sample.placement("P-1", debtor: "D-1", debt: "C-1", zone: Sample.zone(localHour: 13))
            ])
            _ = try await pipeline.waitUntilSettled()
            let call = try MessageCoding.decode(
                Call.self,
                from: try #require(try await pipeline.drain(pipeline.topology.callQueue(specialist: nil)).first).body)
            try await pipeline.send(
                Outcome(
                    outcomeId: "O-1", taskId: call.taskId, debtorId: "D-1", debtId: "C-1", channel: .call,
                    at: Instant(Date()), result: .noAnswer))
            let outcomeAgain = Outcome(
                outcomeId: "O-1", taskId: call.taskId, debtorId: "D-1", debtId: "C-1", channel: .call,
                at: Instant(Date()), result: .noAnswer)
            try await pipeline.send(outcomeAgain)  // a duplicate changes nothing
            _ = try await pipeline.waitUntilSettled()
            let store = try SQLiteStore(path: pipeline.storePath)
            #expect(try await store.read { try $0.ledgerEntry(taskID: call.taskId)?.result } == .noAnswer)
            let retries = try await store.read { try $0.tasks(ofDebtor: "acme/D-1", statuses: [.pending]) }.filter {
                $0.purpose == .retryCall
            }
            #expect(retries.count == 1)
            #expect(retries.first.map { $0.dueAt > Instant(Date()) } == true)
            try await pipeline.expectSound()
        }
    }

    @Test func anExpiredOrRejectedCallGoesBackToTheSchedulerAndIsEmittedAgain() async throws {
        try await Pipeline().tearingDown { pipeline in
            try pipeline.startScheduler()
            try pipeline.startWorkers(1)
            try await pipeline.place([
                Sample.placement("P-1", debtor: "D-1", debt: "C-1", zone: Sample.zone(localHour: 13))
            ])
            _ = try await pipeline.waitUntilSettled()
            // A specialist (or the queue's TTL) gives the call back: it dead-letters to the scheduler.
            let queue = pipeline.topology.callQueue(specialist: nil)
            let consumer = try await pipeline.connection.consume(queue: queue, prefetch: 1)
            var iterator = consumer.makeAsyncIterator()
            let first = try #require(try await iterator.next())
            try first.reject(requeue: false)
            try await consumer.cancel()
            _ = try await pipeline.waitUntilSettled()
            // Back in the scheduler: no longer counted as made, and planned again after a pause.
            let store = try SQLiteStore(path: pipeline.storePath)
            let task = try #require(try await store.read { try $0.task("acme/P-1/first-call") })
            #expect(task.status == .pending)
            #expect(task.dueAt > Instant(Date()).adding(seconds: 300))
            #expect(try await store.read { try $0.ledgerEntry(taskID: "acme/P-1/first-call") } == nil)
            try await pipeline.expectSound()
        }
    }
}
