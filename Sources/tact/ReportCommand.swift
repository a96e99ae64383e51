import AMQP
import ArgumentParser
import Contract
import Domain
import Foundation
import Intake
import Logging
import Policy
import SchedulerCore
import Store
import TactConfig
import TactTools

/// `tact report`: what Tact has done — the contacts waiting in the reminder and call queues, and every task with
/// its state: emitted, deferred until when and why, or cancelled and why. Ids only, never personal data.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract:
            "Show the contacts in the output queues and every task: emitted, deferred (until when, why) or cancelled.")

    @Option(help: "First wait up to this many seconds for every due task to be decided.")
    var wait: Int = 0

    @Flag(help: "Take the contacts out of the reminder and call queues (as a gateway would) instead of counting them.")
    var drain = false

    @Option(help: "Show at most this many tasks (1–100000); the report says how many more there are.")
    var limit = 1_000

    @Option(help: "Continue after this task: the id the previous page ended with.")
    var after: String?

    @Option(help: "Only the tasks of this creditor's debtors.")
    var creditor: String?

    @Option(
        help: "Only this debtor's tasks: CREDITOR/DEBTOR, or the debtor's id (with --creditor when several have it).")
    var debtor: String?

    @Option(
        name: .customLong("state"), help: "Only tasks in this state: pending, in-flight, done, cancelled (repeatable).")
    var states: [String] = []

    @OptionGroup var options: ServiceOptions

    func validate() throws {
        guard (1...100_000).contains(limit) else { throw ValidationError("--limit must be between 1 and 100000") }
        for state in states where TaskRecord.Status(rawValue: state) == nil {
            throw ValidationError("--state must be one of pending, in-flight, done, cancelled")
        }
        // Draining takes every contact from the output queues, whoever it is for: not one page's, not one creditor's.
        if drain, after != nil || creditor != nil || debtor != nil || !states.isEmpty {
            throw ValidationError(
                "--drain takes every contact: give it without --after, --creditor, --debtor or --state")
        }
    }

    func run() async throws {
        do {
            let environment = try ServiceEnvironment(options)
            let store = try SQLiteStore(path: environment.configuration.storePath)
            if wait > 0 { try await settle(store, seconds: wait) }
            let now = Instant(Date())
            // A debtor no case answers to lists nothing.
            var debtorKey: String?
            if let debtor { debtorKey = try await CaseName.key(debtor, creditor: creditor, in: store) ?? debtor }
            let query = TaskQuery(
                statuses: Set(states.compactMap(TaskRecord.Status.init(rawValue:))), creditorID: creditor,
                debtorID: debtorKey)
            let (after, limit) = (self.after, self.limit)
            let page = try await store.inspect { store -> (tasks: [TaskRecord], remaining: Int)? in
                if let after, try store.task(after) == nil { return nil }
                let tasks = try store.tasks(query, after: after, limit: limit)
                return (tasks, try store.countTasks(query, after: tasks.last?.id ?? after))
            }
            guard let page else { throw ReportError("--after: no task with this id") }
            let tasks = page.tasks
            let debtors = try await store.read { store in
                try Dictionary(
                    uniqueKeysWithValues: Set(tasks.map(\.debtorID)).compactMap { id in
                        try store.debtor(id).map { (id, $0) }
                    })
            }
            let decisions = try await store.read { store in
                try Dictionary(uniqueKeysWithValues: debtors.keys.map { ($0, try store.decisions(ofDebtor: $0)) })
            }
            let topology = TactTopology(prefix: environment.configuration.exchangePrefix)
            let queues =
                [Channel.sms, .email, .letter].map(topology.reminderQueue)
                + Set([nil] + debtors.values.map(\.specialistID)).sorted { ($0 ?? "") < ($1 ?? "") }.map {
                    topology.callQueue(specialist: $0)
                }
            // The output queues once, with the first page.
            if self.after == nil { try await printQueues(queues, environment: environment) }
            print("\nTasks at \(now):")
            for task in tasks.sorted(by: {
                ($0.debtorID, $0.dueAt.secondsSinceEpoch) < ($1.debtorID, $1.dueAt.secondsSinceEpoch)
            }) {
                let last = decisions[task.debtorID]?.last { $0.taskID == task.id }
                print(describe(task, debtor: debtors[task.debtorID], lastDecision: last))
            }
            print(pageSummary(shown: tasks.count, remaining: page.remaining, last: tasks.last?.id))
        } catch let error as ReportError {
            throw fail("report", error, code: 2)
        } catch {
            throw fail("report", error)
        }
    }

    /// How much of the listing was shown, and how to see the rest: a report never stops silently.
    private func pageSummary(shown: Int, remaining: Int, last: String?) -> String {
        let tasks = "\(shown) task\(shown == 1 ? "" : "s") shown"
        guard remaining > 0, let last else { return "\n\(tasks); no more." }
        var next = ["tact report", "--after '\(last)'"]
        if limit != 1_000 { next.append("--limit \(limit)") }
        if let creditor { next.append("--creditor '\(creditor)'") }
        if let debtor { next.append("--debtor '\(debtor)'") }
        next += states.map { "--state \($0)" }
        return "\n\(tasks); \(remaining) more: \(next.joined(separator: " "))"
    }

    private func settle(_ store: SQLiteStore, seconds: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        var previous: StoreStatistics?
        while ContinuousClock.now < deadline {
            let stats = try await store.read { try $0.statistics(at: Instant(Date())) }
            let quiet =
                (stats.tasksByStatus[.inFlight] ?? 0) == 0 && stats.dueNotPublished == 0 && stats.outboxDepth == 0
            if quiet && stats == previous && (stats.tasksByStatus.values.reduce(0, +)) > 0 { return }
            previous = stats
            try await Task.sleep(for: .seconds(1))
        }
    }

    private func printQueues(_ queues: [String], environment: ServiceEnvironment) async throws {
        let connection = try await AMQPConnection.connect(
            try environment.amqp(connectionName: "tact-report"), logger: Logger(label: "tact"))
        print(drain ? "Contacts taken from the output queues:" : "Contacts waiting in the output queues:")
        for queue in queues {
            guard let state = try? await connection.queueState(queue) else { continue }
            guard drain else {
                print("  \(queue): \(state.messageCount)")
                continue
            }
            guard state.messageCount > 0 else { continue }
            let consumer = try await connection.consume(queue: queue, prefetch: 200)
            var taken = 0
            while taken < state.messageCount {
                for delivery in try await consumer.next(upTo: 200) {
                    print("  \(queue)  \(summary(delivery.body))")
                    try delivery.ack()
                    taken += 1
                }
            }
            try await consumer.cancel()
        }
        await connection.close()
    }

    /// Ids, purpose and window of a reminder or call; never the address or name it carries.
    private func summary(_ body: [UInt8]) -> String {
        if let call = try? MessageCoding.decode(Call.self, from: body) {
            return "call \(call.purpose) task \(call.taskId) debtor \(call.debtorId) tone \(call.context.tone) "
                + "valid until \(call.validUntil.map(\.description) ?? "-")"
        }
        if let reminder = try? MessageCoding.decode(Reminder.self, from: body) {
            return
                "\(reminder.channel.rawValue) \(reminder.template) task \(reminder.taskId) debtor \(reminder.debtorId) "
                + "valid until \(reminder.validUntil.map(\.description) ?? "-")"
        }
        return "(\(body.count) bytes, not a reminder or call)"
    }

    private func describe(_ task: TaskRecord, debtor: DebtorRecord?, lastDecision: DecisionRecord?) -> String {
        let head = "  \(task.debtorID) \(task.channel.rawValue) \(task.purpose) [\(debtor?.rulebook ?? "?")]:"
        switch task.status {
        case .done:
            return "\(head) emitted\(task.closedReason == .reachedRepresentative ? " to the representative" : "")"
        case .cancelled:
            return "\(head) cancelled (\(task.closedReason?.description ?? "-"))"
        case .inFlight:
            return "\(head) being decided (attempt \(task.attempts))"
        case .taken:
            return
                "\(head) taken by \(task.takenBy ?? "unknown"), outcome due \(task.leaseUntil.map(\.description) ?? "-")"
        case .pending:
            let local = debtor?.timeZones.first.map { " (\(LocalDay.describe(task.dueAt, inZone: $0)))" } ?? ""
            // A superseded decision did not move the task: it was recalled, to be decided again on what Tact knows now.
            let recalled = lastDecision?.isSuperseded ?? false
            let why =
                recalled
                ? nil
                : lastDecision.map { decision in
                    decision.reasons.map { "\($0.rule): \($0.detail)" }.joined(separator: "; ")
                }
            // Never decided yet: the cadence planned it for then; otherwise the policy deferred it.
            let verb =
                task.attempts == 0 ? "planned for" : recalled ? "recalled, to be decided again at" : "deferred until"
            return "\(head) \(verb) \(task.dueAt)\(local)" + (why.map { "\n      because \($0)" } ?? "")
        }
    }
}

/// A report that cannot be made, in one line.
struct ReportError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
