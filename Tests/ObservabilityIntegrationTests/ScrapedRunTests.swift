import AMQP
import Contract
import Domain
import Foundation
import Observability
import Policy
import Store
import TactTestKit
import Testing

/// `/metrics` scraped from real `tact scheduler` and `tact worker` processes, and `tact status` run beside them.
@Suite("Metrics and status of a real run", .serialized, .enabled(if: TestEnvironment.hasBroker))
struct ScrapedRunTests {
    @Test("the counters scraped from the scheduler and two workers match what the store recorded")
    func countersMatchTheStore() async throws {
        try await TactRun.with { run in
            let schedulerPort = try run.serve("scheduler")
            let workerPorts = [try run.serve("worker"), try run.serve("worker")]
            for port in [schedulerPort] + workerPorts { try await run.waitUntilReady(port: port) }
            // Three debtors inside their contact window (contacts go out), three outside (deferred); one with a
            // specialist of their own.
            try await run.place(
                (1...6).map { Debtors.placement($0, localHour: $0 <= 3 ? 12 : 3, specialist: $0 == 1 ? "anna" : nil) })
            try await run.waitUntilSettled(timeout: .seconds(90), debtors: true)

            var workers: [PrometheusSamples] = []
            for port in workerPorts {
                workers.append(PrometheusSamples(try await run.scrape("/metrics", port: port).body))
            }
            let scheduler = PrometheusSamples(try await run.scrape("/metrics", port: schedulerPort).body)
            let (decisions, tasks) = try await run.inspect { store in
                let tasks = try store.tasks(statuses: [], limit: 10_000)
                let decisions = try Set(tasks.map(\.debtorID)).sorted().flatMap { try store.decisions(ofDebtor: $0) }
                return (decisions, tasks)
            }

            // Decisions by kind and rule, across both workers, equal the audit trail.
            var recorded: [String: Double] = [:]
            for decision in decisions {
                let rule = decision.reasons.first?.rule.rawValue ?? "none"
                recorded[
                    #"tact_decisions_total{decision="\#(decision.decision.rawValue)",rule="\#(rule)"}"#, default: 0] +=
                    1
            }
            var counted: [String: Double] = [:]
            for samples in workers {
                for (series, value) in samples.values where series.hasPrefix("tact_decisions_total{") && value > 0 {
                    counted[series, default: 0] += value
                }
            }
            #expect(counted == recorded)
            #expect(recorded.keys.contains { $0.contains(#"decision="allow""#) })
            #expect(recorded.keys.contains { $0.contains(#"decision="defer",rule="contact-hours""#) })

            // Contacts by channel, published by the scheduler, equal what waits in the reminder and call queues.
            for channel in Channel.allCases {
                let queues =
                    channel == .call
                    ? [run.topology.callQueue(specialist: nil), run.topology.callQueue(specialist: "anna")]
                    : [run.topology.reminderQueue(channel)]
                var waiting = 0
                for queue in queues { waiting += Int(try await run.connection.queueState(queue).messageCount) }
                #expect(
                    scheduler[#"tact_contacts_emitted_total{channel="\#(channel.rawValue)"}"#] == Double(waiting),
                    "\(channel)")
            }

            // The scheduler: every placement and decision applied, every hand-out counted, nothing refused.
            #expect(scheduler[#"tact_input_messages_total{input="intake"}"#] == 6)
            #expect(scheduler[#"tact_input_messages_total{input="decisions"}"#] == Double(decisions.count))
            #expect(scheduler["tact_tasks_handed_out_total"] == Double(tasks.map(\.attempts).reduce(0, +)))
            #expect(scheduler.total("tact_dead_letters_total") == 0)
            #expect(scheduler["tact_store_writable"] == 1)
            #expect((scheduler[#"tact_publish_confirm_seconds_count{batch="outbox"}"#] ?? 0) > 0)
            for samples in [scheduler] + workers {
                #expect(samples["tact_broker_connected"] == 1)
                #expect(samples.total("tact_redeliveries_total") == 0)
            }
            #expect(workers.allSatisfy { ($0[#"tact_consumer_busy_seconds_total{lane="tasks"}"#] ?? 0) > 0 })
            #expect(workers.map { $0[#"tact_publish_confirm_seconds_count{batch="decisions"}"#] ?? 0 }.reduce(0, +) > 0)
            // The backlog gauges come from the store every few seconds: settled, nothing is due or in flight.
            try await Task.sleep(for: .seconds(6))
            let later = PrometheusSamples(try await run.scrape("/metrics", port: schedulerPort).body)
            #expect(later["tact_due_tasks"] == 0 && later["tact_tasks_in_flight"] == 0)
            #expect(later["tact_due_task_lag_seconds"] == 0)
            #expect(later[#"tact_consumer_lanes{lane="intake"}"#] == 1)

            try await statusShowsTheRun(run, deferred: decisions.filter { $0.decision == .defer }.count)
        }
    }

    /// `tact status` as text, as JSON, and with `--watch` into a file, beside the running services.
    private func statusShowsTheRun(_ run: TactRun, deferred: Int) async throws {
        let text = try await run.tact(["status"], merged: true)
        #expect(text.status == 0, "\(text.output)")
        #expect(text.output.contains("running (1 consumer on \(run.topology.intakeQueue))"))
        #expect(text.output.contains("4 consumers on \(run.topology.tasksQueue)"))
        #expect(text.output.contains("2 decided in the last 5 minutes"))
        #expect(text.output.contains(run.topology.callQueue(specialist: "anna")))
        #expect(text.output.contains(run.topology.deadQueue))
        #expect(!text.output.contains("Name 1") && !text.output.contains("@example.com"))

        let json = try await run.tact(["status", "--json"], merged: true)
        #expect(json.status == 0)
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any], "\(json.output)")
        let broker = try #require(document["broker"] as? [String: Any])
        let store = try #require(document["store"] as? [String: Any])
        #expect(broker["workerConsumers"] as? Int == 4)
        #expect(broker["schedulerConsumers"] as? Int == 1)
        #expect((store["workers"] as? [Any])?.count == 2)
        let reasons = try #require(store["pendingReasons"] as? [String: Any])
        let byRule = try #require(reasons["deferredByRule"] as? [String: Int])
        #expect(byRule.values.reduce(0, +) == deferred)

