import ArgumentParser
import Intake
import TactTools

/// `tact dead list|replay`: what Tact refused, and sending it again after a fix.
struct DeadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead",
        abstract: "Inspect and replay the messages in the dead-letter queue (<prefix>.dead).",
        subcommands: [DeadListCommand.self, DeadReplayCommand.self])
}
