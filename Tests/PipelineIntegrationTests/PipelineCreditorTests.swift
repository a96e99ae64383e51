import AMQP
import Contract
import Domain
import Foundation
import Logging
import Policy
import Store
import TactTestKit
import Testing

/// A creditor's broker user may only publish placements and events to the intake exchange, and RabbitMQ vouches for
/// the `user_id` it sets, which must then equal the placement's `creditorId`.
@Suite(
    "Pipeline: creditor identity", .timeLimit(.minutes(2)),
    .enabled(if: TestEnvironment.controlsBroker))
struct PipelineCreditorTests {
    @Test func aCreditorPlacesUnderItsOwnNameOnly() async throws {
        try await Pipeline().tearingDown { pipeline in
            try pipeline.startScheduler()
            try pipeline.startWorkers(1)
            let creditor = "creditor-\(pipeline.prefix)"
            let connection = try await Self.connect(asCreditor: creditor, of: pipeline)
            func place(_ id: String, creditorID: String, userID: String?) async throws {
                try await Self.place(id, creditorID: creditorID, userID: userID, on: connection, of: pipeline)
            }
            try await place("P-OWN", creditorID: creditor, userID: creditor)
            try await place("P-OTHER", creditorID: "someone-else", userID: creditor)
            // RabbitMQ itself refuses a user_id that is not the authenticated user.
            let forged = await #expect(throws: AMQPError.self) {
                try await place("P-FORGED", creditorID: "someone-else", userID: "someone-else")
            }
            #expect(forged?.replyCode == 406)
            // And the creditor may not publish anywhere else.
            let elsewhere = await #expect(throws: AMQPError.self) {
                try await connection.publish(AMQPMessage(routingKey: pipeline.topology.tasksQueue, body: [1]))
            }
            #expect(elsewhere?.replyCode == 403)
            // Nor change who keeps a case: specialist changes are for operators (a topic permission on the intake).
            let change = SpecialistChange(changeId: "S-1", action: .handover, specialistId: "anna", debtorId: "D-P-OWN")
            let handover = await #expect(throws: AMQPError.self) {
                try await connection.publish(
                    AMQPMessage(
                        exchange: pipeline.topology.intakeExchange, routingKey: "specialist",
                        body: MessageCoding.encode(change), properties: AMQPProperties(userID: creditor)))
            }
            #expect(handover?.replyCode == 403)
            await connection.close()

            // The refusal cannot be replayed by an operator: the replay could not carry the creditor's user_id.
            let deadline = ContinuousClock.now + .seconds(30)
            while try await pipeline.connection.queueState(pipeline.topology.deadQueue).messageCount < 1,
                ContinuousClock.now < deadline
            {
                try await Task.sleep(for: .milliseconds(200))
            }
            let replay = try await pipeline.tool(["dead", "replay", "--all"])
            #expect(replay.output.contains("kept P-OTHER: cannot be replayed: refused for who published it"))
            #expect(replay.output.contains("replayed 0 dead letters; 1 left"), "\(replay.output)\(replay.errors)")

            let dead = try await pipeline.drain(pipeline.topology.deadQueue)
            #expect(dead.map(\.properties.messageID) == ["P-OTHER"])
            #expect(
                dead.first?.properties.headers?["x-tact-error"]?.stringValue?.hasPrefix("creditor-mismatch") == true)
            #expect(dead.first?.properties.headers?["x-tact-user-id"]?.stringValue == creditor)
            let stats = try await pipeline.waitUntilSettled()
            #expect(stats.debtors == 1)
            let store = try SQLiteStore(path: pipeline.storePath)
            #expect(try await store.read { try $0.debtor("\(creditor)/D-P-OWN")?.creditorID } == creditor)
            try await pipeline.expectSound()
        }
    }

    /// With an `identity` section (several creditors), a creditor's user that publishes without `user_id` is
    /// refused (issue 12 saw one place and cease another creditor's debtor that way), and an operator acts for any.
    @Test func withAnIdentitySectionEveryIntakeMessageNeedsAnAllowedUser() async throws {
        let creditor = "creditor-\(UUID().uuidString.prefix(8).lowercased())"
        var settings = TactInstallation.Settings()
        settings.identityCreditors = [creditor: [creditor], "polbank": ["polbank"]]
        settings.identityOperators = ["guest"]
        try await TactInstallation(label: "id", settings: settings).tearingDown { pipeline in
            try pipeline.startScheduler()
            try pipeline.startWorkers(1)
            let connection = try await Self.connect(asCreditor: creditor, of: pipeline)
            func place(_ id: String, creditorID: String, userID: String?) async throws {
                try await Self.place(id, creditorID: creditorID, userID: userID, on: connection, of: pipeline)
            }
            try await place("P-OWN", creditorID: creditor, userID: creditor)
            try await place("P-BARE", creditorID: creditor, userID: nil)
            try await place("P-POLBANK", creditorID: "polbank", userID: nil)
            await connection.close()
            // An operator's tool publishes with its own user_id (tact place --with-user-id) and may act for anyone.
            let file = try pipeline.file(
                "ops.jsonl",
                String(
                    decoding: MessageCoding.encode(
                        Sample.placement("P-OPS", debtor: "D-OPS", debt: "C-OPS", zone: "UTC")), as: UTF8.self) + "\n")
            let ops = try await pipeline.tool(["place", file, "--with-user-id"])
            #expect(ops.status == 0, "\(ops.output)\(ops.errors)")
            // An operator's event about a debtor not placed yet is refused; once the debtor is there, the same
            // operator replays it, carrying the user_id the letter was published under.
            let early = try await pipeline.tool(["event", "--debtor", "D-LATER", "--kind", "hardship"])
            #expect(early.status == 0, "\(early.output)\(early.errors)")
            #expect(
                try await pipeline.messages(in: pipeline.topology.deadQueue, expected: 3, timeout: .seconds(30)) == 3)
            let later = try pipeline.file(
                "later.jsonl",
                String(
                    decoding: MessageCoding.encode(
                        Sample.placement("P-LATER", debtor: "D-LATER", debt: "C-LATER", zone: "UTC")), as: UTF8.self)
                    + "\n")
            #expect(try await pipeline.tool(["place", later]).status == 0)
            try await eventually("D-LATER placed", timeout: .seconds(30)) {
                try await pipeline.inspect { try $0.debtor("acme/D-LATER") } != nil
            }
            let replay = try await pipeline.tool(["dead", "replay", "--all"])
            #expect(replay.output.contains("replayed 1 dead letter"), "\(replay.output)\(replay.errors)")
            try await eventually("the replayed event applied", timeout: .seconds(30)) {
                try await pipeline.inspect { try $0.allHolds(ofDebtor: "acme/D-LATER") }.count == 1
            }

            let dead = try await pipeline.drain(pipeline.topology.deadQueue, quiet: .seconds(3))
            #expect(Set(dead.compactMap(\.properties.messageID)) == ["P-BARE", "P-POLBANK"])
            for letter in dead {
                #expect(
                    letter.properties.headers?["x-tact-error"]?.stringValue?.hasPrefix("identity: user_id:") == true)
            }
            let stats = try await pipeline.waitUntilSettled()
            #expect(stats.debtors == 3, "the creditor's own placement and the operator's two")
            let status = try await pipeline.tool(["status"])
            #expect(status.output.contains("identity") && status.output.contains("verified"), "\(status.output)")
            try await pipeline.expectSound()
        }
    }

    /// A broker user of its own for `creditor`, made as `scripts/broker add-creditor` does, and a connection as it.
    static func connect(asCreditor creditor: String, of pipeline: Pipeline) async throws -> AMQPConnection {
        let password = UUID().uuidString
        try await BrokerControl.addCreditor(creditor, password: password, prefix: pipeline.prefix)
        var amqp = try AMQPConfiguration(url: TestEnvironment.brokerURL)
        amqp.username = creditor
        amqp.password = password
        amqp.reconnect = .never
        return try await AMQPConnection.connect(amqp, logger: Logger(label: "test"))
    }

    /// Publishes a placement for `creditorID` to the intake, with `userID` if given.
    static func place(
        _ id: String, creditorID: String, userID: String?, on connection: AMQPConnection, of pipeline: Pipeline
    ) async throws {
        var placement = Sample.placement(id, debtor: "D-\(id)", debt: "C-\(id)", zone: "UTC")
        placement.creditorId = creditorID
        try await connection.publish(
            AMQPMessage(
                exchange: pipeline.topology.intakeExchange, routingKey: "placement",
                body: MessageCoding.encode(placement),
                properties: AMQPProperties(deliveryMode: .persistent, messageID: id, userID: userID)))
    }
}
