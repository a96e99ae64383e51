import Foundation
import TactConfig
import Yams

/// Loads a CSV column mapping, `Config/mappings/<name>.yaml` or a path:
///
/// ```yaml
/// columns:            # field: header of the column that holds it
///   debtor.id: debtor_id
///   debtor.name: name
/// defaults:           # field: value when the file has no such column, or the cell is empty
///   creditorId: acme
/// ```
///
/// A wrong file is refused with the file, the field and the problem (``ConfigError``), like every file of
/// `Config/`: unknown sections or fields, values that are not text, empty header names.
package enum IntakeMappingFile {
    package static let folder = "mappings"

    /// The mapping `nameOrPath` names: a path when it has a slash or a YAML extension, else a file of
    /// `Config/mappings/`.
    package static func load(_ nameOrPath: String, directory: ConfigDirectory) throws(ConfigError) -> IntakeMapping {
        let file: URL
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".yaml") || nameOrPath.hasSuffix(".yml") {
            file = URL(fileURLWithPath: nameOrPath)
        } else {
            guard nameOrPath.wholeMatch(of: /[a-z0-9][a-z0-9-]*/) != nil else {
                throw ConfigError(.invalidName, file: nameOrPath, "mapping name must be kebab-case (a-z, 0-9, -)")
            }
            file = directory.appending("\(folder)/\(nameOrPath).yaml")
        }
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw ConfigError(.notFound, file: file.path, "no such mapping file")
        }
        guard let data = FileManager.default.contents(atPath: file.path),
            let text = String(data: data, encoding: .utf8)
        else { throw ConfigError(.unreadable, file: file.path, "cannot read the file as UTF-8 text") }
        return try decode(yaml: text, file: file.path)
    }

    /// Parses and validates the text of a mapping file; `file` only labels errors.
    package static func decode(yaml: String, file: String) throws(ConfigError) -> IntakeMapping {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            // Yams' text quotes the offending line; its first line carries the position, which is enough.
            let first = "\(error)".split(whereSeparator: \.isNewline).first.map(String.init) ?? "syntax error"
            throw ConfigError(.invalidYAML, file: file, "not well-formed YAML: \(first)")
        }
        guard let root else { throw ConfigError(.invalidContent, file: file, "empty; expected columns and defaults") }
        guard let sections = root.mapping else {
            throw ConfigError(.invalidContent, file: file, "must be a mapping with columns and defaults")
        }
        var mapping = IntakeMapping()
        for (key, value) in sections {
            let section = key.string ?? ""
            switch section {
            case "columns":
                mapping.columns = try fields(value, section: section, file: file, allowEmpty: false)
            case "defaults":
                mapping.defaults = try fields(value, section: section, file: file, allowEmpty: true)
            default:
                throw ConfigError(
                    .invalidContent, file: file, field: section, "unknown section; expected columns or defaults")
            }
        }
        return mapping
    }

    private static func fields(
        _ node: Node, section: String, file: String, allowEmpty: Bool
    ) throws(ConfigError) -> [IntakeMapping.Field: String] {
        // An empty section (`defaults:` alone) is a YAML null.
        if let scalar = node.scalar, ["", "~", "null"].contains(scalar.string) { return [:] }
        guard let entries = node.mapping else {
            throw ConfigError(.invalidContent, file: file, field: section, "must be a mapping of field: text")
        }
        var result: [IntakeMapping.Field: String] = [:]
        for (key, value) in entries {
            let name = key.string ?? ""
            let path = "\(section).\(name)"
            guard let field = IntakeMapping.Field(rawValue: name) else {
                throw ConfigError(
                    .invalidContent, file: file, field: path,
                    "unknown field; expected one of \(IntakeMapping.Field.names)")
            }
            guard let text = value.scalar?.string else {
                throw ConfigError(.invalidContent, file: file, field: path, "must be text")
            }
            guard allowEmpty || !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ConfigError(.invalidContent, file: file, field: path, "must name a column")
            }
            result[field] = text
        }
        return result
    }
}
