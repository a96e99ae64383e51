import ArgumentParser
import Contract
import TactConfig
import Foundation
import Policy

/// `tact event`: publish one life or account event.
struct EventCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "event",
        abstract: "Publish a life or account event (bereavement, dispute, opt-out, payment, …) for a debtor.",
        discussion: "Kinds: \(LifeEvent.Kind.allCases.map(\.rawValue).joined(separator: ", ")). Broker: TACT_AMQP_URL.")

    @Option(help: "The debtor's id.") var debtor: String
    @Option(help: "What happened.") var kind: String
    @Option(help: "The debt concerned (required for payment and closed).") var debt: String?
    @Option(help: "When it happened, RFC 3339 (default: now).") var at: String?
    @Option(help: "When the hold ends, RFC 3339.") var until: String?
    @Option(help: "For opt-out and opt-in: call, sms, email or letter.") var channel: String?
    @Option(help: "Representative's phone (attorney, estate).") var representativePhone: String?
    @Option(help: "Representative's e-mail.") var representativeEmail: String?
    @Option(help: "Event id (default: a new unique id). Publishing the same id twice changes nothing.") var id: String?
    @OptionGroup var options: ServiceOptions

    func run() async throws {
        let event: LifeEvent
        do {
            event = try makeEvent()
        } catch {
            throw fail("event", error, code: 2)
        }
        do {
            let environment = try ServiceEnvironment(options)
            _ = try await IntakePublisher.publish(
                [.init(routingKey: "event", messageID: event.eventId, type: LifeEvent.messageType, body: MessageCoding.encode(event))],
                amqp: try environment.amqp(connectionName: "tact-event"),
                prefix: environment.configuration.exchangePrefix, userID: nil)
            print("published event \(event.eventId) (\(event.kind.rawValue)) for debtor \(event.debtorId)")
        } catch {
            throw fail("event", error)
        }
    }

    private func makeEvent() throws -> LifeEvent {
        func instant(_ text: String?, _ name: String) throws -> Instant? {
            guard let text else { return nil }
            guard let value = Instant(rfc3339: text) else { throw ValidationError("--\(name) must be RFC 3339, e.g. 2026-12-01T10:00:00Z") }
            return value
        }
        guard let kind = LifeEvent.Kind(rawValue: kind) else {
            throw ValidationError("unknown kind; expected one of \(LifeEvent.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var channelValue: Channel?
        if let channel {
            guard let value = Channel(rawValue: channel) else { throw ValidationError("--channel must be call, sms, email or letter") }
            channelValue = value
        }
        let representative =
            representativePhone == nil && representativeEmail == nil
            ? nil : Representative(kind: kind.rawValue, phone: representativePhone, email: representativeEmail)
        let event = LifeEvent(
            eventId: id ?? "E-\(UUID().uuidString.lowercased())", debtorId: debtor, debtId: debt, kind: kind,
            at: try instant(at, "at") ?? Instant(Date()), channel: channelValue, until: try instant(until, "until"),
            representative: representative)
        try event.validate()
        return event
    }
}
