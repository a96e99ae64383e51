import Foundation

/// The JSON text of nested values kept in one column (contact details, time zones, reasons, headers).
///
/// Keys are sorted so that the same value is always the same text. A value that does not decode is reported by
/// its column only: the text itself may be personal data.
enum StoredJSON {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
    static let decoder = JSONDecoder()

    static func decode<T: Decodable>(_ type: T.Type, from text: String, column: String, path: String) throws -> T {
        do {
            return try decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw StoreError(.corrupt, path: path, reason: "the JSON in \(column) does not decode")
        }
    }
}
