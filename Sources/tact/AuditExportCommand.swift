import ArgumentParser
import Foundation
import Policy
import Store
import TactConfig

/// `tact audit export --from T --to T [--out FILE]`: every decision decided in `[from, to)` as JSON lines, in the
/// order the audit trail recorded them, with fields in a fixed order:
/// `sequence, decidedAt, debtorId, taskId, decision, earliest, reasons [{rule, until, detail}], worker`.
struct AuditExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every decision decided in [--from, --to) as JSON lines.",
        discussion: """
            Times are RFC 3339 instants or dates (YYYY-MM-DD, midnight UTC). Reads the store without writing; \
            decisions recorded while the export runs are left for the next one. With --out the file appears only \
            once complete. Exit status 2 for bad options, 1 when the store cannot be read.
            """)

    @Option(help: "Start of the interval (included).") var from: String
    @Option(help: "End of the interval (excluded).") var to: String
    @Option(help: "Write to this file instead of standard output.") var out: String?
    @OptionGroup var options: ServiceOptions

    /// Rows read per snapshot.
    static let page = 5_000

    func run() async throws {
        let interval: (Instant, Instant)
        do {
            interval = (try Self.instant(from, "--from"), try Self.instant(to, "--to"))
            guard interval.0 < interval.1 else { throw ValidationError("--from must be before --to") }
        } catch {
            throw fail("audit export", error, code: 2)
        }
        var temporary: String?
        do {
            let environment = try ServiceEnvironment(options)
            let store = try SQLiteReadOnlyStore(path: environment.configuration.storePath)
            defer { try? store.close() }
            let output: FileHandle
            if let out {
                let partial = out + ".partial"
                guard FileManager.default.createFile(atPath: partial, contents: nil) else {
                    throw ValidationError("\(out): cannot create the file")
                }
                temporary = partial
                output = try FileHandle(forWritingTo: URL(fileURLWithPath: partial))
            } else {
                output = FileHandle.standardOutput
            }
            let exported = try await Self.export(from: interval.0, to: interval.1, store: store, to: output)
            if let out, let partial = temporary {
                try output.close()
                _ = try? FileManager.default.removeItem(atPath: out)
                try FileManager.default.moveItem(atPath: partial, toPath: out)
                temporary = nil
            }
            let summary = "\(exported) decision\(exported == 1 ? "" : "s") from \(interval.0) to \(interval.1)"
            FileHandle.standardError.write(Data("tact audit export: \(summary)\n".utf8))
        } catch {
            if let temporary { try? FileManager.default.removeItem(atPath: temporary) }
            throw fail("audit export", error)
        }
    }

    /// Streams the interval page by page, up to the last decision recorded when the export started.
    static func export(from: Instant, to: Instant, store: SQLiteReadOnlyStore, to output: FileHandle) async throws
        -> Int
    {
        let last = try await store.inspect { try $0.lastDecisionSequence() }
        var after: Int64 = 0
        var count = 0
        while true {
            let position = after
            let page = try await store.inspect {
                try $0.decisions(
                    decidedFrom: from, to: to, afterSequence: position, throughSequence: last, limit: Self.page)
            }
            guard let lastRow = page.last else { return count }
            let lines = page.map { line($0).rendered + "\n" }.joined()
            try output.write(contentsOf: Data(lines.utf8))
            count += page.count
            after = lastRow.sequence
        }
    }

    /// One decision; ids, the decision and its rules, never personal data (the trail holds none).
    static func line(_ audited: AuditedDecision) -> AuditJSON {
        let decision = audited.record
        return .object([
            ("sequence", .int(audited.sequence)), ("decidedAt", .instant(decision.decidedAt)),
            ("debtorId", .string(decision.debtorID)), ("taskId", .string(decision.taskID)),
            ("decision", .string(decision.decision.rawValue)), ("earliest", .instant(decision.earliest)),
            ("reasons", ExplainJSON.reasons(decision.reasons)), ("worker", .string(decision.worker)),
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
