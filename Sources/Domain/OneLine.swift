/// Text from outside (message ids, routing keys, broker users) made safe to print on one line: line breaks and
/// other control and format characters escaped (`\n`, `\u{1b}`), and at most `limit` characters kept, the rest
/// counted. Logs and the operators' tools print such values; unescaped, a sender could forge lines.
public enum OneLine {
    public static func escape(_ text: String, limit: Int) -> String {
        var output = ""
        var kept = 0
        for character in text.unicodeScalars {
            if kept == limit {
                output += "…(+\(text.unicodeScalars.count - kept))"
                break
            }
            kept += 1
            switch character {
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\\": output += "\\\\"
            case _
            where character.properties.generalCategory == .control
                || character.properties.generalCategory == .format
                || character.properties.generalCategory == .lineSeparator
                || character.properties.generalCategory == .paragraphSeparator:
                output += "\\u{\(String(character.value, radix: 16))}"
            default: output.unicodeScalars.append(character)
            }
        }
        return output
    }
}
