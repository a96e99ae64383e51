import Domain
import Foundation
import Policy
import TactConfig

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

    /// Parses and validates the text of a mapping file through the one strict decoder; `file` only labels errors.
    package static func decode(yaml: String, file: String) throws(ConfigError) -> IntakeMapping {
        guard !ConfigYAML.isEmpty(yaml) else {
            throw ConfigError(.invalidContent, file: file, "empty; expected columns and defaults")
        }
        let document = try ConfigYAML.decode(Document.self, yaml: yaml, file: file)
        var mapping = IntakeMapping()
        mapping.columns = document.columns
        mapping.defaults = document.defaults
        return mapping
    }

    /// A mapping file: `columns` and `defaults`, each a mapping of placement field to text.
    private struct Document: Decodable {
        var columns: [IntakeMapping.Field: String]
        var defaults: [IntakeMapping.Field: String]

        private enum CodingKeys: String, CodingKey, CaseIterable { case columns, defaults }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            columns = try Self.fields(c, .columns, allowEmpty: false)
            defaults = try Self.fields(c, .defaults, allowEmpty: true)
        }

        private static func fields(
            _ c: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys, allowEmpty: Bool
        ) throws -> [IntakeMapping.Field: String] {
            // An empty section (`defaults:` alone) is a YAML null.
            guard c.contains(key), try !c.decodeNil(forKey: key) else { return [:] }
            let section = try c.nestedContainer(keyedBy: FieldKey.self, forKey: key)
            var result: [IntakeMapping.Field: String] = [:]
            for name in section.allKeys {
                let path = section.codingPath + [name]
                guard let field = IntakeMapping.Field(rawValue: name.stringValue) else {
                    throw PolicyError.unknownField(at: path, accepted: IntakeMapping.Field.allCases.map(\.rawValue))
                }
                guard let text = try? section.decode(String.self, forKey: name) else {
                    throw PolicyError.decoding(.invalidValue, "must be text", at: path)
                }
                guard allowEmpty || !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw PolicyError.decoding(.invalidValue, "must name a column", at: path)
                }
                result[field] = text
            }
            return result
        }
    }
}
