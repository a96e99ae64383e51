import Contract
import Domain
import Foundation
import Mustache

/// Every message template Tact sends, in every language, checked when loaded: each parses, names only values Tact
/// fills in (``MessageValues``), and every purpose Tact writes about has every part of every channel. Rendering
/// goes through swift-mustache; ``render(_:channel:language:values:)`` gives the message, and
/// ``DisclosureRules/problems(in:values:language:)`` checks it.
public struct TemplateCatalog: Sendable {
    /// Purposes Tact may send in writing (the strategies' notice, nudge, reminder and survey channels), each of which
    /// needs a template in every language.
    public static let writtenPurposes: [Purpose] = [
        .firstNotice, .callBackRequest, .promiseReminder, .instalmentReminder, .brokenPromise, .planConfirmation,
        .survey, .validationNotice,
    ]
    /// The template used for every purpose when the message goes to the person's representative.
    public static let representativeName = "representative"
    /// Where partials live: `en/partials.yaml`.
    public static let partialsName = "partials"
    /// The language used when a message's own has no templates.
    public static let fallbackLanguage = "en"
    /// Every template is plain text: nothing is HTML-escaped; the HTML part is made from the text.
    static let textPragma = "{{% CONTENT_TYPE: TEXT}}"

    /// The parts each template must have, per channel.
    static func requiredParts(for name: String) -> [String] {
        writtenOnly.contains(name)
            ? ["email.subject", "email.text", "letter"] : ["sms", "email.subject", "email.text", "letter"]
    }

    /// Templates sent by e-mail and letter only: the representative's, and the validation notice (a text cannot
    /// carry it).
    static let writtenOnly: Set<String> = [representativeName, Purpose.validationNotice.rawValue]

    /// The HTML of e-mails and letters is always made from their text (``HTMLText``): no template writes HTML, so
    /// no value can bring markup in, and what the check reads is what a mail program shows.
    static let knownParts: Set<String> = ["sms", "email.subject", "email.text", "letter"]

    public let rules: DisclosureRules
    /// The languages with templates, sorted.
    public let languages: [String]
    private let libraries: [String: MustacheLibrary]

    /// Builds the catalog from the template files; throws the first problem found, naming file and part.
    /// `rulebooks` are the names whose `{{#rules.NAME}}` sections templates may use.
    public init(sources: [TemplateSource], rules: DisclosureRules, rulebooks: [String]) throws(TemplateError) {
        self.rules = rules
        var byLanguage: [String: [TemplateSource]] = [:]
        for source in sources { byLanguage[source.language, default: []].append(source) }
        guard byLanguage[Self.fallbackLanguage] != nil else {
            throw TemplateError(
                .missingBlock, "templates", "no templates in \(Self.fallbackLanguage), the fallback language")
        }
        var libraries: [String: MustacheLibrary] = [:]
        for (language, sources) in byLanguage {
            libraries[language] = try Self.library(language: language, sources: sources, rulebooks: rulebooks)
        }
        self.libraries = libraries
        self.languages = byLanguage.keys.sorted()
    }

    private static func library(language: String, sources: [TemplateSource], rulebooks: [String]) throws(TemplateError)
        -> MustacheLibrary
    {
        var context = MessageValues.sample(rulebook: rulebooks.first ?? "", language: language).context(
            language: language)
        context["rules"] = Dictionary(uniqueKeysWithValues: rulebooks.map { (MessageValues.flag($0), true) })
        let partials = sources.filter { $0.name == partialsName }.flatMap(\.parts)
        let partialNames = Set(partials.map(\.key))
        var library = MustacheLibrary()
        func register(_ text: String, named name: String, at location: String) throws(TemplateError) {
            let problems: [String]
            do {
                problems = try Placeholders.unknownNames(in: text, context: context, partials: partialNames)
            } catch {
                throw TemplateError(error.code, location, error.problem)
            }
            if let problem = problems.first { throw TemplateError(.unknownPlaceholder, location, problem) }
            do {
                try library.register(textPragma + text, named: name)
            } catch {
                throw TemplateError(.syntax, location, "does not parse: \(error)")
            }
        }
        for (name, text) in partials { try register(text, named: name, at: "\(language)/partials.yaml: \(name)") }
        var names = Set<String>()
        for source in sources where source.name != partialsName {
            guard source.name == representativeName || writtenPurposes.contains(where: { $0.rawValue == source.name })
            else {
                throw TemplateError(
                    .missingBlock, source.file,
                    "\(source.name) is not a purpose Tact writes about (\(writtenPurposes.map(\.rawValue).joined(separator: ", ")), or representative)"
                )
            }
            guard names.insert(source.name).inserted else {
                throw TemplateError(.missingBlock, source.file, "a second template for \(source.name) in \(language)")
            }
            for key in source.parts.keys.sorted() {
                guard knownParts.contains(key) else {
                    throw TemplateError(
                        .missingBlock, "\(source.file): \(key)",
                        "not a part Tact sends (\(knownParts.sorted().joined(separator: ", ")))")
                }
            }
            for key in requiredParts(for: source.name) where (source.parts[key] ?? "").allSatisfy(\.isWhitespace) {
                throw TemplateError(.missingBlock, "\(source.file): \(key)", "required, and missing or empty")
            }
            for (key, text) in source.parts {
                try register(text, named: "\(source.name).\(key)", at: "\(source.file): \(key)")
            }
        }
        for name in writtenPurposes.map(\.rawValue) + [representativeName] where !names.contains(name) {
            throw TemplateError(.missingBlock, "\(language)/\(name).yaml", "no template for \(name) in \(language)")
        }
        return library
    }

