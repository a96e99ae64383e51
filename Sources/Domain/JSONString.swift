/// JSON string literals, written by hand where Tact renders JSON itself (the audit trail's canonical detail, the
/// tools' fixed field order).
package enum JSONString {
    /// Appends `text` as a quoted JSON string: quotes, backslashes and control characters escaped, the rest as is.
    package static func quote(_ text: String, to output: inout String) {
        // Ids, codes and times need no escaping: appended whole.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            output += "\""
            output += text
            output += "\""
            return
        }
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
