import Foundation

/// `tact status --json`: the snapshot as one line of JSON, keys sorted, instants in RFC 3339.
package enum StatusJSON {
    package static func line(_ snapshot: StatusSnapshot) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain values cannot fail; if it ever did, the line says so rather than printing nothing.
        guard let data = try? encoder.encode(snapshot) else { return "{\"error\":\"cannot encode the status\"}" }
        return String(decoding: data, as: UTF8.self)
    }
}