    /// The message for a contact, in `language` (or the fallback language when it has no templates).
    public func render(_ purpose: ContactPurpose, channel: Channel, language: String, values: MessageValues)
        throws(TemplateError) -> RenderedMessage
    {
        let language = libraries[language] == nil ? Self.fallbackLanguage : language
        guard let library = libraries[language] else {
            throw TemplateError(.noTemplate, language, "no templates")
        }
        let name = purpose.addressee == .representative ? Self.representativeName : purpose.purpose.rawValue
        let context = values.context(language: language)
        func part(_ key: String) -> String? {
            library.render(context, withTemplate: "\(name).\(key)").map(Self.tidy)
        }
        let location = "\(language)/\(name) \(channel.rawValue)"
        switch channel {
        case .sms:
            guard let text = part("sms") else { throw TemplateError(.noTemplate, location, "no SMS template") }
            return RenderedMessage(channel: .sms, subject: nil, text: text, html: nil)
        case .email:
            guard let subject = part("email.subject"), let text = part("email.text") else {
                throw TemplateError(.noTemplate, location, "no e-mail template")
            }
            let oneLine = subject.split(whereSeparator: \.isNewline).joined(separator: " ")
            let html = HTMLText.html(fromPlain: text, title: oneLine)
            return RenderedMessage(channel: .email, subject: oneLine, text: text, html: html)
        case .letter:
            guard let text = part("letter") else { throw TemplateError(.noTemplate, location, "no letter template") }
            return RenderedMessage(
                channel: .letter, subject: nil, text: text,
                html: HTMLText.html(fromPlain: text, title: values.reference))
        case .call:
            throw TemplateError(.noTemplate, location, "calls are made by specialists, not rendered")
        }
    }

    /// What `tact templates check` prints: every purpose, for every channel, language and rulebook (and the
    /// representative's, and first communication or not), rendered with sample values and checked against the
    /// rules. Empty when everything may be sent.
    public func checkAll(rulebooks: [String]) -> [String] {
        var problems: [String] = []
        let purposes =
            Self.writtenPurposes.map { ContactPurpose($0) }
            + Self.writtenPurposes.map { ContactPurpose($0, with: .representative) }
        for language in languages {
            for rulebook in rulebooks {
                for purpose in purposes {
                    let written =
                        purpose.addressee == .representative || Self.writtenOnly.contains(purpose.purpose.rawValue)
                    let channels: [Channel] = written ? [.email, .letter] : [.sms, .email, .letter]
                    for channel in channels {
                        let values = MessageValues.sample(
                            purpose: purpose.purpose, rulebook: rulebook, language: language,
                            representative: purpose.addressee == .representative)
                        let label = "\(language) \(rulebook) \(purpose) \(channel.rawValue)"
                        do {
                            let message = try render(purpose, channel: channel, language: language, values: values)
                            problems += rules.problems(in: message, values: values, language: language).map {
                                "\(label): \($0)"
                            }
                        } catch {
                            problems.append("\(label): \(error)")
                        }
                    }
                }
            }
        }
        return problems
    }

    /// Trailing spaces dropped, at most one blank line in a row, no blank lines at either end.
    static func tidy(_ text: String) -> String {
        var lines: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = line
            while line.last?.isWhitespace == true { line = line.dropLast() }
            if line.isEmpty, lines.last?.isEmpty ?? true { continue }
            lines.append(line)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}
