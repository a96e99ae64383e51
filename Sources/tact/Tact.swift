import ArgumentParser

/// The single `tact` executable; every role (scheduler, worker, tools) is a subcommand.
@main
struct Tact: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tact",
        abstract: "A respectful contact scheduler for debt collection.",
        subcommands: [
            SchedulerCommand.self, WorkerCommand.self, PlaceCommand.self, EventCommand.self, PolicyCommand.self,
            NextCommand.self, OutcomeCommand.self, SpecialistsCommand.self, ReportCommand.self, StatusCommand.self,
            DeadCommand.self,
            ExplainCommand.self, AuditCommand.self, SimulateCommand.self, RoundTripCommand.self,
        ]
    )
}
