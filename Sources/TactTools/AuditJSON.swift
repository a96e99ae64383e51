import Domain
import Policy

/// A JSON value whose objects keep their fields in the order written, so that the audit export, `tact explain
/// --json` and `tact dead list --json` print fields in one documented, stable order (JSONEncoder sorts them or
/// leaves the order unspecified). One value renders as one line.
package indirect enum AuditJSON: Equatable {
    case object([(String, AuditJSON)])
    case array([AuditJSON])
    case string(String)
    case int(Int64)
    case bool(Bool)
    case null
    /// JSON rendered already (the audit trail's canonical detail), written as it is.
    case raw(String)

    package static func == (lhs: AuditJSON, rhs: AuditJSON) -> Bool { lhs.rendered == rhs.rendered }

    /// An optional string or `null`.
    package static func text(_ value: String?) -> AuditJSON { value.map(AuditJSON.string) ?? .null }

    /// An instant as Tact writes it (RFC 3339 in UTC), or `null`.
    package static func instant(_ value: Instant?) -> AuditJSON { value.map { .string($0.description) } ?? .null }

    /// Compact JSON on one line.
    package var rendered: String {
        var output = ""
        write(to: &output)
        return output
    }

    private func write(to output: inout String) {
        switch self {
        case .object(let fields):
            output += "{"
            for (index, (key, value)) in fields.enumerated() {
                if index > 0 { output += "," }
                Self.quote(key, to: &output)
                output += ":"
                value.write(to: &output)
            }
            output += "}"
        case .array(let values):
            output += "["
            for (index, value) in values.enumerated() {
                if index > 0 { output += "," }
                value.write(to: &output)
            }
            output += "]"
        case .string(let text): Self.quote(text, to: &output)
        case .int(let number): output += String(number)
        case .bool(let flag): output += flag ? "true" : "false"
        case .null: output += "null"
        case .raw(let json): output += json
        }
    }

    private static func quote(_ text: String, to output: inout String) { JSONString.quote(text, to: &output) }
}
