import ArgumentParser
import Contract
import Domain
import Foundation
import Intake
import Policy
import TactConfig
import TactTools

/// `tact outcome TASK --result …`: report what happened on a contact, as a specialist or a gateway would.
struct OutcomeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outcome",
        abstract: "Record what happened on a contact (after `tact next`, or for any task with --debtor/--debt).",
        discussion: """
            Results: \(Outcome.Result.allCases.map(\.rawValue).joined(separator: ", ")). \
            A promise: --promise 50.00@2026-12-10. A survey answer: --result survey-response --score 1…5 [--comment]. \
            Broker: TACT_AMQP_URL.
            """)

    @Argument(help: "The task id (the call's or reminder's taskId).") var task: String
    @Option(help: "What happened.") var result: String
    @Option(help: "A promise to pay: AMOUNT@YYYY-MM-DD.") var promise: String?
    @Option(help: "Survey score, 1 (poorly) to 5 (very well).") var score: Int?
    @Option(help: "Survey comment.") var comment: String?
    @Option(help: "The debtor (default: from the call taken with tact next).") var debtor: String?
    @Option(help: "The debt (default: from the call taken with tact next).") var debt: String?
    @Option(help: "The channel used (default: call for a call taken with tact next; required otherwise).")
    var channel: String?
    @Option(help: "When it happened, RFC 3339 (default: now).") var at: String?
    @OptionGroup var options: ServiceOptions

    func run() async throws {
        let outcome: Outcome
        do {
            outcome = try makeOutcome()
        } catch {
            throw fail("outcome", error, code: 2)
        }
        do {
            let environment = try ServiceEnvironment(options)
            let topology = TactTopology(prefix: environment.configuration.exchangePrefix)
            _ = try await IntakePublisher.publish(
                [
                    .init(
                        routingKey: "outcome", messageID: outcome.outcomeId, type: Outcome.messageType,
                        body: MessageCoding.encode(outcome))
                ], amqp: try environment.amqp(connectionName: "tact-outcome"), prefix: topology.prefix, userID: nil,
                exchange: topology.outcomesExchange)
            try? FileManager.default.removeItem(at: TakenCalls.file(task))
            print("recorded \(outcome.result.rawValue) for \(task) (\(outcome.outcomeId))")
        } catch {
            throw fail("outcome", error)
        }
    }

    private func makeOutcome() throws -> Outcome {
        guard let result = Outcome.Result(rawValue: result) else {
            throw ValidationError(
                "unknown result; expected one of \(Outcome.Result.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        // What the command line says first, so that a malformed value is named before anything it leaves out.
        var promised: Outcome.Promise?
        if let promise {
            let parts = promise.split(separator: "@")
            guard parts.count == 2 else {
                throw ValidationError("--promise must be AMOUNT@YYYY-MM-DD, e.g. 50.00@2026-12-10")
            }
            let value = Outcome.Promise(amount: String(parts[0]), date: String(parts[1]))
            do {
                try value.validate()
            } catch {
                throw ValidationError(
                    "--promise: \(error.field == "promise.date" ? "date" : "amount"): \(error.problem)")
            }
            // The debtor's calendar is the scheduler's to check; a date before yesterday in UTC is past everywhere.
            let today = LocalDate(dayNumber: Int(Instant(Date()).secondsSinceEpoch / 86_400))
            if let date = LocalDate(iso: value.date), date < today.adding(days: -1) {
                throw ValidationError("--promise: date: is in the past")
            }
            promised = value
        }
        if promise != nil, result != .conversation, result != .promiseToPay {
            throw ValidationError("--promise goes with --result conversation or promise-to-pay")
        }
        var instant = Instant(Date())
        if let at {
            guard let parsed = Instant(rfc3339: at) else { throw ValidationError("--at must be RFC 3339") }
            instant = parsed
        }
        let taken = TakenCalls.recall(task)
        guard let channelName = channel ?? (taken == nil ? nil : "call") else {
            throw ValidationError("give --channel (call, sms, email or letter) for a task not taken with tact next")
        }
        guard let channel = Channel(rawValue: channelName) else {
            throw ValidationError("--channel must be call, sms, email or letter")
        }
        guard let debtorID = debtor ?? taken?.debtorId, let debtID = debt ?? taken?.debtId else {
            throw ValidationError("this task was not taken with tact next here: give --debtor and --debt")
        }
        let outcome = Outcome(
            outcomeId: "O-\(UUID().uuidString.lowercased())", taskId: task, debtorId: debtorID, debtId: debtID,
            channel: channel, at: instant, result: promised != nil ? .promiseToPay : result, promise: promised,
            score: score, comment: comment)
        try outcome.validate()
        return outcome
    }
}
