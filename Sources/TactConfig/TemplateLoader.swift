import Domain
import Foundation
import Policy
import Templates

/// Reads `Config/templates/`: one folder per language (`en/`, `pl/`) with a YAML file per purpose and one of
/// partials, and `rules.yaml` with the disclosures and forbidden phrases per rulebook. Everything is checked as it
/// is built (``TemplateCatalog``, ``DisclosureRules``); a problem names its file and part.
public struct TemplateLoader: Sendable {
    public static let folder = "templates"
    public var directory: ConfigDirectory

    public init(directory: ConfigDirectory) { self.directory = directory }

    /// The catalog, with the rules for `rulebooks` (the names in `Config/rulebooks/`, each of which must have a
    /// section in `rules.yaml`).
    public func load(rulebooks: [String]) throws(ConfigError) -> TemplateCatalog {
        let root = directory.appending(Self.folder)
        let rules = try loadRules(rulebooks: rulebooks)
        var sources: [TemplateSource] = []
        let languages =
            ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).filter {
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(
                    atPath: root.appendingPathComponent($0).path, isDirectory: &isDirectory)
                    && isDirectory.boolValue
            }.sorted()
        guard !languages.isEmpty else {
            throw ConfigError(.notFound, file: root.path, "no template folders (en/, pl/)")
        }
        for language in languages {
            guard language.wholeMatch(of: /[a-z]{2}/) != nil else {
                throw ConfigError(
                    .invalidName, file: root.appendingPathComponent(language).path,
                    "a language folder is a two-letter code")
            }
            let folder = root.appendingPathComponent(language)
            let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter {
                $0.hasSuffix(".yaml")
            }.sorted()
            for file in files {
                let name = String(file.dropLast(5))
                let path = folder.appendingPathComponent(file).path
                let relative = "\(language)/\(file)"
                let text = try read(path)
                if name == TemplateCatalog.partialsName {
                    let partials = try ConfigYAML.decode(PartialsFile.self, yaml: text, file: path)
                    sources.append(
                        TemplateSource(file: relative, language: language, name: name, parts: partials.partials))
                } else {
                    let template = try ConfigYAML.decode(TemplateFile.self, yaml: text, file: path)
                    sources.append(
                        TemplateSource(file: relative, language: language, name: name, parts: template.parts))
                }
            }
        }
        do {
            return try TemplateCatalog(sources: sources, rules: rules, rulebooks: rulebooks)
        } catch {
            throw ConfigError(
                .invalidContent, file: root.appendingPathComponent(error.location).path,
                "\(error.problem) [\(error.code)]")
        }
    }

    private func loadRules(rulebooks: [String]) throws(ConfigError) -> DisclosureRules {
        let path = directory.appending("\(Self.folder)/rules.yaml").path
        let file = try ConfigYAML.decode(RulesFile.self, yaml: try read(path), file: path)
        guard (40...1600).contains(file.smsBudget) else {
            throw ConfigError(.invalidContent, file: path, field: "smsBudget", "must be 40…1600 characters")
        }
        var books: [String: DisclosureRules.Rulebook] = [:]
        for name in rulebooks {
            guard let section = file.rulebooks[name] else {
                throw ConfigError(.invalidContent, file: path, field: "rulebooks", "no section for rulebook \(name)")
            }
            var required: [DisclosureRules.Disclosure] = []
            for (index, disclosure) in (section.required ?? []).enumerated() {
                let field = "rulebooks.\(name).required[\(index)]"
                guard let when = DisclosureRules.When(rawValue: disclosure.when) else {
                    throw ConfigError(.invalidContent, file: path, field: "\(field).when", "must be every or first")
                }
                var channels = Set<Channel>()
                for channel in disclosure.channels {
                    guard let value = Channel(rawValue: channel), value != .call else {
                        throw ConfigError(
                            .invalidContent, file: path, field: "\(field).channels",
                            "\(channel) is not sms, email or letter")
                    }
                    channels.insert(value)
                }
                func purposes(_ names: [String]?, _ key: String) throws(ConfigError) -> Set<Purpose> {
                    var purposes = Set<Purpose>()
                    for name in names ?? [] {
                        guard let value = Purpose(rawValue: name) else {
                            throw ConfigError(
                                .invalidContent, file: path, field: "\(field).\(key)", "\(name) is not a purpose")
                        }
                        purposes.insert(value)
                    }
                    return purposes
                }
                let notFor = try purposes(disclosure.notFor, "notFor")
                let onlyFor = try purposes(disclosure.onlyFor, "onlyFor")
                guard !disclosure.phrases.isEmpty, disclosure.phrases.values.allSatisfy({ !$0.isEmpty }) else {
                    throw ConfigError(
                        .invalidContent, file: path, field: "\(field).phrases", "needs phrases per language")
                }
                required.append(
                    .init(
                        id: disclosure.id, source: disclosure.source, when: when, channels: channels, notFor: notFor,
                        onlyFor: onlyFor,
                        phrases: disclosure.phrases))
            }
            books[name] = .init(required: required, forbidden: section.forbidden ?? [:])
        }
        for name in file.rulebooks.keys where !rulebooks.contains(name) {
            throw ConfigError(.invalidContent, file: path, field: "rulebooks.\(name)", "no rulebook named \(name)")
        }
        do {
            return try DisclosureRules(smsBudget: file.smsBudget, forbidden: file.forbidden, rulebooks: books)
        } catch {
            throw ConfigError(.invalidContent, file: path, field: error.location, error.problem)
        }
    }

    private func read(_ path: String) throws(ConfigError) -> String {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw ConfigError(.notFound, file: path, "cannot read")
        }
        return text
    }

    // MARK: File shapes

    private struct TemplateFile: Decodable {
        struct Email: Decodable {
            var subject: String, text: String
            private enum CodingKeys: String, CodingKey, CaseIterable { case subject, text }
        }
        var sms: String?, email: Email?, letter: String?
        private enum CodingKeys: String, CodingKey, CaseIterable { case sms, email, letter }

        var parts: [String: String] {
            var parts: [String: String] = [:]
            parts["sms"] = sms
            parts["email.subject"] = email?.subject
            parts["email.text"] = email?.text
            parts["letter"] = letter
            return parts
        }
    }

    private struct PartialsFile: Decodable {
        var partials: [String: String]
        private enum CodingKeys: String, CodingKey, CaseIterable { case partials }
    }

    private struct RulesFile: Decodable {
        struct Disclosure: Decodable {
            var id: String, source: String, when: String, channels: [String], notFor: [String]?, onlyFor: [String]?
            var phrases: [String: [String]]
            private enum CodingKeys: String, CodingKey, CaseIterable {
                case id, source, when, channels, notFor, onlyFor, phrases
            }
        }
        struct Rulebook: Decodable {
            var required: [Disclosure]?, forbidden: [String: [String]]?
            private enum CodingKeys: String, CodingKey, CaseIterable { case required, forbidden }
        }
        var smsBudget: Int, forbidden: [String: [String]], rulebooks: [String: Rulebook]
        private enum CodingKeys: String, CodingKey, CaseIterable { case smsBudget, forbidden, rulebooks }
    }
}
