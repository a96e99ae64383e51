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

extension PolicyError {
    /// Maps a `DecodingError` (from JSON or YAML decoding) to a coded error with a dotted field path.
    public init(decodingError error: DecodingError) {
        switch error {
        case .keyNotFound(let key, let context):
            self.init(.missingField, field: Self.path(context.codingPath + [key]), "missing field")
        case .valueNotFound(let type, let context):
            self.init(
                .missingField, field: Self.path(context.codingPath), "missing value (expected \(Self.noun(type)))")
        case .typeMismatch(let type, let context):
            self.init(.invalidValue, field: Self.path(context.codingPath), "expected \(Self.noun(type))")
        case .dataCorrupted(let context):
            if let underlying = context.underlyingError as? PolicyError {
                self = underlying
            } else if context.codingPath.isEmpty {
                self.init(.malformedJSON, field: "", "input is not valid JSON")
            } else {
                self.init(.invalidValue, field: Self.path(context.codingPath), "invalid value")
            }
        @unknown default:
            self.init(.invalidValue, field: "", "undecodable input")
        }
    }

    /// The error to throw from `init(from:)` when a value is unacceptable: a `DecodingError` (so decoders keep
    /// their usual control flow) carrying the coded error with the field path filled in.
    public static func decoding(_ code: Code, _ problem: String, at codingPath: [any CodingKey]) -> DecodingError {
        let error = PolicyError(code, field: path(codingPath), problem)
        return .dataCorrupted(
            .init(codingPath: codingPath, debugDescription: error.description, underlyingError: error))
    }

    static func decoding(_ code: Code, _ problem: String, in container: any SingleValueDecodingContainer)
        -> DecodingError
    {
        decoding(code, problem, at: container.codingPath)
    }

    /// `debtor.holds[0].since` from a coding path.
    static func path(_ codingPath: [any CodingKey]) -> String {
        var result = ""
        for key in codingPath {
            if let index = key.intValue {
                result += "[\(index)]"
            } else {
                result += result.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return result
    }

    private static func noun(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Bool.Type: "a boolean"
        default:
            String(describing: type).hasPrefix("Array") ? "a list" : "an object"
        }
    }
}
