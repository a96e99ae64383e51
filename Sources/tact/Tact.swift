import ArgumentParser
import Foundation
import Intake
import TactTools

/// The single `tact` executable; every role (scheduler, worker, tools) is a subcommand.
@main
struct Tact: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tact",
        abstract: "A respectful contact scheduler for debt collection.",
        version: TactVersion.current,
        subcommands: [
            SchedulerCommand.self, WorkerCommand.self, PlaceCommand.self, EventCommand.self, PolicyCommand.self,
            NextCommand.self, OutcomeCommand.self, SpecialistsCommand.self, ReportCommand.self, StatusCommand.self,
            DeadCommand.self,
            ExplainCommand.self, DoctorCommand.self, AuditCommand.self, SimulateCommand.self, RoundTripCommand.self,
            TemplatesCommand.self, DeliverCommand.self,
        ]
    )

    /// As ArgumentParser's own, except that a command line it cannot parse is one line on stderr and exit status 2,
    /// like every other bad input (ArgumentParser prints the usage and exits 64). `--help` still prints the help.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            let arguments = CommandLine.arguments.dropFirst().prefix { !$0.hasPrefix("-") }.prefix(2)
            let name = (["tact"] + arguments.filter { Self.isCommandName($0) }).joined(separator: " ")
            let line = message(for: error).split(whereSeparator: \.isNewline).joined(separator: " ")
            FileHandle.standardError.write(Data("\(name): error: \(line)\n".utf8))
            exit(withError: ExitCode(2))
        }
    }

    /// Whether `word` names a subcommand (or a subcommand's subcommand), so that an error names the command.
    private static func isCommandName(_ word: String) -> Bool {
        func names(_ command: any ParsableCommand.Type) -> [String] {
            command.configuration.subcommands.flatMap { [$0.configuration.commandName ?? ""] + names($0) }
        }
        return names(Tact.self).contains(word)
    }
}
