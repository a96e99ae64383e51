import Contract

/// The lines of a JSON-lines file, as byte ranges with their 1-based line numbers: LF or CRLF line ends, a
/// UTF-8 byte-order mark ignored, blank lines skipped.
package enum IntakeJSONLines {
    package static func lines(_ bytes: [UInt8]) -> [(line: Int, range: Range<Int>)] {
        var result: [(line: Int, range: Range<Int>)] = []
        var line = 0
        var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        while start < bytes.count {
            line += 1
            let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            var end = newline
            if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            if !bytes[start..<end].allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
                result.append((line, start..<end))
            }
            start = newline + 1
        }
        return result
    }

    /// Decodes one line as a contract message; the reason names the field, never the value.
    package static func decode<T: ContractMessage>(_ type: T.Type, _ text: ArraySlice<UInt8>) -> Result<
        T, IntakeRowError
    > {
        guard String(validating: text, as: UTF8.self) != nil else {
            return .failure(IntakeRowError("encoding: not valid UTF-8 (save the file as UTF-8)"))
        }
        return Result { () throws(ContractError) in try MessageCoding.decode(T.self, from: Array(text)) }
            .mapError { IntakeRowError($0.reason) }
    }
}
