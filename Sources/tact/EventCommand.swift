import ArgumentParser
import Contract
import Domain
import Foundation
import Intake
import Policy
import TactConfig
import TactTools

/// `tact event`: publish one life or account event from options, or every event of a JSON-lines file.
///
/// Exit status: 0 when published; 2 for bad input (each problem on one line, nothing published); 1 when the
/// configuration cannot be loaded or the broker cannot be reached or does not confirm.
struct EventCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "event",
        abstract: "Publish a life or account event (bereavement, dispute, opt-out, payment, …) for a debtor.",
        discussion: """
            Kinds: \(LifeEvent.Kind.allCases.map(\.rawValue).joined(separator: ", ")). With --file, every line of \
            the file (one event message each, as in docs/amqp-api.md) is checked first; if any is bad, each bad \
            line is reported with its number and reason and nothing is published. Broker: TACT_AMQP_URL.
            """)

    @Option(help: "The debtor's id (the creditor's own).") var debtor: String?
    @Option(help: "The debtor's creditor; needed when several creditors have a debtor with this id.")
    var creditor: String?
    @Option(help: "What happened.") var kind: String?
    @Option(help: "The debt concerned (required for payment, promise, closed, recall and plan).") var debt: String?
    @Option(help: "When it happened, RFC 3339 (default: now).") var at: String?
    @Option(help: "When the hold ends, RFC 3339.") var until: String?
    @Option(help: "For opt-out and opt-in: call, sms, email or letter.") var channel: String?
    @Option(help: "Representative's phone (attorney, estate).") var representativePhone: String?
    @Option(help: "Representative's e-mail.") var representativeEmail: String?
    @Option(
        name: .customLong("instalment"),
        help: "For plan: one instalment, AMOUNT@YYYY-MM-DD (the debtor's local day); repeat it for each, in order.")
    var instalments: [String] = []
    @Option(help: "For payment: the amount paid (default: the balance left, or the plan's next instalment).")
    var amount: String?
    @Option(help: "For payment: its currency, which must be the debt's (default: the debt's).")
    var currency: String?
    @Option(help: "For promise: what the debtor promised the creditor, AMOUNT@YYYY-MM-DD (their local day).")
    var promise: String?
    @Option(help: "Event id (default: a new unique id). Publishing the same id twice changes nothing.") var id: String?
    @Option(help: "A JSON-lines file of event messages to publish instead of one event from the options.")
    var file: String?
    @OptionGroup var options: ServiceOptions

    func run() async throws {
        let items: [IntakePublisher.Item]
        let summary: String
        do {
            if let file {
                items = try readFile(file)
                summary = "published \(items.count) event\(items.count == 1 ? "" : "s") from \(file)"
            } else {
                let event = try makeEvent()
                items = [item(event)]
                summary = "published event \(event.eventId) (\(event.kind.rawValue)) for debtor \(event.debtorId)"
            }
        } catch is AlreadyReported {
            throw ExitCode(2)
        } catch {
            throw fail("event", error, code: 2)
        }
        do {
            let environment = try ServiceEnvironment(options)
            _ = try await IntakePublisher.publish(
                items, amqp: try environment.amqp(connectionName: "tact-event"),
                prefix: environment.configuration.exchangePrefix, userID: try environment.intakeUserID())
        } catch {
            throw fail("event", error)
        }
        print(summary)
    }

    /// The problems were written to stderr, one line each.
    private struct AlreadyReported: Error {}

    private func item(_ event: LifeEvent) -> IntakePublisher.Item {
        .init(
            routingKey: "event", messageID: event.eventId, type: LifeEvent.messageType,
            body: MessageCoding.encode(event))
    }

    /// Every line checked; the bad ones reported on stderr. Lines are published as written.
    private func readFile(_ path: String) throws -> [IntakePublisher.Item] {
        let given = [
            debtor, creditor, kind, debt, at, until, channel, representativePhone, representativeEmail, amount,
            currency, promise, id,
        ]
        guard given.allSatisfy({ $0 == nil }), instalments.isEmpty else {
            throw ValidationError("--file publishes the events in the file; drop the single event's options")
        }
        guard FileManager.default.fileExists(atPath: path) else { throw PlaceError("\(path): no such file") }
        guard let data = FileManager.default.contents(atPath: path) else { throw PlaceError("\(path): cannot read") }
        let bytes = Array(data)
        var items: [IntakePublisher.Item] = []
        var bad: [String] = []
        var firstLine: [String: Int] = [:]
        for (line, range) in IntakeJSONLines.lines(bytes) {
            switch IntakeJSONLines.decode(LifeEvent.self, bytes[range]) {
            case .success(let event):
                // Event ids are each creditor's own: two creditors' E-1 are two events.
                let key = "\(event.creditorId ?? "")\n\(event.eventId)"
                if let first = firstLine[key] {
                    bad.append("line \(line): conflict: eventId: same as line \(first)")
                    continue
                }
                firstLine[key] = line
                items.append(
                    .init(
                        routingKey: "event", messageID: event.eventId, type: LifeEvent.messageType,
                        body: Array(bytes[range])))
            case .failure(let error):
                bad.append("line \(line): \(error.reason)")
            }
        }
        guard bad.isEmpty else {
            let lines = bad.map { "tact event: \($0)\n" }.joined()
            FileHandle.standardError.write(Data(lines.utf8))
            FileHandle.standardError.write(
                Data("tact event: error: \(bad.count) bad line\(bad.count == 1 ? "" : "s"); nothing published\n".utf8))
            throw AlreadyReported()
        }
        guard !items.isEmpty else { throw PlaceError("\(path): no events in the file") }
        return items
    }

    private func makeEvent() throws -> LifeEvent {
        func instant(_ text: String?, _ name: String) throws -> Instant? {
            guard let text else { return nil }
            guard let value = Instant(rfc3339: text) else {
                throw ValidationError("--\(name) must be RFC 3339, e.g. 2026-12-01T10:00:00Z")
            }
            return value
        }
        guard let debtor else { throw ValidationError("--debtor is required (or --file with events)") }
        guard let kindName = kind else { throw ValidationError("--kind is required (or --file with events)") }
        guard let kind = LifeEvent.Kind(rawValue: kindName) else {
            let kinds = LifeEvent.Kind.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--kind: unknown kind; expected one of \(kinds)")
        }
        var channelValue: Channel?
        if let channel {
            guard let value = Channel(rawValue: channel) else {
                throw ValidationError("--channel must be call, sms, email or letter")
            }
            channelValue = value
        }
        if !instalments.isEmpty, kind != .plan {
            throw ValidationError("--instalment goes with --kind plan")
        }
        let plan = try instalments.map { text in
            let parts = text.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw ValidationError("--instalment must be AMOUNT@YYYY-MM-DD, e.g. 50.00@2026-12-10")
            }
            return LifeEvent.Instalment(amount: String(parts[0]), dueDate: String(parts[1]))
        }
        var promised: Outcome.Promise?
        if let promise {
            let parts = promise.split(separator: "@", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw ValidationError("--promise must be AMOUNT@YYYY-MM-DD, e.g. 50.00@2026-12-10")
            }
            promised = Outcome.Promise(amount: String(parts[0]), date: String(parts[1]))
        }
        let representative =
            representativePhone == nil && representativeEmail == nil
            ? nil : Representative(kind: kind.rawValue, phone: representativePhone, email: representativeEmail)
        let event = LifeEvent(
            eventId: id ?? "E-\(UUID().uuidString.lowercased())", creditorId: creditor, debtorId: debtor, debtId: debt,
            kind: kind,
            at: try instant(at, "at") ?? Instant(Date()), channel: channelValue, until: try instant(until, "until"),
            representative: representative, instalments: plan.isEmpty ? nil : plan, amount: amount, currency: currency,
            promise: promised)
        try event.validate()
        return event
    }
}
