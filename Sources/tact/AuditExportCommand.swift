import ArgumentParser
import Domain
import Foundation
import Intake
import Policy
import Store
import TactConfig
import TactTools

/// `tact audit export (--from T --to T | --after-sequence N) [--debtor ID] [--out FILE]`: every entry of the audit
/// trail written in `[from, to)`, or after sequence N, as JSON lines in the order written, with fields in a fixed
/// order: `sequence, at, debtorId, subject, action, actor, detail {…}, hash`.
struct AuditExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the audit trail written in [--from, --to), or after --after-sequence, as JSON lines.",
        discussion: """
            Every change to a case is an entry: placements and amendments, events, holds set and lifted, tasks and \
            their states, decisions, contacts and their outcomes, call checks, payments, promises, plans, \
            specialists' changes, refused inputs; each names who or what caused it and carries the hash that \
            chains it to the one before (check it with tact audit verify). Ids, states and rule ids only: no \
            names, contact details or amounts. Times are RFC 3339 instants or dates (YYYY-MM-DD, midnight UTC), \
            selecting by the scheduler's clock when the entry was written. For a series of exports that misses \
            nothing, use --after-sequence: every entry written after that sequence number; the summary on stderr \
            names the sequence to continue from. Options combine. Reads the store without writing. With --out the \
            file appears only once complete. Exit status 2 for bad options, 1 when the store cannot be read.
            """)

    @Option(help: "Start of the interval (included).") var from: String?
    @Option(help: "End of the interval (excluded).") var to: String?
    @Option(help: "Only entries written after this sequence number (0: from the first).")
    var afterSequence: Int64?
    @Option(help: "Only entries about this case: CREDITOR/DEBTOR, or the debtor's id while one creditor has it.")
    var debtor: String?
    @Option(help: "The debtor's creditor, when several creditors have a debtor with this id.") var creditor: String?
    @Option(help: "Write to this file instead of standard output.") var out: String?
    @OptionGroup var options: ServiceOptions

    /// Rows read per snapshot.
    static let page = 5_000

    func run() async throws {
        let interval: (Instant, Instant)
        do {
            guard (from == nil) == (to == nil) else { throw ValidationError("--from and --to go together") }
            guard from != nil || afterSequence != nil else {
                throw ValidationError("give --from and --to, or --after-sequence")
            }
            guard (afterSequence ?? 0) >= 0 else { throw ValidationError("--after-sequence must be 0 or more") }
            interval = (
                try from.map { try Self.instant($0, "--from") } ?? Instant(secondsSinceEpoch: 0),
                try to.map { try Self.instant($0, "--to") } ?? Instant(secondsSinceEpoch: .max)
            )
            guard interval.0 < interval.1 else { throw ValidationError("--from must be before --to") }
        } catch {
            throw fail("audit export", error, code: 2)
        }
        var temporary: String?
        do {
            let environment = try ServiceEnvironment(options)
            let store = try SQLiteReadOnlyStore(path: environment.configuration.storePath)
            defer { try? store.close() }
            // Entries written before cases were keyed by creditor (schema v3) name the debtor by its id alone.
            var subject = debtor
            if let debtor { subject = try await CaseName.key(debtor, creditor: creditor, in: store) ?? debtor }
            let output: FileHandle
            if let out {
                let partial = out + ".partial"
                // Ids only, but of people in debt: owner-only, as the store.
                guard
                    FileManager.default.createFile(
                        atPath: partial, contents: nil,
                        attributes: [.posixPermissions: NSNumber(value: PrivateFiles.fileMode)])
                else {
                    throw ValidationError("\(out): cannot create the file")
                }
                temporary = partial
                output = try FileHandle(forWritingTo: URL(fileURLWithPath: partial))
            } else {
                output = FileHandle.standardOutput
            }
            let (exported, last) = try await Self.export(
                from: interval.0, to: interval.1, after: afterSequence ?? 0, debtor: subject, store: store, to: output)
            if let out, let partial = temporary {
                try output.close()
                _ = try? FileManager.default.removeItem(atPath: out)
                try FileManager.default.moveItem(atPath: partial, toPath: out)
                temporary = nil
            }
            let selection =
                from == nil ? "recorded after sequence \(afterSequence ?? 0)" : "from \(interval.0) to \(interval.1)"
            let summary =
                "\(exported) entr\(exported == 1 ? "y" : "ies") \(selection)"
                + (debtor.map { " about \($0)" } ?? "") + "; written through sequence "
                + "\(last) (continue with --after-sequence \(last))"
            FileHandle.standardError.write(Data("tact audit export: \(summary)\n".utf8))
        } catch {
            if let temporary { try? FileManager.default.removeItem(atPath: temporary) }
            throw fail("audit export", error)
        }
    }

    /// Streams the selection page by page, up to the last entry written when the export started. Returns how many
    /// were written and that last sequence number.
    static func export(
        from: Instant, to: Instant, after first: Int64, debtor: String?, store: SQLiteReadOnlyStore,
        to output: FileHandle
    ) async throws -> (count: Int, last: Int64) {
        let last = max(first, try await store.inspect { try $0.lastAuditSequence() })
        var after = first
        var count = 0
        while true {
            let position = after
            let page = try await store.inspect {
                try $0.auditRecords(
                    afterSequence: position, throughSequence: last, from: from, to: to, debtorID: debtor,
                    limit: Self.page)
            }
            guard let lastRow = page.last else { return (count, last) }
            let lines = page.map { line($0).rendered + "\n" }.joined()
            try output.write(contentsOf: Data(lines.utf8))
            count += page.count
            after = lastRow.sequence
        }
    }

    /// One entry; ids, states and rule ids, never personal data (the trail holds none).
    static func line(_ record: AuditRecord) -> AuditJSON {
        .object([
            ("sequence", .int(record.sequence)), ("at", .instant(record.at)), ("debtorId", .text(record.debtorID)),
            ("subject", .string(record.subject)), ("action", .string(record.action)),
            ("actor", .string(record.actor.description)), ("detail", .raw(record.detail)),
            ("hash", .string(record.hash)),
        ])
    }

    /// An RFC 3339 instant, or a date meaning its midnight in UTC.
    static func instant(_ text: String, _ option: String) throws -> Instant {
        if let instant = Instant(rfc3339: text) { return instant }
        if text.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil, let instant = Instant(rfc3339: text + "T00:00:00Z") {
            return instant
        }
        throw ValidationError("\(option) must be an RFC 3339 instant (2026-12-01T00:00:00Z) or a date (2026-12-01)")
    }
}
