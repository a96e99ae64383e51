import TactConfig

extension IntakeMapping {
    /// The mapping a command line asks for: the mapping file `nameOrPath`, then `--column FIELD=HEADER` and
    /// `--default FIELD=VALUE` on top, and `--creditor ID` as the default creditor. `tact place` and
    /// `tact simulate` read debtor files through it, so one file works for both.
    package static func commandLine(
        _ nameOrPath: String, columns: [String], defaults: [String], creditor: String?, directory: ConfigDirectory
    ) throws -> IntakeMapping {
        var mapping = try IntakeMappingFile.load(nameOrPath, directory: directory)
        for text in columns {
            let (field, header) = try assignment(text, option: "column")
            guard !header.isEmpty else { throw IntakeMappingError("--column \(field.rawValue)= needs a header name") }
            mapping.columns[field] = header
            mapping.insisted.insert(field)
        }
        for text in defaults {
            let (field, value) = try assignment(text, option: "default")
            mapping.defaults[field] = value
        }
        if let creditor { mapping.defaults[.creditorId] = creditor }
        return mapping
    }
}
