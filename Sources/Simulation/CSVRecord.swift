/// One record of a CSV file (RFC 4180: commas, double quotes with `""` inside, CRLF or LF), with the line it
/// starts on.
struct CSVRecord: Equatable {
    var line: Int
    var fields: [String]
    /// What is wrong with the record, if anything (the first problem; never the value): text after a closing
    /// quote, or a quote inside an unquoted field.
    var problem: String?

    var isBlank: Bool { problem == nil && fields.allSatisfy { $0.allSatisfy(\.isWhitespace) } }

    struct Failure: Error {
        var line: Int
        var problem: String
    }

    static let textAfterClosingQuote = "csv: text after a closing quote (quote the whole field)"
    static let quoteInUnquotedField = "csv: a quote inside an unquoted field (quote the field, double the quote)"

    /// The records of `text`; a bad record carries its `problem` and the parse goes on with the next.
    ///
    /// - Throws: ``Failure`` when a quoted field is never closed (nothing after it can be read).
    static func parse(_ text: String) throws(Failure) -> [CSVRecord] {
        var records: [CSVRecord] = []
        var fields: [String] = []
        var field = ""
        var line = 1
        var recordLine = 1
        var quoted = false
        /// A quoted field closed, and only blanks, a comma or the end of the record may follow.
        var closed = false
        var problem: String?
        var quoteLine = 1
        var characters = text.makeIterator()
        var pending: Character? = nil
        func endRecord() {
            fields.append(field)
            records.append(CSVRecord(line: recordLine, fields: fields, problem: problem))
            fields = []
            field = ""
            problem = nil
        }
        while let character = pending ?? characters.next() {
            pending = nil
            if quoted {
                if character == "\"" {
                    let next = characters.next()
                    if next == "\"" {
                        field.append("\"")
                    } else {
                        quoted = false
                        closed = true
                        pending = next
                    }
                } else {
                    if character == "\n" || character == "\r\n" { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case ",":
                fields.append(field)
                field = ""
                closed = false
            case "\n", "\r\n", "\r":
                endRecord()
                closed = false
                line += 1
                recordLine = line
            case " " where closed, "\t" where closed:
                break
            case _ where closed:
                if problem == nil { problem = textAfterClosingQuote }
            case "\"" where field.allSatisfy(\.isWhitespace):
                field = ""
                quoted = true
                quoteLine = line
            case "\"":
                if problem == nil { problem = quoteInUnquotedField }
                field.append(character)
            default:
                field.append(character)
            }
        }
        if quoted { throw Failure(line: quoteLine, problem: "a quoted field is never closed") }
        if !field.isEmpty || !fields.isEmpty || closed { endRecord() }
        return records
    }
}
