import ArgumentParser
import Contract
import Domain
import Foundation
import TactConfig
import Templates

/// `tact templates check|preview`: the messages Tact sends, checked and shown before anyone receives one.
struct TemplatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates",
        abstract: "Check the message templates, or show one rendered with sample values.",
        subcommands: [TemplatesCheckCommand.self, TemplatesPreviewCommand.self]
    )
}

/// Renders every template for every rulebook, language and channel with sample values and checks each message
/// against the rulebook's disclosures and forbidden phrases.
struct TemplatesCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Render every template for every rulebook, language and channel, and check each message.",
        discussion: "Exit status 0 when every message may be sent; 1 with one line per problem on stderr.")

    @OptionGroup var options: ServiceOptions

    func run() throws {
        let environment: ServiceEnvironment
        let catalog: TemplateCatalog
        do {
            environment = try ServiceEnvironment(options)
            catalog = try environment.templates()
        } catch {
            throw fail("templates check", error)
        }
        let rulebooks = environment.rulebooks.keys.sorted()
        let problems = catalog.checkAll(rulebooks: rulebooks)
        for problem in problems {
            FileHandle.standardError.write(Data("tact templates check: \(problem)\n".utf8))
        }
        guard problems.isEmpty else { throw ExitCode(1) }
        let purposes = TemplateCatalog.writtenPurposes.count + 1
        print(
            "templates: \(catalog.languages.joined(separator: ", ")); \(purposes) templates per language; "
                + "every message checked under \(rulebooks.joined(separator: ", ")): ok")
    }
}

/// Prints one message rendered with sample values, and what the check says of it.
struct TemplatesPreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview",
        abstract: "Print one template rendered with sample values.",
        discussion: """
            PURPOSE is a purpose Tact writes about (first-notice, call-back-request, promise-reminder, \
            instalment-reminder, broken-promise, plan-confirmation, survey, validation-notice), or \
            representative:PURPOSE for the \
            message to a representative. Exit status 1 when the message would be refused, with the reasons on stderr.
            """)

    @Argument(help: "The purpose, e.g. first-notice or representative:first-call.")
    var purpose: String

    @Option(help: "sms, email or letter.")
    var channel: String

    @Option(help: "Two-letter language code, e.g. en or pl.")
    var language = "en"

    @Option(help: "The rulebook the message is written under, e.g. us-regf.")
    var rulebook: String

    @Flag(help: "Print the HTML part instead of the text (e-mail and letter).")
    var html = false

    @OptionGroup var options: ServiceOptions

    func run() throws {
        let catalog: TemplateCatalog
        do {
            catalog = try ServiceEnvironment(options).templates()
        } catch {
            throw fail("templates preview", error)
        }
        guard let contactPurpose = ContactPurpose(purpose) else {
            throw fail("templates preview", ValidationError("\(purpose) is not a purpose"), code: 2)
        }
        guard let channel = Channel(rawValue: channel), channel != .call else {
            throw fail("templates preview", ValidationError("--channel must be sms, email or letter"), code: 2)
        }
        let values = MessageValues.sample(
            purpose: contactPurpose.purpose, rulebook: rulebook, language: language,
            representative: contactPurpose.addressee == .representative)
        let message: RenderedMessage
        do {
            message = try catalog.render(contactPurpose, channel: channel, language: language, values: values)
        } catch {
            throw fail("templates preview", error, code: 2)
        }
        if html {
            guard let page = message.html else {
                throw fail("templates preview", ValidationError("an SMS has no HTML part"), code: 2)
            }
            print(page)
        } else {
            if let subject = message.subject { print("Subject: \(subject)\n") }
            print(message.text)
        }
        let problems = catalog.rules.problems(in: message, values: values, language: language)
        for problem in problems { FileHandle.standardError.write(Data("tact templates preview: \(problem)\n".utf8)) }
        if !problems.isEmpty { throw ExitCode(1) }
    }
}
