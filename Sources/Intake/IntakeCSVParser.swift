import Foundation

/// A small RFC 4180 reader over the bytes of a whole file: fields separated by commas, records by CRLF, LF or CR;
/// a field in double quotes may hold commas, line breaks and doubled quotes (`""`). Cells are trimmed of spaces
/// and tabs. A record that breaks the format, or is not UTF-8, is reported with the line it starts on and the
/// reader carries on with the next one, so that one bad row does not hide the others.
///
/// Works on bytes rather than `Character`s: grapheme breaking is what makes `String` iteration slow, and every
/// byte that matters here (`,` `"` CR LF) is ASCII, which never occurs inside a multi-byte UTF-8 sequence.
package struct IntakeCSVParser {
    /// One record: where it starts, its exact bytes (for a reject file), and its cells or why it is unreadable.
    package struct Record {
        /// 1-based line of the file the record starts on.
        package var line: Int
        /// Its bytes in the file, without the line break that ends it.
        package var range: Range<Int>
        package var cells: Result<[String], IntakeRowError>
    }

    private let bytes: [UInt8]
    private var position = 0
    private var line = 1

    package init(_ bytes: [UInt8]) {
        self.bytes = bytes
        // A byte-order mark is how some spreadsheets say "UTF-8"; it is not part of the first header.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    /// The next record, skipping empty lines; `nil` at the end of the file.
    package mutating func next() -> Record? {
        while position < bytes.count, let lineBreak = lineBreakLength(at: position) {
            position += lineBreak
            line += 1
        }
        guard position < bytes.count else { return nil }
        let start = position
        let startLine = line
        var cells: [String] = []
        var problem: IntakeRowError?
        while true {
            let (cell, cellProblem) = readCell()
            if problem == nil { problem = cellProblem }
            if let cell { cells.append(cell) }
            if position < bytes.count, bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            break
        }
        let end = position
        if let lineBreak = lineBreakLength(at: position) {
            position += lineBreak
            line += 1
        }
        return Record(line: startLine, range: start..<end, cells: problem.map { .failure($0) } ?? .success(cells))
    }

    /// 2 for CRLF, 1 for LF or a lone CR, `nil` for anything else.
    private func lineBreakLength(at index: Int) -> Int? {
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "\n"): return 1
        case UInt8(ascii: "\r"): return index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\n") ? 2 : 1
        default: return nil
        }
    }

    /// Reads one cell up to (not including) the comma or line break after it. Returns `nil` as the cell when the
    /// record is already known to be bad, so no string is built for it.
    private mutating func readCell() -> (String?, IntakeRowError?) {
        var content: [UInt8] = []
        var problem: IntakeRowError?
        if position < bytes.count, bytes[position] == UInt8(ascii: "\"") {
            position += 1
            let openedOn = line
            var closed = false
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "\"") {
                        content.append(byte)
                        position += 2
                        continue
                    }
                    position += 1
                    closed = true
                    break
                }
                if let lineBreak = lineBreakLength(at: position) {
                    content.append(contentsOf: bytes[position..<position + lineBreak])
                    position += lineBreak
                    line += 1
                    continue
                }
                content.append(byte)
                position += 1
            }
            if !closed {
                return (nil, IntakeRowError("csv: a quoted field opened on line \(openedOn) is never closed"))
            }
            // Only a comma or the end of the record may follow a closing quote; skip whatever else to resync.
            while position < bytes.count, bytes[position] != UInt8(ascii: ","), lineBreakLength(at: position) == nil {
                if problem == nil, bytes[position] != UInt8(ascii: " "), bytes[position] != UInt8(ascii: "\t") {
                    problem = IntakeRowError("csv: text after a closing quote (quote the whole field)")
                }
                position += 1
            }
        } else {
            let start = position
            while position < bytes.count, bytes[position] != UInt8(ascii: ","), lineBreakLength(at: position) == nil {
                if bytes[position] == UInt8(ascii: "\""), problem == nil {
                    problem = IntakeRowError(
                        "csv: a quote inside an unquoted field (quote the field, double the quote)")
                }
                position += 1
            }
            content = Array(bytes[start..<position])
        }
        if let problem { return (nil, problem) }
        guard let text = String(validating: content, as: UTF8.self) else {
            return (nil, IntakeRowError("encoding: not valid UTF-8 (save the file as UTF-8)"))
        }
        return (Self.trimmed(text), nil)
    }

    private static func trimmed(_ text: String) -> String {
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last,
            first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") || last == UInt8(ascii: " ")
                || last == UInt8(ascii: "\t")
        else { return text }
        return text.trimmingCharacters(in: [" ", "\t"])
    }
}

/// Why a row cannot be placed: a field and a problem, never the value (values are names, phones, addresses).
package struct IntakeRowError: Error, Equatable, CustomStringConvertible {
    package let reason: String
    package init(_ reason: String) { self.reason = reason }
    package var description: String { reason }
}
