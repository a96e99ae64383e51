import Logging
import Synchronization
import Testing

@testable import Observability

/// Values from outside reach the log on one line and capped: a creditor cannot forge log lines (issue 12).
@Suite struct EscapingLogHandlerTests {
    /// Keeps what it is asked to log.
    final class Captured: Sendable {
        let events = Mutex<[(message: String, metadata: [String: String])]>([])
    }

    struct Capturing: LogHandler {
        let captured: Captured
        var logLevel = Logger.Level.trace
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider?

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { $1 }
            captured.events.withLock { $0.append((event.message.description, merged.mapValues(\.description))) }
        }
    }

    private func logger(_ captured: Captured) -> Logger {
        Logger(label: "test") { _ in EscapingLogHandler(Capturing(captured: captured)) }
    }

    @Test func lineBreaksAndControlCharactersAreEscaped() {
        let captured = Captured()
        var logger = logger(captured)
        logger[metadataKey: "tact.queue"] = "calls\nforged=1"
        logger.warning(
            "Input refused",
            metadata: [
                "amqp.message_id": "P-1\nscheduler: forged line\r\u{1b}[31m\u{2028}end",
                "tact.list": .array(["a\nb"]),
            ])
        let event = captured.events.withLock { $0[0] }
        #expect(event.message == "Input refused")
        #expect(event.metadata["amqp.message_id"] == #"P-1\nscheduler: forged line\r\u{1b}[31m\u{2028}end"#)
        #expect(event.metadata["tact.queue"] == #"calls\nforged=1"#)
        #expect(event.metadata["tact.list"].map { !$0.contains("\n") } == true)
        #expect(!event.metadata.values.contains { $0.contains("\n") || $0.contains("\r") || $0.contains("\u{1b}") })
    }

    @Test func longValuesAreCappedWithTheirLengthCounted() {
        let captured = Captured()
        logger(captured).error("Failed", metadata: ["amqp.message_id": "\(String(repeating: "x", count: 10_000))"])
        let value = captured.events.withLock { $0[0].metadata["amqp.message_id"] ?? "" }
        let limit = EscapingLogHandler<Capturing>.maximumLength
        #expect(value == String(repeating: "x", count: limit) + "…(+\(10_000 - limit))")
    }

    @Test func ordinaryTextIsUnchanged() {
        let captured = Captured()
        logger(captured).info("Store opened", metadata: ["tact.store": "/var/lib/tact/tact.sqlite", "n": "3"])
        let event = captured.events.withLock { $0[0] }
        #expect(event.metadata == ["tact.store": "/var/lib/tact/tact.sqlite", "n": "3"])
    }
}
