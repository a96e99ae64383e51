import Foundation

/// The one strict decoder of Tact's configuration: decodes any `Decodable` through another decoder (YAML or JSON)
/// and refuses every key of an object that the type's decoding never asked for, naming its path and the keys that
/// are accepted there. A misspelt setting is an error rather than silently ignored (Codable ignores unknown keys).
///
/// Types need nothing special: an enum of coding keys (synthesized or written out) names the keys a type accepts,
/// so synthesized `Decodable` conformances are strict as they are, and a key it does not know is refused before
/// the field it misspells is found missing; when the enum is `CaseIterable`, the error lists the accepted keys.
/// Objects whose keys are data (dictionaries, ``FieldKey``) are checked once decoded, against the keys the decoding
/// asked for. Contract messages are not decoded this way: the contract lets them carry fields a newer sender adds.
///
/// ```swift
/// let rulebook = try YAMLDecoder().decode(Strict<Rulebook>.self, from: text).value
/// ```
public struct Strict<Value: Decodable>: Decodable {
    /// The decoded value, every key of which was asked for.
    public let value: Value

    public init(from decoder: any Decoder) throws {
        let ledger = KeyLedger()
        value = try Value(from: StrictDecoder(inner: decoder, ledger: ledger))
        if let unknown = ledger.firstUnknown() {
            throw PolicyError.unknownField(at: unknown.path, accepted: unknown.expected)
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

private struct StrictDecoder: Decoder {
    let inner: any Decoder
    let ledger: KeyLedger

    var codingPath: [any CodingKey] { inner.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { inner.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        let container = try inner.container(keyedBy: type)
        // Every key the object has, read as plain names: the type's own keys leave out those it does not know.
        let present = (try? inner.container(keyedBy: FieldKey.self))?.allKeys ?? []
        let accepted = (type as? any CaseIterable.Type).map { names(of: $0) }
        for key in accepted ?? [] { ledger.asked(FieldKey(key), at: container.codingPath) }
        // An enum of keys (written out or synthesized) makes keys of the names it knows only, so the names it
        // drops are exactly the unknown ones: refuse them now, before a field they misspell is found missing.
        let known = Set(container.allKeys.map(\.stringValue))
        if let key = present.first(where: { !known.contains($0.stringValue) }) {
            throw PolicyError.unknownField(at: container.codingPath + [key], accepted: accepted)
        }
        // Keys that are data (FieldKey, a dictionary's) are all "known": they are checked once decoded, against
        // the keys the decoding asked for.
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
        // Some decoders hand out a decoder of null for a missing key: a missing field must say so.
        guard inner.contains(key) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "missing field"))
        }
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
