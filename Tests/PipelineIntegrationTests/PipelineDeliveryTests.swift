import AMQP
import Contract
import Domain
import Foundation
import Store
import TactTestKit
import Testing

/// The senders (`tact deliver`) through the real broker and processes, with a real SMTP server and a stand-in SMS
/// provider on loopback and the letter spool read back (issue 13). What the tests check is what was received.
@Suite("Pipeline: senders", .enabled(if: TestEnvironment.hasBroker), .timeLimit(.minutes(4)))
struct PipelineDeliveryTests {
    /// Phrases no message may carry, and what every first notice under Regulation F must say, as the test reads
    /// them: the received text, not the template.
    static let forbidden = ["arrest", "prison", "jail", "your employer", "final warning", "last chance", "act now"]
    static let firstNoticeDisclosures = [
        "This message is from a debt collector.",
        "This is an attempt to collect a debt, and any information obtained will be used for that purpose.",
        "As of 1 November 2026, you owed: $99.00",
        "Total amount of the debt now: $99.00",
        "to dispute all or part of the debt",
    ]

    @Test func nothingReachesAPersonWhoseCeaseBereavementDeathOrOptOutCameWhileTheirMessageWaited() async throws {
        try await Pipeline().tearingDown { pipeline in
            try pipeline.startScheduler()
            try pipeline.startWorkers(1)
            let zone = Sample.zone(localHour: 13)
            let emailDebtors = ["D-CEASE", "D-GRIEF", "D-DEATH", "D-OPTOUT", "D-FINE"]
            var placements = emailDebtors.enumerated().map { index, debtor in
                Sample.placement(
                    "P-\(index)", debtor: debtor, debt: "C-\(index)", zone: zone,
                    email: "\(debtor.lowercased())@example.com")
            }
            placements.append(
                Sample.placement("P-S1", debtor: "S-CEASE", debt: "C-S1", zone: zone, sms: "+15550000001"))
            placements.append(Sample.placement("P-S2", debtor: "S-FINE", debt: "C-S2", zone: zone, sms: "+15550000002"))
            try await pipeline.place(placements)
            // Every first notice waits in its queue; no sender runs yet.
            #expect(try await pipeline.messages(in: pipeline.topology.reminderQueue(.email), expected: 5) == 5)
            #expect(try await pipeline.messages(in: pipeline.topology.reminderQueue(.sms), expected: 2) == 2)
            let now = Instant(Date())
            for (id, debtor, kind) in [
                ("E-1", "D-CEASE", LifeEvent.Kind.cease), ("E-2", "D-GRIEF", .bereavement),
                ("E-3", "D-DEATH", .deceased),
                ("E-5", "S-CEASE", .cease),
            ] {
                try await pipeline.send(LifeEvent(eventId: id, debtorId: debtor, kind: kind, at: now))
            }
            try await pipeline.send(
                LifeEvent(eventId: "E-4", debtorId: "D-OPTOUT", kind: .optOut, at: now, channel: .email))
            try await eventually("the events applied", timeout: .seconds(30)) {
                try await pipeline.inspect { store in
                    try ["D-CEASE", "D-GRIEF", "D-DEATH", "S-CEASE"].allSatisfy {
                        !(try store.allHolds(ofDebtor: "acme/\($0)")).isEmpty
                    } && (try store.debtor("acme/D-OPTOUT")?.optOuts.contains(.email) == true)
                }
            }

            let smtp = try await SMTPSink(in: pipeline.directory)
            let sms = try await SMSSink(in: pipeline.directory)
            defer {
                Task {
                    await smtp.stop()
                    await sms.stop()
                }
            }
            try pipeline.start("deliver", ["--channel", "email"], environment: ["TACT_SMTP_URL": smtp.url])
            try pipeline.start("deliver", ["--channel", "sms"], environment: sms.environment)
            try await eventually("the messages for the others sent", timeout: .seconds(60)) {
                try smtp.received().count >= 1 && sms.received().count >= 1
            }
            // Every reminder taken from its queue, the refused ones dropped.
            #expect(try await pipeline.messages(in: pipeline.topology.reminderQueue(.email), expected: 0) == 0)
            #expect(try await pipeline.messages(in: pipeline.topology.reminderQueue(.sms), expected: 0) == 0)
            try await Task.sleep(for: .seconds(2))
            let emails = try smtp.received()
            #expect(emails.map(\.to) == [["d-fine@example.com"]])
            #expect(try sms.received().map(\.to) == ["+15550000002"])
            for email in emails {
                for part in [email.text ?? "", email.html ?? ""] {
                    for phrase in Self.firstNoticeDisclosures { #expect(part.contains(phrase), "\(phrase)") }
                    #expect(part.contains("https://test.example/stop?ref=C-4"))
                    for phrase in Self.forbidden { #expect(!part.lowercased().contains(phrase), "\(phrase)") }
                }
                #expect(email.subject == "ACME Bank: your account, reference C-4")
                #expect(email.headers["List-Unsubscribe"] == "<https://test.example/stop?ref=C-4>")
                #expect(email.text?.hasPrefix("Dear Personal Name D-FINE,") == true)
            }
            for text in try sms.received() {
                #expect(text.text.contains("This message is from a debt collector."))
                #expect(text.text.contains("Reply STOP to stop texts."))
                #expect(text.text.count <= 480)
            }
            // Each contact sent was reported: the ledger holds it as delivered.
            let results = try await pipeline.inspect { store in
                try ["acme/P-4/first-notice", "acme/P-S2/first-notice"].map {
                    try store.ledgerEntry(taskID: $0)?.result
                }
            }
            #expect(results == [.delivered, .delivered])
            // tact explain says where each contact ended: refused at the moment of sending, or claimed and sent.
            let ceased = try await pipeline.tool(["explain", "D-CEASE"])
            #expect(
                ceased.output.contains("contact acme/P-0/first-notice (hand-out 1) refused at the moment of sending"))
            #expect(ceased.output.contains(": superseded"))
            let fine = try await pipeline.tool(["explain", "D-FINE"])
            #expect(fine.output.contains("contact acme/P-4/first-notice (hand-out 1) claimed at the moment of sending"))
            #expect(fine.output.contains("outcome delivered"))
            try await pipeline.expectSound()
        }
    }

    @Test func theSameReminderPublishedTwiceSendsOneEmail() async throws {
        try await Pipeline().tearingDown { pipeline in
            try pipeline.startScheduler()
            try pipeline.startWorkers(1)
            try await pipeline.place([
                Sample.placement(
                    "P-1", debtor: "D-ONE", debt: "C-1", zone: Sample.zone(localHour: 13), email: "one@example.com")
            ])
            let queue = pipeline.topology.reminderQueue(.email)
            #expect(try await pipeline.messages(in: queue, expected: 1) == 1)
            let reminder = try #require(try await pipeline.drain(queue).first)
            // As after a crash between the broker's confirm and forgetting the outbox: the same bytes, twice.
            for _ in 0..<2 {
                try await pipeline.publish(
                    AMQPMessage(
                        routingKey: queue, body: reminder.body,
                        properties: AMQPProperties(
                            contentType: "application/json", deliveryMode: .persistent,
                            messageID: reminder.properties.messageID, type: Reminder.messageType)))
            }
            let smtp = try await SMTPSink(in: pipeline.directory)
            defer { Task { await smtp.stop() } }
            try pipeline.start("deliver", ["--channel", "email"], environment: ["TACT_SMTP_URL": smtp.url])
            try await eventually("one e-mail sent", timeout: .seconds(60)) { try smtp.received().count >= 1 }
            #expect(try await pipeline.messages(in: queue, expected: 0) == 0)
            try await Task.sleep(for: .seconds(2))
            #expect(try smtp.received().map(\.to) == [["one@example.com"]])
            // The second copy was refused: claimed by the first, or already reported by it.
            let logs = try pipeline.logs()
            #expect(logs.contains("tact.verdict=claimed") || logs.contains("tact.verdict=reported"))
            try await pipeline.expectSound()
        }
    }

    @Test func aSenderKilledBetweenClaimAndSendSendsNoSecondEmailAndTheClaimIsReported() async throws {
        // The claim lasts long enough for a second sender to start on a loaded machine and be told `claimed`.
        try await Pipeline(outcomeWait: 12).tearingDown { pipeline in
            try pipeline.startScheduler()
            try pipeline.startWorkers(1)
            // The relay never answers this one's DATA: the sender is caught after its claim, mid-send.
            let smtp = try await SMTPSink(in: pipeline.directory, hangFor: "hang@example.com")
            defer { Task { await smtp.stop() } }
            let first = try pipeline.start(
                "deliver", ["--channel", "email"], environment: ["TACT_SMTP_URL": smtp.url])
            try await pipeline.place([
                Sample.placement(
                    "P-1", debtor: "D-HANG", debt: "C-1", zone: Sample.zone(localHour: 13), email: "hang@example.com")
            ])
            let task = "acme/P-1/first-notice"
            try await eventually("the e-mail claimed", timeout: .seconds(60)) {
                // The scheduler creates the store as it starts.
                (try? await pipeline.inspect { try $0.task(task)?.claimingSender != nil }) ?? false
            }
            await first.kill9()
            // Its reminder goes back to the queue, and to the next sender: who must not send it again.
            try pipeline.start("deliver", ["--channel", "email"], environment: ["TACT_SMTP_URL": smtp.url])
            try await eventually("the claim reported to operators", timeout: .seconds(60)) {
                try await pipeline.inspect { try $0.task(task)?.closedReason == .claimUnconfirmed }
            }
            #expect(try await pipeline.messages(in: pipeline.topology.reminderQueue(.email), expected: 0) == 0)
            #expect(try smtp.received().isEmpty)
            #expect(try pipeline.logs().contains("tact.verdict=claimed"))
            let status = try await pipeline.tool(["status"])
            #expect(status.output.contains("unconfirmed"))
            try await pipeline.expectSound()
        }
    }

    @Test func theRelayIsReachedOverSTARTTLSWithALoginAndAWrongPasswordHoldsTheMessage() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tact-tls-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let tls = try await SMTPSink.certificate(in: folder)
        var settings = TactInstallation.Settings()
        settings.smtpTLS = "required"
        settings.smtpCAFile = tls.cert
        settings.smtpUsername = "tact"
        try await TactInstallation.with(label: "t", settings: settings) { pipeline in
            try pipeline.startScheduler()
            try pipeline.startWorkers(1)
            let smtp = try await SMTPSink(in: pipeline.directory, tls: tls, login: "tact:right-password")
            defer { Task { await smtp.stop() } }
            let zone = Sample.zone(localHour: 13)
            // A wrong password: the relay refuses the login, which is no fault of the message's. It is held.
            let wrong = try pipeline.start(
                "deliver", ["--channel", "email"],
                environment: ["TACT_SMTP_URL": smtp.url, "TACT_SMTP_PASSWORD": "wrong-password"])
            try await pipeline.place([
                Sample.placement("P-1", debtor: "D-HELD", debt: "C-1", zone: zone, email: "held@example.com")
            ])
            try await eventually("the e-mail claimed", timeout: .seconds(60)) {
                (try? await pipeline.inspect { try $0.task("acme/P-1/first-notice")?.claimingSender != nil }) ?? false
            }
            try await eventually("the login refused", timeout: .seconds(30)) {
                try pipeline.logs().contains("tact.reason=smtp-login")
            }
            try await Task.sleep(for: .seconds(2))
            #expect(try smtp.received().isEmpty)
            #expect(
                try await pipeline.inspect { try $0.ledgerEntry(taskID: "acme/P-1/first-notice")?.result } == .pending,
                "held, not failed")
            // Stopped while it holds it: it was not sent, and says so.
            #expect(await wrong.stop() == 0)
            try await eventually("reported failed", timeout: .seconds(30)) {
                try await pipeline.inspect { try $0.ledgerEntry(taskID: "acme/P-1/first-notice")?.result == .failed }
            }

            try pipeline.start(
                "deliver", ["--channel", "email"],
                environment: ["TACT_SMTP_URL": smtp.url, "TACT_SMTP_PASSWORD": "right-password"])
            try await pipeline.place([
                Sample.placement("P-2", debtor: "D-TLS", debt: "C-2", zone: zone, email: "tls@example.com")
            ])
            try await eventually("the e-mail received over TLS", timeout: .seconds(60)) {
                try smtp.received().map(\.to) == [["tls@example.com"]]
            }
            try await pipeline.expectSound()
        }
    }

    @Test func theSMSProviderIsTriedAgainOnItsTroubleAndARefusedNumberIsReportedFailed() async throws {
        try await Pipeline().tearingDown { pipeline in
            try pipeline.startScheduler()
            try pipeline.startWorkers(1)
            let sms = try await SMSSink(in: pipeline.directory, failFirst: 3, reject: "+15550000009")
            defer { Task { await sms.stop() } }
            try pipeline.start("deliver", ["--channel", "sms"], environment: sms.environment)
            let zone = Sample.zone(localHour: 13)
            try await pipeline.place([
                Sample.placement("P-1", debtor: "S-OK", debt: "C-1", zone: zone, sms: "+15550000001"),
                Sample.placement("P-2", debtor: "S-REFUSED", debt: "C-2", zone: zone, sms: "+15550000009"),
            ])
            try await eventually("both reported", timeout: .seconds(60)) {
                // The scheduler creates the store as it starts.
                (try? await pipeline.inspect { store in
                    try ["acme/P-1/first-notice", "acme/P-2/first-notice"].allSatisfy {
                        try store.ledgerEntry(taskID: $0).map { $0.result != .pending } == true
                    }
                }) ?? false
            }
            let results = try await pipeline.inspect { store in
                try ["acme/P-1/first-notice", "acme/P-2/first-notice"].map { try store.ledgerEntry(taskID: $0)?.result }
            }
            #expect(results == [.delivered, .failed])
            let texts = try sms.received()
            #expect(texts.map(\.to) == ["+15550000001"])
            #expect(texts.first?.key == "acme/P-1/first-notice:1")
            #expect(try pipeline.logs().contains("tact.reason=http-400"))
            try await pipeline.expectSound()
        }
    }

    @Test func lettersAreSpooledWholeWithTheirDisclosures() async throws {
        try await Pipeline().tearingDown { pipeline in
            try pipeline.startScheduler()
            try pipeline.startWorkers(1)
            let spool = pipeline.directory.appendingPathComponent("letters")
            try pipeline.start("deliver", ["--channel", "letter"], environment: ["TACT_LETTER_SPOOL": spool.path])
            try await pipeline.place([
                Placement(
                    placementId: "P-1", creditorId: "acme",
                    debtor: .init(
                        id: "D-POST", name: "Personal Name D-POST", timeZones: [Sample.zone(localHour: 13)],
                        phone: "+15550142", address: "12 Post Road, Springfield", language: "en"),
                    debt: .init(id: "C-1", amount: "99.00", currency: "USD", dueDate: "2026-11-01"))
            ])
            func spooled() -> [String] {
                ((try? FileManager.default.contentsOfDirectory(atPath: spool.path)) ?? []).sorted()
            }
            try await eventually("the letter spooled", timeout: .seconds(60)) {
                spooled().contains { $0.hasSuffix(".txt") }
            }
            // Nothing half-written is left beside it; named by the contact's id and a hash of it.
            let names = spooled()
            #expect(names.count == 2)
            let base = try #require(names.first { $0.hasSuffix(".txt") }?.dropLast(4))
            #expect(base.hasPrefix("acme_P-1_first-notice_1-") && base.count == "acme_P-1_first-notice_1-".count + 8)
            #expect(names == ["\(base).html", "\(base).txt"])
            let letter = try String(contentsOf: spool.appendingPathComponent("\(base).txt"), encoding: .utf8)
            let html = try String(contentsOf: spool.appendingPathComponent("\(base).html"), encoding: .utf8)
            #expect(letter.contains("Personal Name D-POST\n12 Post Road, Springfield"))
            for phrase in Self.firstNoticeDisclosures {
                #expect(letter.contains(phrase), "\(phrase)")
                #expect(html.contains(phrase), "\(phrase)")
            }
            try await eventually("reported delivered", timeout: .seconds(30)) {
                try await pipeline.inspect { try $0.ledgerEntry(taskID: "acme/P-1/first-notice")?.result == .delivered }
            }
            try await pipeline.expectSound()
        }
    }
}
