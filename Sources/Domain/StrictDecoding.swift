import Foundation

/// The one strict decoder of Tact's configuration: decodes any `Decodable` through another decoder (YAML or JSON)
/// and refuses every key of an object that the type's decoding never asked for, naming its path and the keys that
/// are accepted there. A misspelt setting is an error rather than silently ignored (Codable ignores unknown keys).
///
/// Types need nothing special: the keys a type asks for, present or not (`decode`, `decodeIfPresent`), are the keys
/// it accepts, so synthesized `Decodable` conformances are strict as they are. Contract messages are not decoded
/// this way: the contract lets them carry fields a newer sender adds.
///
/// ```swift
/// let rulebook = try YAMLDecoder().decode(Strict<Rulebook>.self, from: text).value
/// ```
public struct Strict<Value: Decodable>: Decodable {
    public let value: Value

    public init(from decoder: any Decoder) throws {
        let ledger = KeyLedger()
        value = try Value(from: StrictDecoder(inner: decoder, ledger: ledger))
        if let unknown = ledger.firstUnknown() {
            throw PolicyError.decoding(
                .invalidValue, "unknown field; expected one of \(unknown.expected.joined(separator: ", "))",
                at: unknown.path)
        }
    }
}

/// Which keys each object had and which of them the decoding asked for, by the object's path. Several containers
/// over one object (a type that looks at its keys before decoding them) share one entry.
private final class KeyLedger {
    private var order: [String] = []
    private var present: [String: (path: [any CodingKey], keys: [any CodingKey])] = [:]
    private var asked: [String: Set<String>] = [:]

    func saw(_ keys: [any CodingKey], at path: [any CodingKey]) {
        let id = PolicyError.path(path)
        if present[id] == nil {
            order.append(id)
            present[id] = (path, keys)
        }
    }

    func asked(_ key: any CodingKey, at path: [any CodingKey]) {
        asked[PolicyError.path(path), default: []].insert(key.stringValue)
    }

    /// The first key, in the order objects were met, that nothing asked for.
    func firstUnknown() -> (path: [any CodingKey], expected: [String])? {
        for id in order {
            guard let (path, keys) = present[id] else { continue }
            let known = asked[id] ?? []
            if let key = keys.first(where: { !known.contains($0.stringValue) }) {
                return (path + [key], known.sorted())
            }
        }
        return nil
    }
}

/// A key by its name: for objects whose keys are data (weekdays, hold kinds), and for reading every key an object
/// has, whatever the type decoding it calls its keys.
public struct FieldKey: CodingKey {
    public var stringValue: String
    public var intValue: Int?
    public init(stringValue: String) { self.stringValue = stringValue }
    public init(_ name: String) { self.stringValue = name }
    /// The position of an element in a list, for a path such as `optOutChannels[1]`.
    public init(index: Int) {
        self.stringValue = "\(index)"
        self.intValue = index
    }
    public init?(intValue: Int) { self.init(index: intValue) }
}

private struct StrictDecoder: Decoder {
    let inner: any Decoder
    let ledger: KeyLedger

    var codingPath: [any CodingKey] { inner.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { inner.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let container = try inner.container(keyedBy: type)
        // The type's own keys drop those it does not know: read them all as plain strings.
        let present = (try? inner.container(keyedBy: FieldKey.self))?.allKeys ?? []
        if let iterable = type as? any CaseIterable.Type {
            // Keys that list themselves are all known at once: a misspelt key is reported before the field it
            // was meant to be is found missing.
            let known = Set(names(of: iterable))
            for key in known { ledger.asked(FieldKey(key), at: container.codingPath) }
            if let key = present.first(where: { !known.contains($0.stringValue) }) {
                throw PolicyError.decoding(
                    .invalidValue, "unknown field; expected one of \(known.sorted().joined(separator: ", "))",
                    at: container.codingPath + [key])
            }
        }
        ledger.saw(present, at: container.codingPath)
        return KeyedDecodingContainer(StrictKeyedContainer(inner: container, ledger: ledger))
    }

    private func names<Keys: CaseIterable>(of keys: Keys.Type) -> [String] {
        keys.allCases.compactMap { ($0 as? any CodingKey)?.stringValue }
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        StrictUnkeyedContainer(inner: try inner.unkeyedContainer(), ledger: ledger)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        StrictSingleValueContainer(inner: try inner.singleValueContainer(), decoder: self)
    }
}

/// Types the underlying decoders decode as scalars of their own (a `Decimal` from a YAML number, say), which their
/// own `init(from:)` would read differently.
private func isScalar<T>(_ type: T.Type) -> Bool {
    type == Decimal.self || type == Date.self || type == Data.self || type == URL.self || type == UUID.self
}

private struct StrictKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let inner: KeyedDecodingContainer<Key>
    let ledger: KeyLedger

    var codingPath: [any CodingKey] { inner.codingPath }
    var allKeys: [Key] { inner.allKeys }

    func contains(_ key: Key) -> Bool { inner.contains(key) }

    private func scalar<T>(_ key: Key, _ decode: () throws -> T) throws -> T {
        ledger.asked(key, at: codingPath)
        return try decode()
    }

    func decodeNil(forKey key: Key) throws -> Bool { try scalar(key) { try inner.decodeNil(forKey: key) } }

