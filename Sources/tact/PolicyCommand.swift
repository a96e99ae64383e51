import ArgumentParser
import Intake
import TactTools

/// `tact policy …`: the respectful-contact policy engine from the command line.
struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Evaluate the contact policy.",
        subcommands: [PolicyEvaluateCommand.self]
    )
}
