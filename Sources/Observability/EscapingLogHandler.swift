import Domain
import Logging

/// Writes through another handler with every message and metadata value made safe to print: line breaks and other
/// control characters escaped (`\n`, `\u{1b}`), and each value capped in length. Message ids, routing keys and
/// broker users come from outside; without it, a creditor could forge log lines with a `message_id` holding a line
/// break, or flood the log with one of a megabyte.
public struct EscapingLogHandler<Inner: LogHandler>: LogHandler {
    /// Characters kept of any one value; the rest is counted, not shown.
    public static var maximumLength: Int { 256 }

    private var inner: Inner

    public init(_ inner: Inner) { self.inner = inner }

    public var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    public var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue.mapValues(Self.escape) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue.map(Self.escape) }
    }

    public func log(event: LogEvent) {
        var event = event
        event.message = "\(Self.escape(event.message.description))"
        event.metadata = event.metadata?.mapValues(Self.escape)
        inner.log(event: event)
    }

    public static func escape(_ value: Logger.Metadata.Value) -> Logger.Metadata.Value {
        switch value {
        case .string(let text): .string(escape(text))
        case .stringConvertible(let value): .string(escape(value.description))
        case .array(let values): .array(values.map(escape))
        case .dictionary(let values): .dictionary(values.mapValues(escape))
        }
    }

    /// `text` on one line, at most ``maximumLength`` characters of it (``OneLine``).
    public static func escape(_ text: String) -> String { OneLine.escape(text, limit: maximumLength) }
}
