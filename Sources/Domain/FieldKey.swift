/// A key by its name: for objects whose keys are data (weekdays, hold kinds), and for reading every key an object
/// has, whatever the type decoding it calls its keys.
public struct FieldKey: CodingKey {
    /// The name, or for a list element its position in decimal.
    public var stringValue: String
    /// The position, for a list element.
    public var intValue: Int?

    /// The key named `stringValue`.
    public init(stringValue: String) { self.stringValue = stringValue }
    /// The key named `name`.
    public init(_ name: String) { self.stringValue = name }
    /// The position of an element in a list, for a path such as `optOutChannels[1]`.
    public init(index: Int) {
        self.stringValue = "\(index)"
        self.intValue = index
    }
    /// The list element at `intValue`.
    public init?(intValue: Int) { self.init(index: intValue) }
}
