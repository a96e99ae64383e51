import ArgumentParser
import Contract
import Domain
import Foundation
import Intake
import Policy
import TactConfig
import TactTools

/// `tact specialists …`: the roster, absences and hand-overs. Changes are published on the intake exchange like
/// any creditor message; every specialist they name is checked against the roster first (the service file's list,
/// and the store's joins and retirements when the store can be read here), so a typo is refused before anything is
/// published.
struct SpecialistsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "specialists",
        abstract: "Keep the roster of specialists, record an absence or a return, or hand a case over.",
        subcommands: [Away.self, Back.self, Handover.self, Add.self, Retire.self, List.self])

    struct Away: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "A specialist is away: their calls, queued ones too, go to a backup (or the pool) until they are back.")
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
        static let configuration = CommandConfiguration(
            abstract: "A specialist is back early: their new calls come to them again.")
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
            abstract: "Hand a debtor's case, and its queued call, to another specialist for good.")
        @Argument(help: "The debtor's id (the creditor's own).") var debtor: String
        @Option(help: "The debtor's creditor; needed when several creditors have a debtor with this id.")
        var creditor: String?
        @Option(help: "The specialist taking the case over.") var to: String
        @OptionGroup var options: ServiceOptions

        func run() async throws {
            try await SpecialistsCommand.publish(
                { id, _ in
                    SpecialistChange(
                        changeId: id, action: .handover, specialistId: to, creditorId: creditor, debtorId: debtor)
                },
                until: nil, options: options)
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a specialist on the roster (again, after a retirement).")
        @Argument(help: "The specialist's id (their queue is tact.calls.<id>).") var specialist: String
        @OptionGroup var options: ServiceOptions

        func run() async throws {
            try await SpecialistsCommand.publish(
                { id, _ in SpecialistChange(changeId: id, action: .join, specialistId: specialist) }, until: nil,
                options: options)
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Take a specialist off the roster; their cases and queued calls move to a successor or the pool.",
            discussion: """
                No case is left without someone to call: every case the specialist keeps is handed over to --to, or \
                to the pool without it, as each debtor's timeline shows (tact explain), and the calls queued for them \
                follow. Calls they already took stay theirs to report on.
                """)
        @Argument(help: "The specialist's id.") var specialist: String
        @Option(help: "Who takes their cases over for good (default: the pool).") var to: String?
        @OptionGroup var options: ServiceOptions

        func run() async throws {
            let successor = to == "pool" ? nil : to
            try await SpecialistsCommand.publish(
                { id, _ in
                    SpecialistChange(changeId: id, action: .retire, specialistId: specialist, backupId: successor)
                }, until: nil, options: options)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the roster: who is on it, retired or away, and how many cases each keeps.",
            discussion: """
                Reads the service file's specialists.roster and the store (store.path in tact.yaml, or \
                TACT_STORE) without writing; where the store cannot be read, only the file's list is shown.
                """)
        @OptionGroup var options: ServiceOptions

        func run() async throws {
            do {
                let environment = try ServiceEnvironment(options)
                print(await SpecialistRoster.read(environment.configuration).text(at: Instant(Date())))
            } catch {
                throw fail("specialists", error)
            }
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
        let environment: ServiceEnvironment
        let roster: SpecialistRoster
        do {
            environment = try ServiceEnvironment(options)
            roster = await SpecialistRoster.read(environment.configuration)
        } catch {
            throw fail("specialists", error)
        }
        do {
            if change.action != .join { try roster.require(change.specialistId) }
            if let backup = change.backupId { try roster.require(backup) }
        } catch {
            throw fail("specialists", error, code: 2)
        }
        do {
            _ = try await IntakePublisher.publish(
                [
                    .init(
                        routingKey: "specialist", messageID: change.changeId, type: SpecialistChange.messageType,
                        body: MessageCoding.encode(change))
                ], amqp: try environment.amqp(connectionName: "tact-specialists"),
                prefix: environment.configuration.exchangePrefix, userID: try environment.intakeUserID())
            print(
                "published \(change.action.rawValue) for \(change.specialistId) (\(change.changeId))\(effect(change, roster))"
            )
        } catch {
            throw fail("specialists", error)
        }
    }

    /// What a retirement does to the specialist's cases, as far as this host can tell.
    private static func effect(_ change: SpecialistChange, _ roster: SpecialistRoster) -> String {
        guard change.action == .retire else { return "" }
        let cases = roster.storeProblem == nil ? roster.cases[change.specialistId] ?? 0 : nil
        let what = cases.map { "\($0) case\($0 == 1 ? "" : "s")" } ?? "their cases"
        return ": \(what) go\(cases == 1 ? "es" : "") to \(change.backupId ?? "the pool")"
    }
}
