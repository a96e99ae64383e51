import ArgumentParser
import Intake
import TactConfig

/// How a CSV debtor file's columns become placement fields; shared by `tact place` and `tact simulate`.
struct MappingOptions: ParsableArguments {
    @Option(help: "CSV column mapping: a name in Config/mappings/ or a path to a YAML file.")
    var mapping: String = "default"

    @Option(name: .customLong("column"), help: "FIELD=HEADER: the CSV column holding FIELD (repeatable).")
    var columns: [String] = []

    @Option(
        name: .customLong("default"), help: "FIELD=VALUE: the value when the column is absent or empty (repeatable).")
    var defaults: [String] = []

    @Option(help: "Creditor id for every row without one (same as --default creditorId=ID).")
    var creditor: String?

    /// The mapping file, then the command line's columns and defaults on top.
    func resolve(_ directory: ConfigDirectory) throws -> IntakeMapping {
        try IntakeMapping.commandLine(
            mapping, columns: columns, defaults: defaults, creditor: creditor, directory: directory)
    }
}
