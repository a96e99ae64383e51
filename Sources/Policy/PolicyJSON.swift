import Domain
import Foundation

/// The JSON codec for the `tact policy evaluate` contract, shared by the CLI and workers so that both accept
/// and produce exactly the same documents.
public enum PolicyJSON {
    /// Decodes a value (typically a ``PolicyRequest``) strictly (``Strict``: an unknown key is an error), turning
    /// every decoding failure into a ``PolicyError`` that names the field path and the problem.
    public static func decode<Value: Decodable>(_ type: Value.Type, from data: Data) throws(PolicyError) -> Value {
        do {
            return try JSONDecoder().decode(Strict<Value>.self, from: data).value
        } catch let error as DecodingError {
            throw PolicyError(decodingError: error)
        } catch let error as PolicyError {
            throw error
        } catch {
            throw PolicyError(.malformedJSON, field: "", "input is not valid JSON")
        }
    }

    /// Encodes a value with sorted keys and no escaped slashes, so output is byte-for-byte reproducible.
    public static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Only our own value types reach here; they encode strings and integers and cannot fail.
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }
}
