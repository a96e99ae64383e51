/// The limits every message is held to before it is decoded, whatever its type: how deep it nests, how many entries
/// an array or object has, how long a key or a text is, and no control characters in any text. Fields have tighter
/// limits of their own (ids, names, time zones; see `docs/amqp-api.md`), checked when the message is validated.
///
/// Checked on the bytes in one pass, before the decoder builds anything: a placement with 140,000 time zones or
/// 10,000 levels of nesting is refused for what it is, with the field named, and never reaches a worker.
public enum InputBounds {
    /// Levels of objects and arrays, the message itself included.
    public static let maximumDepth = 12
    /// Entries of any one array or object.
    public static let maximumEntries = 500
    /// Characters of any one text value: a backstop far above every field's own limit, which validation names.
    public static let maximumTextLength = 65_536
    /// Characters of any one key.
    public static let maximumKeyLength = 64
    /// Keys whose text may hold line breaks: postal addresses, a letter's `to` (which is one), and what a person wrote
    /// in a survey.
    static let multilineKeys: Set<String> = ["address", "to", "comment"]

    /// Throws for the first limit `body` exceeds; returns for anything within them, malformed JSON included (the
    /// decoder names that).
    public static func check(_ body: [UInt8]) throws(ContractError) {
        var scanner = Scanner(body)
        try scanner.run()
    }

    private struct Frame {
        var isObject: Bool
        var entries = 0
        var key: String?
        var expectingKey: Bool
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0
        var stack: [Frame] = []

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        mutating func run() throws(ContractError) {
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    try enterValue()
                    guard stack.count < InputBounds.maximumDepth else {
                        throw ContractError(
                            .invalidField, field: path, "too deep: more than \(InputBounds.maximumDepth) levels")
                    }
                    let isObject = byte == UInt8(ascii: "{")
                    stack.append(Frame(isObject: isObject, expectingKey: isObject))
                    index += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    guard stack.popLast() != nil else { return }
                    index += 1
                case UInt8(ascii: ","):
                    if let last = stack.indices.last, stack[last].isObject { stack[last].expectingKey = true }
                    index += 1
                case UInt8(ascii: "\""):
                    if let last = stack.indices.last, stack[last].isObject, stack[last].expectingKey {
                        try count(in: last)
                        let key = try string(isKey: true)
                        stack[last].key = key
                        stack[last].expectingKey = false
                    } else {
                        try enterValue()
                        _ = try string(isKey: false)
                    }
                case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"), UInt8(ascii: ":"):
                    index += 1
                default:
                    // A number, true, false or null: one value.
                    try enterValue()
                    while index < bytes.count, !Self.ends(bytes[index]) { index += 1 }
                }
            }
        }

        /// Counts a value in the array it is in (an object counts its keys).
        mutating func enterValue() throws(ContractError) {
            guard let last = stack.indices.last, !stack[last].isObject else { return }
            try count(in: last)
        }

        mutating func count(in frame: Int) throws(ContractError) {
            stack[frame].entries += 1
            guard stack[frame].entries <= InputBounds.maximumEntries else {
                throw ContractError(
                    .invalidField, field: Self.path(of: stack.prefix(frame)),
                    "too many entries: more than \(InputBounds.maximumEntries)")
            }
        }

        /// Reads a string from its opening quote; returns it only for a key.
        mutating func string(isKey: Bool) throws(ContractError) -> String? {
            let start = index + 1
            index = start
            var characters = 0
            let limit = isKey ? InputBounds.maximumKeyLength : InputBounds.maximumTextLength
            let multiline = !isKey && stack.last?.key.map(InputBounds.multilineKeys.contains) == true
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return isKey ? String(decoding: bytes[start..<(index - 1)], as: UTF8.self) : nil
                }
                // A byte that starts a character (not a UTF-8 continuation byte).
                if byte & 0xC0 != 0x80 { characters += 1 }
                guard characters <= limit else {
                    throw ContractError(
                        .invalidField, field: isKey ? Self.path(of: stack.dropLast()) : path,
                        isKey ? "a key longer than \(limit) characters" : "too long: more than \(limit) characters")
                }
                if byte == UInt8(ascii: "\\"), index + 1 < bytes.count {
                    let escaped = bytes[index + 1]
                    index += 2
                    switch escaped {
                    case UInt8(ascii: "n"), UInt8(ascii: "r"):
                        guard multiline else { throw controlCharacter(inKey: isKey) }
                    case UInt8(ascii: "t"), UInt8(ascii: "b"), UInt8(ascii: "f"):
                        throw controlCharacter(inKey: isKey)
                    case UInt8(ascii: "u"):
                        guard index + 4 <= bytes.count,
                            let value = UInt32(String(decoding: bytes[index..<(index + 4)], as: UTF8.self), radix: 16)
                        else { return nil }
                        index += 4
                        if value == 0x0A || value == 0x0D {
                            guard multiline else { throw controlCharacter(inKey: isKey) }
                        } else if value < 0x20 || (0x7F...0x9F).contains(value) {
                            throw controlCharacter(inKey: isKey)
                        }
                    default: break
                    }
                    continue
                }
                // Raw: C0 controls and DEL, and C1 controls (U+0080–U+009F, encoded C2 80–C2 9F).
                if byte < 0x20 || byte == 0x7F
                    || (byte == 0xC2 && index + 1 < bytes.count && (0x80...0x9F).contains(bytes[index + 1]))
                {
                    throw controlCharacter(inKey: isKey)
                }
                index += 1
            }
            return nil
        }

        func controlCharacter(inKey: Bool = false) -> ContractError {
            let field = inKey ? Self.path(of: stack.dropLast()) : path
            return ContractError(.invalidField, field: field, "a control character is not allowed")
        }

        /// Where the scanner is, as `debtor.timeZones[3]`.
        var path: String { Self.path(of: stack[...]) }

        /// The path `frames` lead to; keys that are not plain names show as `?` (they are the sender's text).
        static func path(of frames: ArraySlice<Frame>) -> String {
            var path = ""
            for frame in frames {
                if frame.isObject {
                    guard let key = frame.key else { continue }
                    let plain = key.utf8.allSatisfy { byte in
                        (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || byte == 95
                            || byte == 45
                    }
                    path += (path.isEmpty ? "" : ".") + (plain ? key : "?")
                } else {
                    path += "[\(max(frame.entries - 1, 0))]"
                }
            }
            return path
        }

        static func ends(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") || byte == 32
                || byte == 10 || byte == 13 || byte == 9
        }
    }
}
