/// An AMQP field table: message headers and declaration arguments.
public typealias AMQPTable = [String: AMQPFieldValue]

/// A value in an ``AMQPTable``, limited to the types RabbitMQ accepts.
public enum AMQPFieldValue: Sendable, Hashable {
    case bool(Bool)
    case int8(Int8)
    case uint8(UInt8)
    case int16(Int16)
    case uint16(UInt16)
    case int32(Int32)
    case uint32(UInt32)
    case int64(Int64)
    case float(Float)
    case double(Double)
    /// A decimal number `value × 10^-scale`.
    case decimal(scale: UInt8, value: UInt32)
    /// A long string; RabbitMQ stores these as bytes, so text is sent as UTF-8.
    case string(String)
    /// A byte array (`x`), kept apart from strings so binary values survive untouched.
    case bytes([UInt8])
    case array([AMQPFieldValue])
    case table(AMQPTable)
    /// Seconds since 1970-01-01T00:00:00Z.
    case timestamp(UInt64)
    case void
}

extension AMQPFieldValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int64(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension AMQPFieldValue {
    /// The value as an integer when it is any integer type; `nil` otherwise.
    public var integerValue: Int64? {
        switch self {
        case .int8(let v): Int64(v)
        case .uint8(let v): Int64(v)
        case .int16(let v): Int64(v)
        case .uint16(let v): Int64(v)
        case .int32(let v): Int64(v)
        case .uint32(let v): Int64(v)
        case .int64(let v): v
        default: nil
        }
    }

    /// The value as text when it is a string; `nil` otherwise.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }
}
