import Contract
import Domain
import Foundation
import Policy
import TactConfig

/// A placement file read and checked row by row: what can be published, and each row that cannot, with the
/// line it starts on and why. Nothing here publishes.
package struct PlaceInput {
    package enum Format: String, CaseIterable {
        case csv, jsonl

        /// `.csv`; `.jsonl`, `.ndjson` or `.json` for JSON lines.
        package init?(path: String) {
            switch URL(fileURLWithPath: path).pathExtension.lowercased() {
            case "csv": self = .csv
            case "jsonl", "ndjson", "json": self = .jsonl
            default: return nil
            }
        }
    }

    /// A placement ready to publish.
    package struct Item {
        package var line: Int
        package var range: Range<Int>
        /// The AMQP `message_id`.
        package var placementID: String
        /// Creditor and placement id: two rows with the same one in a file are a mistake (the scheduler would take
        /// the second as an amendment of the first).
        package var key: String
        /// The message as it will be published: a JSON line as written, or the encoded CSV row.
        package var body: [UInt8]
    }

    /// A row that cannot be placed. `range` is its exact text in the file, for the reject file.
    package struct Rejected {
        package var line: Int
        package var range: Range<Int>
        package var reason: String
    }

    /// The file's bytes, so that rejected rows can be written back exactly as they were.
    package let bytes: [UInt8]
    package let format: Format
    /// CSV only: the header record, which a reject file repeats.
    package var header: Range<Int>?
    package var items: [Item] = []
    package var rejected: [Rejected] = []
    package var rows: Int { items.count + rejected.count }

    /// What every placement must also satisfy besides the contract: a configured rulebook and strategy, the broker
    /// user.
    package struct Checks {
        package init(
            rulebookIsConfigured: @escaping (Placement) -> Bool, strategyIsConfigured: @escaping (Placement) -> Bool,
            userID: String?, identity: Identity = Identity()
        ) {
            self.rulebookIsConfigured = rulebookIsConfigured
            self.strategyIsConfigured = strategyIsConfigured
            self.userID = userID
            self.identity = identity
        }

        /// Resolves the rulebook as the scheduler will; false when that rulebook is not configured.
        package var rulebookIsConfigured: (Placement) -> Bool
        /// Resolves the cadence strategy as the scheduler will; false when that strategy is not configured.
        package var strategyIsConfigured: (Placement) -> Bool
        /// With `--with-user-id` (or an `identity` section): the broker user the rows are published under, which
        /// the scheduler checks against each row's creditor.
        package var userID: String?
        /// The service file's `identity` section, by which the scheduler checks `userID`.
        package var identity: Identity

        /// Only the contract's own checks: for files read without a running installation (the simulator).
        package static var contractOnly: Checks {
            Checks(
                rulebookIsConfigured: { _ in true }, strategyIsConfigured: { _ in true }, userID: nil)
        }

        package func problem(_ placement: Placement) -> IntakeRowError? {
            if !rulebookIsConfigured(placement) {
                return IntakeRowError("invalid-field: rulebook: no rulebook with this id is configured")
            }
            if !strategyIsConfigured(placement) {
                return IntakeRowError("invalid-field: strategy: no strategy with this id is configured")
            }
            switch identity.check(userID, actingFor: placement.creditorId) {
            case nil: break
            case .notAllowed(let reason): return IntakeRowError("identity: user_id: \(reason)")
            case .otherCreditor:
                return IntakeRowError("creditor-mismatch: creditorId: differs from the broker user (--with-user-id)")
            }
            return nil
        }
    }

    /// Reads and checks every row. Throws only when the file as a whole cannot be used (unreadable, no header,
    /// a mapping that does not fit the header); a bad row is ``rejected``.
    package static func read(
        _ path: String, format: Format, mapping: IntakeMapping?, checks: Checks, progress: (Int, Int) -> Void
    ) throws -> PlaceInput {
        guard FileManager.default.fileExists(atPath: path) else { throw PlaceError("\(path): no such file") }
        guard let data = FileManager.default.contents(atPath: path) else { throw PlaceError("\(path): cannot read") }
        return try parse(
            Array(data), source: path, format: format, mapping: mapping, checks: checks, progress: progress)
    }

    /// Checks every row of a file's contents; `source` names the file in errors.
    package static func parse(
        _ bytes: [UInt8], source: String, format: Format, mapping: IntakeMapping?, checks: Checks,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> PlaceInput {
        var input = PlaceInput(bytes: bytes, format: format)
        switch format {
        case .csv: try input.readCSV(source, mapping: mapping ?? IntakeMapping(), checks: checks, progress: progress)
        case .jsonl: input.readJSONLines(checks: checks, progress: progress)
        }
        input.rejectDuplicates()
        return input
    }

    private mutating func readCSV(
        _ path: String, mapping: IntakeMapping, checks: Checks, progress: (Int, Int) -> Void
    ) throws {
        var parser = IntakeCSVParser(bytes)
        guard let first = parser.next() else { throw PlaceError("\(path): empty; expected a header row") }
        let headerCells: [String]
        switch first.cells {
        case .success(let cells): headerCells = cells
        case .failure(let error): throw PlaceError("\(path): line \(first.line): header: \(error.reason)")
        }
        header = first.range
        let resolved = try mapping.resolve(header: headerCells, source: path)
        while let record = parser.next() {
            let placement: Result<Placement, IntakeRowError>
            switch record.cells {
            case .success(let cells) where cells == [""]: continue  // a line of spaces only
            case .success(let cells): placement = Result { () throws(IntakeRowError) in try resolved.placement(cells) }
            case .failure(let error): placement = .failure(error)
            }
            accept(placement, line: record.line, range: record.range, checks: checks, body: nil)
            if rows % 1000 == 0 { progress(record.range.upperBound, bytes.count) }
        }
        progress(bytes.count, bytes.count)
    }

    private mutating func readJSONLines(checks: Checks, progress: (Int, Int) -> Void) {
        for (line, range) in IntakeJSONLines.lines(bytes) {
            // The line is published as written: unknown fields stay, as the contract allows.
            let text = bytes[range]
            accept(
                IntakeJSONLines.decode(Placement.self, text), line: line, range: range, checks: checks,
                body: Array(text))
            if rows % 1000 == 0 { progress(range.upperBound, bytes.count) }
        }
        progress(bytes.count, bytes.count)
    }

    private mutating func accept(
        _ placement: Result<Placement, IntakeRowError>, line: Int, range: Range<Int>, checks: Checks, body: [UInt8]?
    ) {
        switch placement {
        case .success(let placement):
            if let problem = checks.problem(placement) {
                rejected.append(Rejected(line: line, range: range, reason: problem.reason))
            } else {
                items.append(
                    Item(
                        line: line, range: range, placementID: placement.placementId,
                        key: "\(placement.creditorId)\n\(placement.placementId)",
                        body: body ?? MessageCoding.encode(placement)))
            }
        case .failure(let error):
            rejected.append(Rejected(line: line, range: range, reason: error.reason))
        }
    }

    /// Two rows with the same creditor and placement id: the scheduler would keep the first and silently ignore
    /// the other, so the other is refused here, where it can still be fixed.
    private mutating func rejectDuplicates() {
        var first: [String: Int] = [:]
        var kept: [Item] = []
        for item in items {
            if let line = first[item.key] {
                rejected.append(
                    Rejected(line: item.line, range: item.range, reason: "conflict: placementId: same as line \(line)"))
            } else {
                first[item.key] = item.line
                kept.append(item)
            }
        }
        guard kept.count != items.count else { return }
        items = kept
        rejected.sort { $0.line < $1.line }
    }
}

/// A file that cannot be used at all, in one line.
package struct PlaceError: Error, CustomStringConvertible {
    package let description: String
    package init(_ description: String) { self.description = description }
}
