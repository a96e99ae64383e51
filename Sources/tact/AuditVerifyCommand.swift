import ArgumentParser
import Domain
import Foundation
import Intake
import Store
import TactConfig
import TactTools

/// `tact audit verify`: recomputes the audit trail's hash chain from the first entry. Exit 0 when intact (printing
/// the chain's head, to keep elsewhere), 1 naming the first entry that was changed, removed or reordered, 2 when the
/// trail cannot be read.
struct AuditVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that no entry of the audit trail was changed, removed or reordered.",
        discussion: """
            Every entry carries the SHA-256 of the one before it and of its own fields; this recomputes the chain \
            and names the first entry that does not fit. Entries removed from the end leave no trace in the chain \
            itself: keep the head it prints (sequence and hash) somewhere else, and compare. Reads the store \
            without writing. Exit status 0 intact, 1 broken, 2 when the store cannot be read.
            """)

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        do {
            let environment = try ServiceEnvironment(options)
            let store = try SQLiteReadOnlyStore(path: environment.configuration.storePath)
            defer { try? store.close() }
            let last = try await store.inspect { try $0.lastAuditSequence() }
            var verifier = AuditChain.Verifier()
            while true {
                let after = verifier.head.sequence
                let page = try await store.inspect {
                    try $0.auditRecords(
                        afterSequence: after, throughSequence: last, from: Instant(secondsSinceEpoch: 0),
                        to: Instant(secondsSinceEpoch: .max), debtorID: nil, limit: AuditExportCommand.page)
                }
                if let broken = verifier.next(page) {
                    print("tact audit verify: broken: \(broken); \(verifier.count) entries before it are intact")
                    throw ExitCode(1)
                }
                if page.isEmpty { break }
            }
            // Entries removed after the last one still in the table would leave the maximum lower, not a gap.
            print(
                "tact audit verify: intact: \(verifier.count) entries; head sequence \(verifier.head.sequence) "
                    + "hash \(verifier.head.hash)")
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw fail("audit verify", error, code: 2)
        }
    }
}
