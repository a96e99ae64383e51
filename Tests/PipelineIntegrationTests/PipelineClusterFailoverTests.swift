import AMQP
import Contract
import Domain
import Foundation
import Store
import TactTestKit
import Testing

/// Issue 14: Tact on a three-node RabbitMQ cluster under a steady load of placements, when the node its scheduler and
/// workers are connected to stops. Runs alone (scripts/test): three brokers of its own.
@Suite("Pipeline: a cluster node stops", .enabled(if: TestEnvironment.hasBroker), .timeLimit(.minutes(8)))
struct PipelineClusterFailoverTests {
    @Test func theProcessesCarryOnThroughAnotherNodeAndNothingIsLost() async throws {
        try await BrokerCluster.with(nodes: 3) { cluster in
            var settings = TactInstallation.Settings()
            // The topology, the call queue (classic, on one node) among it, is declared on node 0; the scheduler and
            // workers connect to node 1 first. Node 1 stops: they carry on through node 2, and the quorum queues
            // (input, tasks, reminders) lose nothing; the call queue's node stays up (see docs/operations.md for
            // what its loss means).
            settings.brokerURL = cluster.urls(order: [0, 1, 2])
            settings.servicesBrokerURL = cluster.urls(order: [1, 2, 0])
            settings.dispatchBatch = 100
            try await TactInstallation(label: "t", settings: settings).tearingDown { pipeline in
                try pipeline.startScheduler()
                try pipeline.startWorkers(2)
                let open = Sample.zone(localHour: 13)
                func place(_ range: ClosedRange<Int>) async throws {
                    try await pipeline.place(
                        range.map {
                            Sample.placement(
                                "P-\($0)", debtor: "D-\($0)", debt: "C-\($0)", zone: open, email: "d\($0)@example.com")
                        })
                }
                // A steady load: batches before, while and after the node stops.
                try await place(1...100)
                let load = Task {
                    for batch in 0..<8 {
                        try await place((101 + batch * 25)...(125 + batch * 25))
                        try await Task.sleep(for: .milliseconds(400))
                    }
                }
                try await Task.sleep(for: .seconds(1))
                try await cluster.stopNode(1)
                try await load.value
                try await place(301...350)

                let stats = try await pipeline.waitUntilSettled(timeout: .seconds(180))
                // Every placement's e-mail notice and first call went out, once each.
                #expect(stats.tasksByStatus[.done] == 700, "\(stats)")
                let emails = try await pipeline.drain(pipeline.topology.reminderQueue(.email))
                let calls = try await pipeline.drain(pipeline.topology.callQueue(specialist: nil))
                let emailIDs = Set(emails.compactMap(\.properties.messageID))
                let callIDs = Set(calls.compactMap(\.properties.messageID))
                #expect(emailIDs.count == 350 && callIDs.count == 350)
                #expect(emailIDs == Set((1...350).map { "acme/P-\($0)/first-notice" }))
                #expect(try await pipeline.connection.queueState(pipeline.topology.deadQueue).messageCount == 0)
                #expect(try pipeline.logs().contains("Reconnected"), "the processes failed over")
                try await pipeline.expectSound()
            }
        }
    }
}
