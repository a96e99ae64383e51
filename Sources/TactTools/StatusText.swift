import Contract
import Domain
import Policy
import Store

/// `tact status` as text: one screen, ids and counts only.
package enum StatusText {
    package static func render(_ snapshot: StatusSnapshot) -> String {
        var lines = ["Tact status at \(snapshot.at) (prefix \(snapshot.prefix))", ""]
        if let error = snapshot.brokerError { lines.append("Broker: not reachable: \(error)") }
        if let error = snapshot.storeError { lines.append("Store: cannot be read: \(error)") }
        if snapshot.brokerError != nil || snapshot.storeError != nil { lines.append("") }
        lines += processes(snapshot) + [""]
        if let broker = snapshot.broker { lines += queues(broker) + [""] }
        if let store = snapshot.store { lines += tasks(store, deadLetters: snapshot.broker?.deadLetters) }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func processes(_ snapshot: StatusSnapshot) -> [String] {
        var lines = ["Processes"]
        let topology = TactTopology(prefix: snapshot.prefix)
        if let broker = snapshot.broker {
            let scheduler = broker.schedulerConsumers ?? 0
            lines.append(
                row(
                    "scheduler",
                    scheduler > 0
                        ? "running (\(plural(scheduler, "consumer")) on \(topology.intakeQueue))"
                        : "not running (no consumer on \(topology.intakeQueue))"))
            let lanes = plural(broker.workerConsumers ?? 0, "consumer")
            lines.append(row("worker lanes", "\(lanes) on \(topology.tasksQueue)"))
        } else {
            lines.append(row("scheduler, workers", "unknown: the broker is not reachable"))
        }
        if let identity = snapshot.identity { lines.append(row("identity", identity)) }
        if let store = snapshot.store {
            let minutes = StatusSnapshot.workerWindow / 60
            lines.append(row("workers seen", "\(store.workers.count) decided in the last \(minutes) minutes"))
            for worker in store.workers {
                let ago = snapshot.at.secondsSinceEpoch - worker.lastDecidedAt.secondsSinceEpoch
                lines.append(
                    "    \(pad(worker.worker, 28)) \(plural(worker.decisions, "decision")), last \(duration(ago)) ago")
            }
        }
        return lines
    }

    private static func queues(_ broker: StatusSnapshot.BrokerView) -> [String] {
        let width = max(28, broker.queues.map(\.name.count).max() ?? 0)
        var lines = ["Queues" + String(repeating: " ", count: width - 4) + "   ready  consumers"]
        for queue in broker.queues {
            guard let messages = queue.messages, let consumers = queue.consumers else {
                lines.append("  \(pad(queue.name, width))       -          -  (not declared yet)")
                continue
            }
            lines.append("  \(pad(queue.name, width)) \(count(messages, 7)) \(count(consumers, 10))")
        }
        return lines
    }

    private static func tasks(_ store: StatusSnapshot.StoreView, deadLetters: Int?) -> [String] {
        let backlog = store.backlog
        var lines = ["Tasks"]
        let oldest = backlog.ready > 0 ? ", oldest waiting \(duration(store.lagSeconds))" : ""
        let detail = backlog.due > 0 ? "  (ready now \(backlog.ready)\(oldest))" : ""
        lines.append(row("due, not handed out", count(backlog.due, 7) + detail))
        lines.append(row("in flight", count(backlog.inFlight, 7)))
        let overdue = backlog.takenOverdue > 0 ? "  (outcome overdue \(backlog.takenOverdue): returning)" : ""
        lines.append(row("taken or claimed, no outcome", count(backlog.taken, 7) + overdue))
        lines.append(row("outbox, to publish", count(store.outbox, 7)))
        if store.unconfirmedClaims > 0 {
            lines.append(
                row(
                    "claims unconfirmed",
                    count(store.unconfirmedClaims, 7) + "  (may or may not have been sent; not again)"
                ))
        }
        if store.lateValidationNotices > 0 {
            lines.append(
                row(
                    "validation notices late",
                    count(store.lateValidationNotices, 7) + "  (not delivered within the rulebook's days)"))
        }
        if store.givenUp > 0 {
            lines.append(
                row(
                    "given up, no decision", count(store.givenUp, 7) + "  (tact report --state cancelled; tact explain)"
                ))
        }
        lines.append(row("pending", count(store.pending.map(\.tasks).reduce(0, +), 7)))
        for window in store.pending { lines.append(row("  " + window.label, count(window.tasks, 7))) }
        let deferred = store.pendingReasons.deferredByRule.sorted { ($1.value, $0.key) < ($0.value, $1.key) }
        lines.append(row("deferred, by rule", count(deferred.map(\.value).reduce(0, +), 7)))
        for (rule, tasks) in deferred { lines.append(row("  " + rule, count(tasks, 7))) }
        if store.pendingReasons.returned > 0 {
            lines.append(row("back after expiring", count(store.pendingReasons.returned, 7)))
        }
        if let deadLetters { lines.append(row("dead letters", "\(count(deadLetters, 7))  (tact dead list)")) }
        return lines
    }

    // MARK: Formatting

    private static func row(_ label: String, _ value: String) -> String { "  \(pad(label, 22)) \(value)" }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    private static func count(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }

    private static func plural(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

    /// `42 s`, `5 min`, `3 h`, `2 d`.
    package static func duration(_ seconds: Int64) -> String {
        switch seconds {
        case ..<120: "\(max(0, seconds)) s"
        case ..<7200: "\(seconds / 60) min"
        case ..<172_800: "\(seconds / 3600) h"
        default: "\(seconds / 86_400) d"
        }
    }
}
