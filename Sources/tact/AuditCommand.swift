import ArgumentParser
import Intake
import TactTools

/// `tact audit export|verify`: the audit trail of every change, for compliance.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The audit trail: every change Tact made to a case and who caused it, hash-chained, append-only.",
        subcommands: [AuditExportCommand.self, AuditVerifyCommand.self])
}
