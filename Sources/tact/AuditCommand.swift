import ArgumentParser
import Intake
import TactTools

/// `tact audit export`: the audit trail of decisions, for compliance.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The audit trail: every policy decision Tact recorded (append-only; Tact cannot edit it).",
        subcommands: [AuditExportCommand.self])
}
