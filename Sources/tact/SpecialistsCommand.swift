import ArgumentParser
import Contract
import Domain
import Foundation
import Intake
import Policy
import TactConfig
import TactTools

/// `tact specialists …`: absences and hand-overs. Published on the intake exchange like any creditor message.
struct SpecialistsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "specialists",
        abstract: "Record a specialist's absence or return, or hand a case over.",
        subcommands: [Away.self, Back.self, Handover.self])

    struct Away: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A specialist is away: their calls go to a backup (or the pool) until they are back.")
        @Argument(help: "The specialist's id.") var specialist: String
        @Option(help: "Back on this day (YYYY-MM-DD, from 00:00 UTC) or at this instant (RFC 3339).") var until: String
        @Option(help: "Who takes their calls meanwhile (default: the pool).") var backup: String?
        @OptionGroup var options: ServiceOptions

        func run() async throws {
            try await SpecialistsCommand.publish(
                {
                    SpecialistChange(changeId: $0, action: .away, specialistId: specialist, until: $1, backupId: backup)
                },
                until: until, options: options)
        }
    }

    struct Back: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A specialist is back early: their calls return.")
        @Argument(help: "The specialist's id.") var specialist: String
        @OptionGroup var options: ServiceOptions

        func run() async throws {
            try await SpecialistsCommand.publish(
                { id, _ in SpecialistChange(changeId: id, action: .back, specialistId: specialist) }, until: nil,
                options: options)
        }
    }

    struct Handover: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hand a debtor's case to another specialist for good.")
        @Argument(help: "The debtor's id.") var debtor: String
        @Option(help: "The specialist taking the case over.") var to: String
        @OptionGroup var options: ServiceOptions

        func run() async throws {
            try await SpecialistsCommand.publish(
                { id, _ in SpecialistChange(changeId: id, action: .handover, specialistId: to, debtorId: debtor) },
                until: nil, options: options)
        }
    }

    static func publish(
        _ make: (String, Instant?) -> SpecialistChange, until: String?, options: ServiceOptions
    ) async throws {
        let change: SpecialistChange
        do {
            var instant: Instant?
            if let until {
                guard let parsed = Instant(rfc3339: until) ?? Instant(rfc3339: until + "T00:00:00Z") else {
                    throw ValidationError("--until must be a date (YYYY-MM-DD) or an RFC 3339 instant")
                }
                instant = parsed
            }
            change = make("S-\(UUID().uuidString.lowercased())", instant)
            try change.validate()
        } catch {
            throw fail("specialists", error, code: 2)
        }
        do {
            let environment = try ServiceEnvironment(options)
            _ = try await IntakePublisher.publish(
                [
                    .init(
                        routingKey: "specialist", messageID: change.changeId, type: SpecialistChange.messageType,
                        body: MessageCoding.encode(change))
                ], amqp: try environment.amqp(connectionName: "tact-specialists"),
                prefix: environment.configuration.exchangePrefix, userID: nil)
            print("published \(change.action.rawValue) for \(change.specialistId) (\(change.changeId))")
        } catch {
            throw fail("specialists", error)
        }
    }
}
