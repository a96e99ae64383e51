import Foundation
import Policy
import Yams

/// Loads rulebooks from `Config/rulebooks/*.yaml`, by name (`us-regf`) or by path, decoding and validating
/// them; an invalid file is refused with the file, the field and the problem named.
public struct RulebookLoader: Sendable {
    /// The folder inside the configuration directory that holds rulebooks.
    public static let folder = "rulebooks"

    /// The configuration directory names are resolved in; `nil` if only paths will be loaded.
    public var directory: ConfigDirectory?

    /// Creates a loader resolving names in `directory`.
    public init(directory: ConfigDirectory?) { self.directory = directory }

    /// Whether an argument names a file rather than a rulebook (it has a slash or a YAML extension).
    public static func isPath(_ argument: String) -> Bool {
        argument.contains("/") || argument.hasSuffix(".yaml") || argument.hasSuffix(".yml")
    }

    /// Loads a rulebook given `NAME` or `PATH`.
    public func load(_ nameOrPath: String) throws(ConfigError) -> Rulebook {
        if Self.isPath(nameOrPath) { return try Self.load(file: URL(fileURLWithPath: nameOrPath)) }
        guard nameOrPath.wholeMatch(of: /[a-z0-9][a-z0-9-]*/) != nil else {
            throw ConfigError(.invalidName, file: nameOrPath, "rulebook name must be kebab-case (a-z, 0-9, -)")
        }
        guard let directory else {
            throw ConfigError(.directoryNotFound, file: nameOrPath, "no configuration directory to look the name up in")
        }
        let file = directory.appending("\(Self.folder)/\(nameOrPath).yaml")
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw ConfigError(.notFound, file: file.path, "no rulebook named \(nameOrPath)")
        }
        return try Self.load(file: file)
    }

    /// Names of the rulebooks in the directory, sorted.
    public func names() throws(ConfigError) -> [String] {
        guard let directory else { return [] }
        let folder = directory.appending(Self.folder)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            throw ConfigError(.notFound, file: folder.path, "rulebook folder missing")
        }
        return entries.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// Loads and validates one file; its `id` must equal its file name without extension.
    public static func load(file: URL) throws(ConfigError) -> Rulebook {
        let path = file.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw ConfigError(.notFound, file: path, "file does not exist")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else { throw ConfigError(.unreadable, file: path, "cannot read the file as UTF-8 text") }
        let rulebook = try decode(yaml: text, file: path)
        let expected = file.deletingPathExtension().lastPathComponent
        guard rulebook.id == expected else {
            throw ConfigError(.invalidContent, file: path, field: "id", "must equal the file name (\(expected))")
        }
        return rulebook
    }

    /// Decodes and validates rulebook YAML; `file` only labels errors.
    public static func decode(yaml: String, file: String) throws(ConfigError) -> Rulebook {
        do {
            return try YAMLDecoder().decode(Rulebook.self, from: yaml)
        } catch DecodingError.dataCorrupted(let context) where context.underlyingError is YamlError {
            let problem = (context.underlyingError as? YamlError).map(yamlProblem) ?? "syntax error"
            throw ConfigError(.invalidYAML, file: file, "not well-formed YAML: \(problem)")
        } catch let error as DecodingError {
            let policyError = PolicyError(decodingError: error)
            throw ConfigError(.invalidContent, file: file, field: policyError.field, policyError.problem)
        } catch let error as PolicyError {
            throw ConfigError(.invalidContent, file: file, field: error.field, error.problem)
        } catch let error as YamlError {
            throw ConfigError(.invalidYAML, file: file, "not well-formed YAML: \(yamlProblem(error))")
        } catch {
            throw ConfigError(.invalidYAML, file: file, "cannot be decoded")
        }
    }

    /// Yams' own text quotes the offending source lines; keep only the first line (it carries the position).
    private static func yamlProblem(_ error: YamlError) -> String {
        String(describing: error).split(whereSeparator: \.isNewline).first.map(String.init) ?? "syntax error"
    }
}
