import ArgumentParser
import Doctor
import Domain
import Foundation
import Store
import TactConfig
import TactTools

/// `tact doctor`: checks the scheduler's invariants over every case in the store and prints each violation with the
/// debtor, debt and task ids. Reads the store a page of debtors at a time without writing, beside a running
/// scheduler.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check every case in the store against the scheduler's invariants and print each violation.",
        discussion: """
            Every open debt has a next step (in progress, a step back's gentle call, a hold with no end, or a \
            legitimate end such as a conversation or a stop by the person or the policy): no-next-step. At most \
            one open task per purpose per debt: duplicate-open-purpose. A step back (bereavement, hardship) leaves \
            one gentle call and nothing else open: two-gentle-calls, step-back-leak. Store: store.path in \
            tact.yaml, or TACT_STORE; read without writing. Exit status 0 when every case is sound, 1 when a \
            violation was found, 2 when the configuration or the store cannot be read.
            """)

    @Flag(help: "One JSON document instead of text.") var json = false
    @OptionGroup var options: ServiceOptions

    func run() async throws {
        let now = Instant(Date())
        let json = json
        let summary: StoreCheckup.Summary
        var violations: [Violation] = []
        do {
            let environment = try ServiceEnvironment(options)
            let store = try SQLiteReadOnlyStore(path: environment.configuration.storePath)
            defer { try? store.close() }
            // Text goes out as each page is checked; the JSON document once the walk is done.
            summary = try await StoreCheckup.run(store, rulebooks: environment.rulebooks, at: now) { violation in
                if json { violations.append(violation) } else { print(DoctorReport.line(violation)) }
            }
        } catch {
            throw fail("doctor", error, code: 2)
        }
        if json {
            print(DoctorReport.document(violations, summary: summary, at: now).rendered)
        } else {
            print(DoctorReport.summary(summary, at: now))
        }
        if summary.violations > 0 { throw ExitCode(1) }
    }
}
