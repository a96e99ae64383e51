import Contract
import Foundation
import Intake

/// Reads the debtors to simulate: the same files `tact place` reads, through the same reader. A CSV file has a
/// header row and its columns become placement fields through a column mapping (`Config/mappings/`); a JSON-lines
/// file holds one placement message per line. Unlike `tact place`, a simulation wants every debtor: one bad row
/// refuses the whole file, with every bad row named by line and field.
package enum DebtorFile {
    /// Reads `url`: JSON lines when its name ends in `.jsonl`, `.ndjson` or `.json` or its text starts with `{`,
    /// otherwise CSV through `mapping` (asked for only then: JSON lines need none).
    ///
    /// - Throws: ``DebtorFileError`` naming the file, and for bad rows each line and field with the problem.
    package static func read(_ url: URL, mapping: () throws -> IntakeMapping) throws -> [Placement] {
        let name = url.lastPathComponent
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw DebtorFileError(file: name, problem: "file does not exist")
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw DebtorFileError(file: name, problem: "cannot be read")
        }
        return try parse(Array(data), name: name, mapping: mapping)
    }

    /// Reads `url` with a mapping already loaded.
    package static func read(_ url: URL, mapping: IntakeMapping) throws -> [Placement] {
        try read(url) { mapping }
    }

    /// Parses file contents; `name` labels errors and, by its extension, chooses the format.
    package static func parse(_ bytes: [UInt8], name: String, mapping: IntakeMapping) throws -> [Placement] {
        try parse(bytes, name: name) { mapping }
    }

    private static func parse(_ bytes: [UInt8], name: String, mapping: () throws -> IntakeMapping) throws
        -> [Placement]
    {
        // Placement messages are recognised by their text too, whatever the file is called.
        let text = bytes.drop { $0 <= 0x20 || $0 == 0xEF || $0 == 0xBB || $0 == 0xBF }  // blanks, a byte-order mark
        let startsLikeJSON = text.first == UInt8(ascii: "{")
        let format: PlaceInput.Format = startsLikeJSON ? .jsonl : PlaceInput.Format(path: name) ?? .csv
        let columns = format == .csv ? try mapping() : nil
        let input: PlaceInput
        do {
            input = try PlaceInput.parse(bytes, source: name, format: format, mapping: columns, checks: .contractOnly)
        } catch {
            // The reader's own text already starts with the file's name.
            let problem = "\(error)"
            let prefix = "\(name): "
            throw DebtorFileError(
                file: name, problem: problem.hasPrefix(prefix) ? String(problem.dropFirst(prefix.count)) : problem)
        }
        guard input.rejected.isEmpty else {
            throw DebtorFileError(
                file: name, rows: input.rejected.map { .init(line: $0.line, problem: $0.reason) }, problem: "bad rows")
        }
        guard !input.items.isEmpty else { throw DebtorFileError(file: name, problem: "no debtors in the file") }
        // Every item was a placement the contract accepts a moment ago; the simulator wants it as a value.
        let placements = try input.items.map { try MessageCoding.decode(Placement.self, from: $0.body) }
        // tact place refuses a placement id twice; a simulation also wants each debt once, whatever its id, and
        // each person under one creditor: its timeline and checks name debtors by their own ids.
        var first: [String: Int] = [:]
        var creditors: [String: (creditor: String, line: Int)] = [:]
        var duplicates: [DebtorFileError.Row] = []
        for (item, placement) in zip(input.items, placements) {
            if let earlier = creditors[placement.debtor.id], earlier.creditor != placement.creditorId {
                duplicates.append(
                    .init(
                        line: item.line,
                        problem: "conflict: debtor.id: placed by another creditor at line \(earlier.line); "
                            + "a simulation names each debtor once"))
            } else if creditors[placement.debtor.id] == nil {
                creditors[placement.debtor.id] = (placement.creditorId, item.line)
            }
            let debt = "\(placement.creditorId)\n\(placement.debtor.id)\n\(placement.debt.id)"
            if let line = first[debt] {
                duplicates.append(
                    .init(line: item.line, problem: "conflict: debt.id: the same debtor and debt as line \(line)"))
            } else {
                first[debt] = item.line
            }
        }
        guard duplicates.isEmpty else { throw DebtorFileError(file: name, rows: duplicates, problem: "bad rows") }
        return placements
    }
}

/// What is wrong with a debtors file: the file, and for bad rows the line and problem of each (naming the field,
/// never the value, which may be personal data).
public struct DebtorFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A bad row: its line (1 is the first line of the file) and the problem, which names the field.
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var problem: String
    }

    /// The file's name.
    public var file: String
    /// Every bad row, in order; empty when the file as a whole is at fault.
    public var rows: [Row]
    public var problem: String

    public init(file: String, rows: [Row] = [], problem: String) {
        self.file = file
        self.rows = rows
        self.problem = problem
    }

    /// One line: the first bad row (or the problem), and how many more there are.
    public var description: String {
        guard let first = rows.first else { return "\(file): \(problem)" }
        let more = rows.count > 1 ? " (and \(rows.count - 1) more bad row\(rows.count == 2 ? "" : "s"))" : ""
        return "\(file): line \(first.line): \(first.problem)\(more)"
    }
}
