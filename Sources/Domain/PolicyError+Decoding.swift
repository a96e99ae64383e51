import Foundation

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

    package static func decoding(_ code: Code, _ problem: String, in container: any SingleValueDecodingContainer)
        -> DecodingError
    {
        decoding(code, problem, at: container.codingPath)
    }

    /// `debtor.holds[0].since` from a coding path.
    package static func path(_ codingPath: [any CodingKey]) -> String {
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

    /// The error for a key an object may not have, naming the keys it accepts when they are known.
    public static func unknownField(at codingPath: [any CodingKey], accepted: [String]?) -> DecodingError {
        let list = accepted.map { "; expected one of \($0.joined(separator: ", "))" } ?? ""
        return decoding(.invalidValue, "unknown field\(list)", at: codingPath)
    }
}
