import AMQP
import ArgumentParser
import Contract
import Domain
import Foundation
import Intake
import Logging
import Messaging
import Policy
import TactConfig
import TactTools

/// `tact next --specialist ID`: take the next call from the specialist's queue, after checking the policy again at
/// this very moment; print what the specialist should know to make the call kindly.
struct NextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "next",
        abstract: "Take the next call for a specialist, re-checking the policy now, and show its context.",
        discussion: """
            Before the call is shown, the scheduler is asked whether it may still be made and for the debtor's \
            holds, opt-outs and contacts as it knows them now (a call may wait for hours, and a cease, a death in \
            the family or a conversation may have been recorded since); the policy is then evaluated on that, now. \
            A call that may no longer be made is given back and goes to the scheduler, which plans it again with \
            what it knows; the next one is offered. If the scheduler does not answer, the call stays queued and \
            nothing is shown. The call shown is recorded as taken by the specialist; record what happened with \
            `tact outcome TASK --result …` before the time the card gives, or the call returns to be planned again. \
            When the specialist's own queue holds no call that may be made, the next one is taken from the pool \
            (specialists.poolFallback in tact.yaml, or --pool / --no-pool), and the card says so. The specialist \
            must be on the roster. Broker: TACT_AMQP_URL.
            """)

    @Option(
        help: "The specialist's id, on the roster (their queue is tact.calls.<id>); `pool` for the shared queue.")
    var specialist: String

    @Option(help: "Seconds to wait for a call in each queue before saying there is none.")
    var wait: Int = 3

    @Flag(
        inversion: .prefixedNo,
        help: """
            Take a call from the pool when the specialist's own queue is empty (default: specialists.poolFallback \
            in tact.yaml, on unless set off).
            """)
    var pool: Bool?

    @Option(help: "Seconds to wait for the scheduler's check of a call before giving it back.")
    var checkTimeout: Int = 10

    @OptionGroup var options: ServiceOptions

    func validate() throws {
        guard (1...300).contains(checkTimeout) else { throw ValidationError("--check-timeout must be 1–300 seconds") }
    }

    func run() async throws {
        do {
            let environment = try ServiceEnvironment(options)
            // Before the broker: a typo must not declare a queue nobody will ever read.
            if specialist != "pool" {
                do {
                    try await SpecialistRoster.read(environment.configuration).require(specialist)
                } catch {
                    throw fail("next", error, code: 2)
                }
            }
            let engines = try environment.rulebooks.mapValues { try PolicyEngine(rulebook: $0) }
            let topology = TactTopology(prefix: environment.configuration.exchangePrefix)
            let connection = try await AMQPConnection.connect(
                try environment.amqp(connectionName: "tact-next \(specialist)"), logger: Logger(label: "tact"))
            // Closed before the process exits, so that the acknowledgement of the call taken reaches the broker.
            do {
                let checker = try await CallChecker(
                    connection: connection, topology: topology, timeout: .seconds(checkTimeout))
                let desk = Desk(connection: connection, topology: topology, checker: checker, engines: engines)
                // Their own queue first; then, unless told otherwise, the shared one (`nil`).
                let own: String? = specialist == "pool" ? nil : specialist
                let fallback = own != nil && (pool ?? environment.configuration.specialists.poolFallback)
                if try await take(from: own, at: desk) {
                    await connection.close()
                    return
                }
                if fallback, try await take(from: nil, at: desk) {
                    await connection.close()
                    return
                }
                print("No call is waiting for \(specialist)\(fallback ? ", nor in the pool" : "").")
                await connection.close()
            } catch {
                await connection.close()
                throw error
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            throw fail("next", error)
        }
    }

    /// What taking a call needs: the broker, the scheduler's check, the rulebooks.
    private struct Desk {
        let connection: AMQPConnection
        let topology: TactTopology
        let checker: CallChecker
        let engines: [String: PolicyEngine]
    }

    /// Offers the calls of `queue`'s specialist (`nil`: the pool) until one may be made, and shows it; `false` when
    /// the queue held none that may.
    private func take(from queue: String?, at desk: Desk) async throws -> Bool {
        try await desk.connection.declare(
            AMQPTopology(queues: [desk.topology.callQueueDeclaration(specialist: queue)]))
        let consumer = try await desk.connection.consume(
            queue: desk.topology.callQueue(specialist: queue), prefetch: 1)
        while let delivery = try await nextDelivery(consumer) {
            guard let call = try? MessageCoding.decode(Call.self, from: delivery.body) else {
                try delivery.reject(requeue: false)
                print("Gave back an unreadable message (id \(delivery.properties.messageID ?? "-")).")
                continue
            }
            var now = Instant(Date())
            if let validUntil = call.validUntil, validUntil <= now {
                try delivery.reject(requeue: false)
                print(
                    "Not now: call \(call.taskId) for \(call.debtorId) — its window closed at \(validUntil). Given back to be planned again."
                )
                continue
            }
            guard let reply = try await desk.checker.check(call, takenBy: specialist) else {
                try delivery.reject(requeue: true)
                throw fail(
                    "next",
                    CallCheckError(
                        code: "no-answer",
                        "the scheduler did not answer within \(checkTimeout) s; the call stays queued (is tact scheduler running?)"
                    ))
            }
            now = Instant(Date())
            if let refusal = Self.refusal(of: call, reply, engines: desk.engines, at: now) {
                try delivery.reject(requeue: false)
                // The policy's refusal plans the task again; the scheduler's means this copy is not wanted.
                let after = reply.refusal == nil ? "Given back to be planned again." : "Given back to the scheduler."
                print("Not now: call \(call.taskId) for \(call.debtorId) — \(refusal). \(after)")
                continue
            }
            try delivery.ack()
            try TakenCalls.remember(call)
            print(
                CallCard(
                    call: Self.refreshed(call, with: reply), priority: delivery.properties.priority, now: now,
                    outcomeDue: reply.outcomeDue, fromPoolFor: queue == nil && specialist != "pool" ? specialist : nil
                ).text)
            try await consumer.cancel()
            return true
        }
        try await consumer.cancel()
        return false
    }

    private func nextDelivery(_ consumer: AMQPConsumer) async throws -> AMQPDelivery? {
        let first = try await consumer.next(upTo: 1, timeout: .seconds(wait)).first
        if first == nil { consumer.requestCancel() }
        return first
    }

    /// Why the call may not be made now, or `nil` if it may: the scheduler's refusal, or the policy's decision on
    /// the debtor as the scheduler knows them now. A call to a representative is made when the policy redirects.
    static func refusal(of call: Call, _ reply: CallCheckReply, engines: [String: PolicyEngine], at now: Instant)
        -> String?
    {
        if let refusal = reply.refusal { return refusal }
        guard let snapshot = reply.policy else { return "no snapshot" }
        guard let engine = engines[snapshot.rulebook] else { return "this tact has no rulebook \(snapshot.rulebook)" }
        let decision = engine.evaluate(
            PolicyRequest(
                now: now, contact: Contact(channel: .call, debtId: call.debtId), debtor: snapshot.debtor,
                history: snapshot.history))
        let wanted: PolicyDecision.Kind = call.contactPurpose?.addressee == .representative ? .redirect : .allow
        guard decision.decision != wanted else { return nil }
        let reasons = decision.reasons.map { "\($0.rule)" }.joined(separator: ", ")
        return "\(decision.decision.rawValue)\(decision.earliest.map { " until \($0)" } ?? "") (\(reasons))"
    }

    /// The call as the specialist should see it: holds and recent contacts as they are now.
    static func refreshed(_ call: Call, with reply: CallCheckReply) -> Call {
        guard let snapshot = reply.policy else { return call }
        var call = call
        call.context.holds = snapshot.debtor.holds
        call.context.recentContacts = snapshot.history
        call.context.policy = snapshot
        return call
    }
}
