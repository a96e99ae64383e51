import ArgumentParser
import Domain
import Foundation
import Intake
import Policy
import Store
import TactConfig
import TactTools

/// `tact explain CREDITOR/DEBTOR`: why Tact contacted a person when it did, or did not: the timeline of tasks, decisions
/// with their rules, holds, contacts and outcomes, and the next planned contact with the instant it becomes
/// permissible and why not sooner. Ids only: no name, phone number, e-mail or address is ever printed.
struct ExplainCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain a debtor's contacts: timeline, decisions and rules, holds, outcomes, next contact.",
        discussion: """
            Reads the store (store.path in tact.yaml, or TACT_STORE) without writing; run it beside the \
            scheduler. Times are shown in UTC and in the debtor's first time zone. Exit status 1 when the store \
            or the debtor cannot be found.
            """)

    @Argument(help: "The case: CREDITOR/DEBTOR, or the debtor's id while one creditor has it.") var debtor: String
    @Option(help: "The creditor whose debtor this is, when several have a debtor with this id.") var creditor: String?
    @Flag(help: "One JSON document instead of text.") var json = false
    @Option(help: "Predict the next contact as of this instant, now or later, RFC 3339 (default: now).")
    var at: String?
    @OptionGroup var options: ServiceOptions

    func run() async throws {
        let now: Instant
        if let at {
            guard let value = Instant(rfc3339: at) else {
                throw fail("explain", ValidationError("--at must be RFC 3339, e.g. 2026-12-01T10:00:00Z"), code: 2)
            }
            // The store holds the present state (tasks, holds, ledger), not past ones: a past instant would judge
            // caps and pauses on contacts made after it. The timeline already shows what happened when.
            guard value.secondsSinceEpoch >= Instant(Date()).secondsSinceEpoch - 60 else {
                throw fail(
                    "explain",
                    ValidationError(
                        "--at must be now or later: the store holds today's state; the timeline shows the past"),
                    code: 2)
            }
            now = value
        } else {
            now = Instant(Date())
        }
        do {
            let environment = try ServiceEnvironment(options)
            let store = try SQLiteReadOnlyStore(path: environment.configuration.storePath)
            defer { try? store.close() }
            guard let key = try await CaseName.key(debtor, creditor: creditor, in: store),
                var records = try await ExplainRecords.read(key, from: store)
            else {
                throw PlaceError("no debtor with this id in \(store.path)")
            }
            records.resolveHoldEnds(rulebooks: environment.rulebooks)
            let next = ExplainNextContact.find(in: records, rulebooks: environment.rulebooks, now: now)
            if json {
                print(ExplainJSON.document(records, next: next, now: now).rendered)
            } else {
                print(ExplainText.render(records, next: next, now: now), terminator: "")
            }
        } catch {
            throw fail("explain", error)
        }
    }
}
