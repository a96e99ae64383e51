import ArgumentParser
import Contract
import Domain
import Foundation
import Intake
import Policy
import Store
import TactConfig
import TactTools

/// `tact outcome TASK --result …`: report what happened on a contact, as a specialist or a gateway would.
struct OutcomeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outcome",
        abstract: "Record what happened on a contact, or correct what was recorded (--amend).",
        discussion: """
            Results: \(Outcome.Result.allCases.map(\.rawValue).joined(separator: ", ")). \
            A promise: --promise 50.00@2026-12-10. A survey answer: --result survey-response --score 1…5 [--comment]. \
            A bounce reported after a send: --result failed --reason bounced --amend. \
            The debtor, debt and channel come from the call taken with tact next here, else from the store \
            (read-only), else from --debtor, --debt and --channel. A task has one outcome; to correct it, give \
            --amend (the task's latest outcome, found in the store) or --corrects OUTCOME_ID: what followed from \
            it is undone and the cadence goes on from the correction. Broker: TACT_AMQP_URL.
            """)

    @Argument(help: "The task id (the call's or reminder's taskId).") var task: String
    @Option(help: "What happened.") var result: String
    @Option(help: "A promise to pay: AMOUNT@YYYY-MM-DD.") var promise: String?
    @Option(help: "Survey score, 1 (poorly) to 5 (very well).") var score: Int?
    @Option(help: "Survey comment.") var comment: String?
    @Option(help: "Why it failed, a short code (with --result failed), e.g. bounced.") var reason: String?
    @Option(help: "The debtor's id (default: from the call taken with tact next).") var debtor: String?
    @Option(help: "The debtor's creditor (default: from the call taken with tact next).") var creditor: String?
    @Option(help: "The debt (default: from the call taken with tact next).") var debt: String?
    @Option(help: "The channel used (default: call for a call taken with tact next; required otherwise).")
    var channel: String?
    @Option(help: "When it happened, RFC 3339 (default: now).") var at: String?
    @Flag(help: "Correct the task's latest outcome (found in the store).") var amend = false
    @Option(help: "Correct this outcome of the task (its outcome id).") var corrects: String?
    @OptionGroup var options: ServiceOptions

    func run() async throws {
        let outcome: Outcome
        let environment: ServiceEnvironment
        do {
            environment = try ServiceEnvironment(options)
            outcome = try await makeOutcome(store: environment.configuration.storePath)
        } catch {
            throw fail("outcome", error, code: 2)
        }
        do {
            let topology = TactTopology(prefix: environment.configuration.exchangePrefix)
            _ = try await IntakePublisher.publish(
                [
                    .init(
                        routingKey: "outcome", messageID: outcome.outcomeId, type: Outcome.messageType,
                        body: MessageCoding.encode(outcome))
                ], amqp: try environment.amqp(connectionName: "tact-outcome"), prefix: topology.prefix, userID: nil,
                exchange: topology.outcomesExchange)
            try? FileManager.default.removeItem(at: TakenCalls.file(task))
            let correction = outcome.corrects.map { ", correcting \($0)" } ?? ""
            print("recorded \(outcome.result.rawValue) for \(task) (\(outcome.outcomeId)\(correction))")
        } catch {
            throw fail("outcome", error)
        }
    }

    /// The task as the store knows it and its latest outcome, when there is a store here to read.
    private func stored(_ path: String) async throws -> (task: TaskRecord, latest: OutcomeRecord?)? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let store = try SQLiteReadOnlyStore(path: path)
        defer { try? store.close() }
        let task = self.task
        return try await store.inspect { store in
            try store.task(task).map { ($0, try store.outcomes(ofTask: $0.id).current) }
        }
    }

    private func makeOutcome(store path: String) async throws -> Outcome {
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
        if amend, corrects != nil { throw ValidationError("--amend and --corrects go apart: give one") }
        if let channel, Channel(rawValue: channel) == nil {
            throw ValidationError("--channel must be call, sms, email or letter")
        }
        let taken = TakenCalls.recall(task)
        let known = taken == nil || amend ? try await stored(path) : nil
        var corrected = corrects
        if amend {
            guard let known else { throw ValidationError("--amend: no store here to find the task's outcome in") }
            guard let latest = known.latest else {
                throw ValidationError("--amend: no outcome is recorded for \(task) yet")
            }
            corrected = latest.id
        }
        guard
            let channel = channel.flatMap(Channel.init(rawValue:)) ?? (taken == nil ? known?.task.channel : .call)
        else {
            throw ValidationError("\(task) is not in the store here: give --channel (call, sms, email or letter)")
        }
        let storedCase = known.flatMap { DebtorKey($0.task.debtorID) }
        guard let debtorID = debtor ?? taken?.debtorId ?? storedCase?.debtor,
            let debtID = debt ?? taken?.debtId ?? known?.task.debtID
        else {
            throw ValidationError("\(task) is not in the store here: give --debtor and --debt")
        }
        var outcome = Outcome(
            outcomeId: "O-\(UUID().uuidString.lowercased())", taskId: task,
            creditorId: creditor ?? taken?.creditorId ?? storedCase?.creditor, debtorId: debtorID, debtId: debtID,
            channel: channel, at: instant, result: promised != nil ? .promiseToPay : result, promise: promised,
            score: score, comment: comment, corrects: corrected)
        outcome.reason = reason
        try outcome.validate()
        return outcome
    }
}
