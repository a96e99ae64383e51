import Cadence
import Domain
import Foundation
import Policy
import Yams

/// A kind of document kept as one YAML file per id in a folder of `Config/`: rulebooks, strategies.
public protocol ConfigDocument: Decodable, Sendable {
    /// The folder inside the configuration directory, e.g. `rulebooks`.
    static var folder: String { get }
    /// What one is called in error messages, e.g. `rulebook`.
    static var noun: String { get }
    /// Must equal the file name without extension.
    var id: String { get }
}

extension Rulebook: ConfigDocument {
    public static let folder = "rulebooks"
    public static let noun = "rulebook"
}

extension Strategy: ConfigDocument {
    public static let folder = "strategies"
    public static let noun = "strategy"
}

/// Loads documents of one kind by name (`us-regf`) or by path, decoding and validating them; an invalid file is
/// refused with the file, the field and the problem named.
public struct ConfigLibrary<Document: ConfigDocument>: Sendable {
    /// The folder inside the configuration directory that holds the documents.
    public static var folder: String { Document.folder }

    /// The configuration directory names are resolved in; `nil` if only paths will be loaded.
    public var directory: ConfigDirectory?

    /// Creates a loader resolving names in `directory`.
    public init(directory: ConfigDirectory?) { self.directory = directory }

    /// Whether an argument names a file rather than a document (it has a slash or a YAML extension).
    public static func isPath(_ argument: String) -> Bool {
        argument.contains("/") || argument.hasSuffix(".yaml") || argument.hasSuffix(".yml")
    }

    /// Loads a document given `NAME` or `PATH`.
    public func load(_ nameOrPath: String) throws(ConfigError) -> Document {
        if Self.isPath(nameOrPath) { return try Self.load(file: URL(fileURLWithPath: nameOrPath)) }
        guard nameOrPath.wholeMatch(of: /[a-z0-9][a-z0-9-]*/) != nil else {
            throw ConfigError(.invalidName, file: nameOrPath, "\(Document.noun) name must be kebab-case (a-z, 0-9, -)")
        }
        guard let directory else {
            throw ConfigError(.directoryNotFound, file: nameOrPath, "no configuration directory to look the name up in")
        }
        let file = directory.appending("\(Self.folder)/\(nameOrPath).yaml")
        guard FileManager.default.fileExists(atPath: file.path) else {
            throw ConfigError(.notFound, file: file.path, "no \(Document.noun) named \(nameOrPath)")
        }
        return try Self.load(file: file)
    }

    /// Names of the documents in the directory, sorted.
    public func names() throws(ConfigError) -> [String] {
        guard let directory else { return [] }
        let folder = directory.appending(Self.folder)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else {
            throw ConfigError(.notFound, file: folder.path, "\(Document.noun) folder missing")
        }
        return entries.filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// Every document in the directory, by id.
    public func loadAll() throws(ConfigError) -> [String: Document] {
        var documents: [String: Document] = [:]
        for name in try names() { documents[name] = try load(name) }
        return documents
    }

    /// Loads and validates one file; its `id` must equal its file name without extension.
    public static func load(file: URL) throws(ConfigError) -> Document {
        let path = file.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw ConfigError(.notFound, file: path, "file does not exist")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else { throw ConfigError(.unreadable, file: path, "cannot read the file as UTF-8 text") }
        let document = try decode(yaml: text, file: path)
        let expected = file.deletingPathExtension().lastPathComponent
        guard document.id == expected else {
            throw ConfigError(.invalidContent, file: path, field: "id", "must equal the file name (\(expected))")
        }
        return document
    }

    /// Decodes and validates YAML; `file` only labels errors.
    public static func decode(yaml: String, file: String) throws(ConfigError) -> Document {
        try ConfigYAML.decode(Document.self, yaml: yaml, file: file)
    }
}

/// Loads rulebooks from `Config/rulebooks/*.yaml`.
public typealias RulebookLoader = ConfigLibrary<Rulebook>
/// Loads cadence strategies from `Config/strategies/*.yaml`.
public typealias StrategyLoader = ConfigLibrary<Strategy>

/// The one way Tact reads a configuration file: YAML decoded strictly (``Strict``: an unknown key is an error) into
/// validated values, with every failure turned into a ``ConfigError`` naming the file, the key path and the problem.
package enum ConfigYAML {
    package static func decode<T: Decodable>(_ type: T.Type, yaml: String, file: String) throws(ConfigError) -> T {
        do {
            return try YAMLDecoder().decode(Strict<T>.self, from: yaml).value
        } catch DecodingError.dataCorrupted(let context) where context.underlyingError is YamlError {
            let problem = (context.underlyingError as? YamlError).map(yamlProblem) ?? "syntax error"
            throw ConfigError(.invalidYAML, file: file, "not well-formed YAML: \(problem)")
        } catch let error as DecodingError {
            let policyError = PolicyError(decodingError: error)
            throw ConfigError(.invalidContent, file: file, field: policyError.field, yamlWords(policyError.problem))
        } catch let error as PolicyError {
            throw ConfigError(.invalidContent, file: file, field: error.field, error.problem)
        } catch let error as YamlError {
            throw ConfigError(.invalidYAML, file: file, "not well-formed YAML: \(yamlProblem(error))")
        } catch {
            throw ConfigError(.invalidYAML, file: file, "cannot be decoded")
        }
    }

    /// The decoder's words for a value of the wrong kind, as YAML names them.
    private static func yamlWords(_ problem: String) -> String {
        switch problem {
        case "expected an object": "must be a mapping"
        case "expected a list": "must be a list"
        case "expected a string": "must be text"
        default: problem
        }
    }

    /// Whether `yaml` holds no document at all: blank lines and comments only.
    package static func isEmpty(_ yaml: String) -> Bool {
        yaml.split(whereSeparator: \.isNewline).allSatisfy { line in
            let text = line.trimmingCharacters(in: .whitespaces)
            return text.isEmpty || text.hasPrefix("#") || text == "---"
        }
    }

    private static func yamlProblem(_ error: YamlError) -> String {
        String(describing: error).split(whereSeparator: \.isNewline).first.map(String.init) ?? "syntax error"
    }
}