        let watched = try await run.tact(["status", "--watch", "1"], interruptAfter: .milliseconds(2500))
        #expect(watched.components(separatedBy: "Tact status at").count - 1 >= 2)
        #expect(!watched.contains("\u{1B}[2J"))
    }

    @Test("with no worker running, the backlog gauges show the tasks in flight and those waiting behind them")
    func backlogWithoutWorkers() async throws {
        try await TactRun.with { run in
            let schedulerPort = try run.serve("scheduler")
            try await run.waitUntilReady(port: schedulerPort)
            // Each placement plans two contacts due now; one per debtor goes out, the other waits for it.
            try await run.place((1...3).map { Debtors.placement($0, localHour: 12) })
            let deadline = ContinuousClock.now + .seconds(30)
            var samples = PrometheusSamples("")
            repeat {
                try await Task.sleep(for: .seconds(1))
                samples = PrometheusSamples(try await run.scrape("/metrics", port: schedulerPort).body)
            } while samples["tact_tasks_in_flight"] != 3 && ContinuousClock.now < deadline
            #expect(samples["tact_tasks_in_flight"] == 3)
            #expect(samples["tact_due_tasks"] == 3)
            #expect((samples["tact_tasks_handed_out_total"] ?? 0) >= 3, "again after each lease of 5 s")
            // Nothing is ready to hand out (each debtor has a task in flight), so nothing lags.
            #expect(samples["tact_due_task_lag_seconds"] == 0)
        }
    }

    @Test("tact status with the broker down and no store yet: one clear line for each, exit status 1")
    func statusWithNothingRunning() async throws {
        try await TactRun.with(checkStatusWithNothingRunning)
    }

    private func checkStatusWithNothingRunning(_ run: TactRun) async throws {
        let down = ["TACT_AMQP_URL": "amqp://guest:guest@127.0.0.1:\(try HTTPTestClient.freePort())/"]
        let text = try await run.tact(["status"], environment: down, merged: true)
        #expect(text.status == 1)
        #expect(text.output.contains("Broker: not reachable: AMQP connectionFailed"))
        #expect(text.output.contains("Store: cannot be read:") && text.output.contains("no store here yet"))
        #expect(text.output.contains("unknown: the broker is not reachable"))
        #expect(!text.output.contains("Fatal error") && !text.output.contains("Stack dump"))
        #expect(!text.output.contains("guest:guest"))

        let json = try await run.tact(["status", "--json"], environment: down, merged: true)
        #expect(json.status == 1)
        let document = try #require(
            try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [String: Any], "\(json.output)")
        #expect(document["brokerError"] is String && document["storeError"] is String)
        #expect(document["broker"] == nil && document["store"] == nil)

        // The broker up but the store not created yet: the queues still show.
        let noStore = try await run.tact(["status"], merged: true)
        #expect(noStore.status == 1)
        #expect(noStore.output.contains(run.topology.tasksQueue) && noStore.output.contains("no store here yet"))

        // A command line that does not parse is one line and status 2, like any other bad input.
        for arguments in [["status", "3"], ["status", "--watch", "abc"], ["status", "--watch", "0"]] {
            let bad = try await run.tact(arguments, merged: true)
            #expect(bad.status == 2, "\(arguments)")
            #expect(bad.output.split(separator: "\n").count == 1 && bad.output.hasPrefix("tact status: error: "))
        }
    }

    @Test("a worker asked for a metrics port another process holds stops at once with a clear line")
    func takenPort() async throws {
        try await TactRun.with { run in
            let holder = try OperatorEndpoint(registry: MetricsRegistry(), health: Health()).serve(port: 0)
            defer { holder.stop() }
            let worker = try await run.tact(["worker", "--metrics-port", String(holder.port)], merged: true)
            #expect(worker.status == 1)
            #expect(worker.output.contains("tact worker: error: metrics endpoint: port-in-use: port \(holder.port)"))
        }
    }
}
