import Intake
import Testing

/// The one CSV reader (`tact place`, `tact simulate`), without a broker: quoting, line breaks, line numbers.
@Suite struct IntakeCSVParserTests {
    func records(_ text: String) -> [(line: Int, cells: Result<[String], IntakeRowError>)] {
        var parser = IntakeCSVParser(Array(text.utf8))
        var result: [(line: Int, cells: Result<[String], IntakeRowError>)] = []
        while let record = parser.next() { result.append((record.line, record.cells)) }
        return result
    }

    @Test func quotedFieldsHoldCommasQuotesAndLineBreaks() throws {
        let rows = records("a,b,c\r\n\"Doe, Jane\",\"say \"\"hi\"\"\",\"two\nlines\"\nx,y,z\n")
        #expect(rows.map(\.line) == [1, 2, 4], "a quoted line break moves the next record a line down")
        #expect(try rows[1].cells.get() == ["Doe, Jane", "say \"hi\"", "two\nlines"])
        #expect(try rows[2].cells.get() == ["x", "y", "z"])
    }

    @Test func aByteOrderMarkBlankLinesAndALoneCarriageReturn() throws {
        let rows = records("\u{FEFF}h1,h2\r\r\n\nv1,v2\r")
        #expect(try rows[0].cells.get() == ["h1", "h2"], "the mark is not part of the first header")
        #expect(rows.map(\.line) == [1, 4])
        #expect(try rows[1].cells.get() == ["v1", "v2"])
    }

    @Test func cellsAreTrimmedQuotedOrNot() throws {
        let rows = records(" a ,\" b \"\t,\"\"\n")
        #expect(try rows[0].cells.get() == ["a", "b", ""])
    }

    @Test(arguments: [
        ("\"x\"y,z\n", "text after a closing quote"),
        ("x\"y,z\n", "a quote inside an unquoted field"),
        ("\"never closed,z\n", "never closed"),
    ])
    func malformedRecordsAreNamedAndReadingGoesOn(text: String, problem: String) throws {
        let rows = records(text + "ok,fine\n")
        guard case .failure(let error) = rows[0].cells else {
            Issue.record("expected a bad record")
            return
        }
        #expect(error.reason.contains(problem))
        if !problem.contains("never closed") {
            #expect(try rows.last?.cells.get() == ["ok", "fine"], "one bad row does not hide the next")
        }
    }

    @Test func invalidUTF8IsARowError() {
        var parser = IntakeCSVParser(Array("a,b\n".utf8) + [0x44, 0x2C, 0xE9, 0x0A])
        _ = parser.next()
        guard case .failure(let error) = parser.next()?.cells else {
            Issue.record("expected a bad record")
            return
        }
        #expect(error.reason.contains("UTF-8"))
    }
}
