import AMQP
import ArgumentParser
import Contract
import Foundation
import Logging
import Policy
import TactConfig

/// `tact next --specialist ID`: take the next call from the specialist's queue, after checking the policy again at
/// this very moment; print what the specialist should know to make the call kindly.
struct NextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next",
        abstract: "Take the next call for a specialist, re-checking the policy now, and show its context.",
        discussion: """
            The policy is evaluated again, now, on the snapshot the call carries (holds, opt-outs and contacts as \
            they were when it was queued): a call whose window has closed since, or that the rules no longer \
            permit at this hour, is given back and goes to the scheduler, which plans it again with what it knows \
            now; the next one is offered. Record what happened with `tact outcome TASK --result …`. \
            Broker: TACT_AMQP_URL.
            """)

    @Option(help: "The specialist's id (their queue is tact.calls.<id>); `pool` for the shared queue.")
    var specialist: String

    @Option(help: "Seconds to wait for a call before saying there is none.")
    var wait: Int = 3

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        do {
            let environment = try ServiceEnvironment(options)
            let engines = try environment.rulebooks.mapValues { try PolicyEngine(rulebook: $0) }
            let topology = TactTopology(prefix: environment.configuration.exchangePrefix)
            let connection = try await AMQPConnection.connect(
                try environment.amqp(connectionName: "tact-next \(specialist)"), logger: Logger(label: "tact"))
            defer { Task { await connection.close() } }
            let queue = topology.callQueue(specialist: specialist == "pool" ? nil : specialist)
            try await connection.declare(
                AMQPTopology(queues: [topology.callQueueDeclaration(specialist: specialist == "pool" ? nil : specialist)]))
            let consumer = try await connection.consume(queue: queue, prefetch: 1)
            while true {
                guard let delivery = try await nextDelivery(consumer) else {
                    print("No call is waiting for \(specialist).")
                    break
                }
                guard let call = try? MessageCoding.decode(Call.self, from: delivery.body) else {
                    try delivery.reject(requeue: false)
                    print("Gave back an unreadable message (id \(delivery.properties.messageID ?? "-")).")
                    continue
                }
                let now = Instant(Date())
                if let refusal = recheck(call, engines: engines, at: now) {
                    try delivery.reject(requeue: false)
                    print("Not now: call \(call.taskId) for \(call.debtorId) — \(refusal). Given back to be planned again.")
                    continue
                }
                try delivery.ack()
                try TakenCalls.remember(call)
                print(CallCard(call: call, priority: delivery.properties.priority, now: now).text)
                break
            }
            try await consumer.cancel()
        } catch let error as ExitCode {
            throw error
        } catch {
            throw fail("next", error)
        }
    }

    private func nextDelivery(_ consumer: AMQPConsumer) async throws -> AMQPDelivery? {
        let first = try await consumer.next(upTo: 1, timeout: .seconds(wait)).first
        if first == nil { consumer.requestCancel() }
        return first
    }

    /// Why the call may not be made now, or `nil` if it may.
    private func recheck(_ call: Call, engines: [String: PolicyEngine], at now: Instant) -> String? {
        if let validUntil = call.validUntil, validUntil <= now { return "its window closed at \(validUntil)" }
        guard let snapshot = call.context.policy, let engine = engines[snapshot.rulebook] else { return nil }
        let decision = engine.evaluate(
            PolicyRequest(
                now: now, contact: Contact(channel: .call, debtId: call.debtId), debtor: snapshot.debtor,
                history: snapshot.history))
        guard decision.decision != .allow else { return nil }
        let reasons = decision.reasons.map { "\($0.rule)" }.joined(separator: ", ")
        return "\(decision.decision.rawValue)\(decision.earliest.map { " until \($0)" } ?? "") (\(reasons))"
    }
}