    // Scalars go straight to the underlying decoder: they have no keys.
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool {
        try scalar(key) { try inner.decode(type, forKey: key) }
    }
    func decode(_ type: String.Type, forKey key: Key) throws -> String {
        try scalar(key) { try inner.decode(type, forKey: key) }
    }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double {
        try scalar(key) { try inner.decode(type, forKey: key) }
    }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float {
        try scalar(key) { try inner.decode(type, forKey: key) }
    }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int {
        try scalar(key) { try inner.decode(type, forKey: key) }
    }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 {
        try scalar(key) { try inner.decode(type, forKey: key) }
    }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 {
        try scalar(key) { try inner.decode(type, forKey: key) }
    }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 {
        try scalar(key) { try inner.decode(type, forKey: key) }
    }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 {
        try scalar(key) { try inner.decode(type, forKey: key) }
    }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt {
        try scalar(key) { try inner.decode(type, forKey: key) }
    }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 {
        try scalar(key) { try inner.decode(type, forKey: key) }
    }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 {
        try scalar(key) { try inner.decode(type, forKey: key) }
    }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 {
        try scalar(key) { try inner.decode(type, forKey: key) }
    }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 {
        try scalar(key) { try inner.decode(type, forKey: key) }
    }
    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? {
        try scalar(key) { try inner.decodeIfPresent(type, forKey: key) }
    }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? {
        try scalar(key) { try inner.decodeIfPresent(type, forKey: key) }
    }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? {
        try scalar(key) { try inner.decodeIfPresent(type, forKey: key) }
    }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? {
        try scalar(key) { try inner.decodeIfPresent(type, forKey: key) }
    }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? {
        try scalar(key) { try inner.decodeIfPresent(type, forKey: key) }
    }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? {
        try scalar(key) { try inner.decodeIfPresent(type, forKey: key) }
    }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? {
        try scalar(key) { try inner.decodeIfPresent(type, forKey: key) }
    }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? {
        try scalar(key) { try inner.decodeIfPresent(type, forKey: key) }
    }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? {
        try scalar(key) { try inner.decodeIfPresent(type, forKey: key) }
    }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? {
        try scalar(key) { try inner.decodeIfPresent(type, forKey: key) }
    }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? {
        try scalar(key) { try inner.decodeIfPresent(type, forKey: key) }
    }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? {
        try scalar(key) { try inner.decodeIfPresent(type, forKey: key) }
    }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? {
        try scalar(key) { try inner.decodeIfPresent(type, forKey: key) }
    }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? {
        try scalar(key) { try inner.decodeIfPresent(type, forKey: key) }
    }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        ledger.asked(key, at: codingPath)
        if isScalar(type) { return try inner.decode(type, forKey: key) }
        return try T(from: StrictDecoder(inner: try inner.superDecoder(forKey: key), ledger: ledger))
    }

    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        ledger.asked(key, at: codingPath)
        guard inner.contains(key), try !inner.decodeNil(forKey: key) else { return nil }
        return try decode(type, forKey: key)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try superDecoder(forKey: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try superDecoder(forKey: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder { StrictDecoder(inner: try inner.superDecoder(), ledger: ledger) }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        ledger.asked(key, at: codingPath)
        return StrictDecoder(inner: try inner.superDecoder(forKey: key), ledger: ledger)
    }
}

private struct StrictUnkeyedContainer: UnkeyedDecodingContainer {
    var inner: any UnkeyedDecodingContainer
    let ledger: KeyLedger

    var codingPath: [any CodingKey] { inner.codingPath }
    var count: Int? { inner.count }
    var isAtEnd: Bool { inner.isAtEnd }
    var currentIndex: Int { inner.currentIndex }

    mutating func decodeNil() throws -> Bool { try inner.decodeNil() }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try inner.decode(type) }
    mutating func decode(_ type: String.Type) throws -> String { try inner.decode(type) }
    mutating func decode(_ type: Double.Type) throws -> Double { try inner.decode(type) }
    mutating func decode(_ type: Float.Type) throws -> Float { try inner.decode(type) }
    mutating func decode(_ type: Int.Type) throws -> Int { try inner.decode(type) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try inner.decode(type) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try inner.decode(type) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try inner.decode(type) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try inner.decode(type) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try inner.decode(type) }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try inner.decode(type) }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try inner.decode(type) }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try inner.decode(type) }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try inner.decode(type) }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if isScalar(type) { return try inner.decode(type) }
        return try T(from: try superDecoder())
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try superDecoder().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try superDecoder().unkeyedContainer()
    }

    mutating func superDecoder() throws -> any Decoder {
        StrictDecoder(inner: try inner.superDecoder(), ledger: ledger)
    }
}

private struct StrictSingleValueContainer: SingleValueDecodingContainer {
    let inner: any SingleValueDecodingContainer
    let decoder: StrictDecoder

    var codingPath: [any CodingKey] { inner.codingPath }

    func decodeNil() -> Bool { inner.decodeNil() }
    func decode(_ type: Bool.Type) throws -> Bool { try inner.decode(type) }
    func decode(_ type: String.Type) throws -> String { try inner.decode(type) }
    func decode(_ type: Double.Type) throws -> Double { try inner.decode(type) }
    func decode(_ type: Float.Type) throws -> Float { try inner.decode(type) }
    func decode(_ type: Int.Type) throws -> Int { try inner.decode(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try inner.decode(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try inner.decode(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try inner.decode(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try inner.decode(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try inner.decode(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try inner.decode(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try inner.decode(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try inner.decode(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try inner.decode(type) }

    /// A value that is itself a type with keys (a struct decoded from a single value): decoded strictly too.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        if isScalar(type) { return try inner.decode(type) }
        return try T(from: decoder)
    }
}
