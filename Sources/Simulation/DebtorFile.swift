import Contract
import Foundation

/// Reads the debtors to simulate: CSV with a header row, or placement messages as JSON lines.
///
/// CSV columns (names case-insensitive, any order; others ignored): `id`, `name`, `timeZones` (IANA ids
/// separated by spaces or `|`), `phone`, `email`, `sms` (these two may be empty), `language`, `amount`,
/// `currency`, `dueDate`, and optionally `specialistId`, `address`, `debtId` (default `<id>/debt`), `creditorId`
/// (default `sim`) and `placementId` (default `<debtId>`). Every row is checked as a placement message would be,
/// and must have as many cells as the header; a quote may only open a field and close it.
public enum DebtorFile {
    /// Columns the header row must have (values of `email` and `sms` may be empty).
    public static let requiredColumns = [
        "id", "name", "timeZones", "phone", "email", "sms", "language", "amount", "currency", "dueDate",
    ]
    /// Columns read when present.
    public static let optionalColumns = ["specialistId", "address", "debtId", "creditorId", "placementId"]

    /// Reads `url`; JSON lines when its name ends in `.jsonl`, `.ndjson` or `.json` or its text starts with `{`.
    ///
    /// - Throws: ``DebtorFileError`` naming the file, and for bad rows each line and column with the problem.
    public static func read(_ url: URL) throws(DebtorFileError) -> [Placement] {
        let name = url.lastPathComponent
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw DebtorFileError(file: name, problem: "file does not exist")
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw DebtorFileError(file: name, problem: "cannot be read")
        }
        return try parse(data, name: name)
    }

    /// Parses file contents; `name` labels errors.
    public static func parse(_ data: Data, name: String) throws(DebtorFileError) -> [Placement] {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DebtorFileError(file: name, problem: "not UTF-8 text (first bad byte on line \(badLine(bytes)))")
        }
        let lower = name.lowercased()
        let jsonLines =
            [".jsonl", ".ndjson", ".json"].contains { lower.hasSuffix($0) }
            || text.first { !$0.isWhitespace } == "{"
        let placements = try jsonLines ? parseJSONLines(text, name: name) : parseCSV(text, name: name)
        guard !placements.isEmpty else { throw DebtorFileError(file: name, problem: "no debtors in the file") }
        var seen: [String: Int] = [:]  // debtor and debt → the line they first appear on
        var bad: [DebtorFileError.Row] = []
        for (line, placement) in placements {
            let key = "\(placement.debtor.id)\u{0}\(placement.debt.id)"
            if let first = seen[key] {
                bad.append(
                    .init(line: line, field: "id", problem: "the same debtor and debt appear twice (first on line \(first))"))
            } else {
                seen[key] = line
            }
        }
        if !bad.isEmpty { throw DebtorFileError(file: name, rows: bad, problem: "duplicate rows") }
        return placements.map(\.placement)
    }

    private static func badLine(_ bytes: [UInt8]) -> Int {
        var line = 1
        for piece in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            if String(validating: piece, as: UTF8.self) == nil { return line }
            line += 1
        }
        return line
    }

    /// Placements with the line each was on (1 is the first line; blank lines count).
    private typealias Placed = [(line: Int, placement: Placement)]

    private static func parseJSONLines(_ text: String, name: String) throws(DebtorFileError) -> Placed {
        var placements: Placed = []
        var bad: [DebtorFileError.Row] = []
        // `\r\n` is one Character in Swift: split on it as well as on `\n`.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
        for (index, line) in lines.enumerated() {
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            do {
                placements.append((index + 1, try MessageCoding.decode(Placement.self, from: Array(line.utf8))))
            } catch {
                bad.append(.init(line: index + 1, field: error.field, problem: "\(error.code): \(error.problem)"))
            }
        }
        if !bad.isEmpty { throw DebtorFileError(file: name, rows: bad, problem: "bad placements") }
        return placements
    }

    private static func parseCSV(_ text: String, name: String) throws(DebtorFileError) -> Placed {
        let records: [CSVRecord]
        do {
            records = try CSVRecord.parse(text)
        } catch {
            throw DebtorFileError(file: name, rows: [.init(line: error.line, field: "", problem: error.problem)], problem: "bad CSV")
        }
        guard let header = records.first else { throw DebtorFileError(file: name, problem: "no header row") }
        var columns: [String: Int] = [:]
        for (index, title) in header.fields.enumerated() {
            let trimmed = title.trimmingCharacters(in: .whitespaces).lowercased()
            if let known = (requiredColumns + optionalColumns).first(where: { $0.lowercased() == trimmed }) {
                columns[known] = index
            }
        }
        let missing = requiredColumns.filter { columns[$0] == nil }
        guard missing.isEmpty else {
            throw DebtorFileError(file: name, problem: "header row lacks the column(s) \(missing.joined(separator: ", "))")
        }
        if let problem = header.problem {
            throw DebtorFileError(file: name, rows: [.init(line: header.line, field: "", problem: problem)], problem: "bad CSV")
        }
        var placements: Placed = []
        var bad: [DebtorFileError.Row] = []
        for record in records.dropFirst() where !record.isBlank {
            if let problem = record.problem {
                bad.append(.init(line: record.line, field: "", problem: problem))
                continue
            }
            guard record.fields.count == header.fields.count else {
                let count = record.fields.count
                bad.append(
                    .init(
                        line: record.line, field: "",
                        problem: "csv: \(count) field\(count == 1 ? "" : "s") where the header has \(header.fields.count)"))
                continue
            }
            let value = { (column: String) -> String? in
                guard let index = columns[column], index < record.fields.count else { return nil }
                let field = record.fields[index].trimmingCharacters(in: .whitespaces)
                return field.isEmpty ? nil : field
            }
            let placement = placementFrom(value)
            do {
                try placement.validate()
                placements.append((record.line, placement))
            } catch {
                bad.append(.init(line: record.line, field: column(for: error.field), problem: error.problem))
            }
        }
        if !bad.isEmpty { throw DebtorFileError(file: name, rows: bad, problem: "bad rows") }
        return placements
    }

    private static func placementFrom(_ value: (String) -> String?) -> Placement {
        let id = value("id") ?? ""
        let debtID = value("debtId") ?? "\(id)/debt"
        let zones = (value("timeZones") ?? "").split { $0 == "|" || $0.isWhitespace }.map(String.init)
        return Placement(
            placementId: value("placementId") ?? debtID, creditorId: value("creditorId") ?? "sim",
            specialistId: value("specialistId"),
            debtor: .init(
                id: id, name: value("name") ?? "", timeZones: zones, phone: value("phone") ?? "", sms: value("sms"),
                email: value("email"), address: value("address"), language: value("language") ?? ""),
            debt: .init(
                id: debtID, amount: value("amount") ?? "", currency: value("currency") ?? "",
                dueDate: value("dueDate") ?? ""))
    }

    /// The CSV column a placement field comes from: `debtor.timeZones[1]` → `timeZones`.
    private static func column(for field: String) -> String {
        let path = field.split(separator: "[").first.map(String.init) ?? field
        switch path {
        case "debt.id": return "debtId"
        case "debtor.id": return "id"
        default: return path.split(separator: ".").last.map(String.init) ?? path
        }
    }
}

/// What is wrong with a debtors file: the file, and for bad rows the line, column and problem of each (never the
/// value, which may be personal data).
public struct DebtorFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A bad row: its line (1 is the header), the column or field, and the problem.
    public struct Row: Sendable, Equatable {
        public var line: Int
        public var field: String
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
        let field = first.field.isEmpty ? "" : "\(first.field): "
        let more = rows.count > 1 ? " (and \(rows.count - 1) more bad row\(rows.count == 2 ? "" : "s"))" : ""
        return "\(file): line \(first.line): \(field)\(first.problem)\(more)"
    }
}
