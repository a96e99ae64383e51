import Contract
import Domain
import Templates
import Testing

/// What the catalog refuses when it is built: every placeholder known, every block present.
@Suite struct TemplateCatalogTests {
    static let rules = try! DisclosureRules(
        smsBudget: 480, forbidden: [:], rulebooks: ["us-regf": .init(required: [], forbidden: [:])])

    /// A complete English set, with `override` replacing one file's parts.
    static func sources(_ override: TemplateSource? = nil) -> [TemplateSource] {
        let parts = [
            "sms": "Hi {{debtor}}", "email.subject": "Re {{reference}}", "email.text": "{{> hello}}", "letter": "L",
        ]
        var sources = TemplateCatalog.writtenPurposes.map {
            TemplateSource(file: "en/\($0.rawValue).yaml", language: "en", name: $0.rawValue, parts: parts)
        }
        sources.append(
            TemplateSource(
                file: "en/representative.yaml", language: "en", name: "representative",
                parts: ["email.subject": "S", "email.text": "T", "letter": "L"]))
        sources.append(
            TemplateSource(
                file: "en/partials.yaml", language: "en", name: "partials", parts: ["hello": "Hello {{debtor}}"]))
        return sources.filter { $0.name != override?.name } + (override.map { [$0] } ?? [])
    }

    static func error(_ override: TemplateSource) -> TemplateError? {
        do {
            _ = try TemplateCatalog(sources: sources(override), rules: rules, rulebooks: ["us-regf"])
            return nil
        } catch {
            return error
        }
    }

    @Test func aCompleteSetLoadsAndRenders() throws {
        let catalog = try TemplateCatalog(sources: Self.sources(), rules: Self.rules, rulebooks: ["us-regf"])
        let message = try catalog.render(
            ContactPurpose(.survey), channel: .email, language: "en",
            values: MessageValues.sample(purpose: .survey, rulebook: "us-regf", language: "en"))
        #expect(message.subject == "Re D-2026-000123")
        #expect(message.text == "Hello Alexandra Wiśniewska-Johnson")
    }

    @Test func anUnknownPlaceholderIsRefusedWithItsFileAndPart() {
        let error = Self.error(
            TemplateSource(
                file: "en/survey.yaml", language: "en", name: "survey",
                parts: ["sms": "Hi {{debtor.firstName}}", "email.subject": "S", "email.text": "T", "letter": "L"]))
        #expect(error?.code == .unknownPlaceholder)
        #expect(error?.location == "en/survey.yaml: sms")
        #expect(error?.problem == "unknown placeholder {{debtor.firstName}}")
    }

    @Test func namesInsideASectionResolveAgainstIt() {
        let valid = TemplateSource(
            file: "en/survey.yaml", language: "en", name: "survey",
            parts: [
                "sms":
                    "{{#promise}}{{amount}} by {{date}}, {{reference}}{{/promise}}{{^rules.usRegf}}x{{/rules.usRegf}}",
                "email.subject": "S", "email.text": "T", "letter": "L",
            ])
        #expect(Self.error(valid) == nil)
        let outside = TemplateSource(
            file: "en/survey.yaml", language: "en", name: "survey",
            parts: ["sms": "{{#promise}}{{/promise}}{{date}}", "email.subject": "S", "email.text": "T", "letter": "L"])
        #expect(Self.error(outside)?.problem == "unknown placeholder {{date}}")
        // An inverted section shows when its value is absent: nothing inside it comes from it.
        let inverted = TemplateSource(
            file: "en/survey.yaml", language: "en", name: "survey",
            parts: [
                "sms": "{{^promise}}{{amount}}{{/promise}}", "email.subject": "S", "email.text": "T", "letter": "L",
            ])
        #expect(Self.error(inverted)?.problem == "unknown placeholder {{amount}}")
    }

    @Test func aMissingPartOrPurposeOrPartialIsRefused() {
        let noLetter = TemplateSource(
            file: "en/survey.yaml", language: "en", name: "survey",
            parts: ["sms": "S", "email.subject": "S", "email.text": "T"])
        #expect(Self.error(noLetter)?.location == "en/survey.yaml: letter")
        let unknownPartial = TemplateSource(
            file: "en/survey.yaml", language: "en", name: "survey",
            parts: ["sms": "{{> footer}}", "email.subject": "S", "email.text": "T", "letter": "L"])
        #expect(Self.error(unknownPartial)?.problem == "unknown partial {{> footer}}")
        let unclosed = TemplateSource(
            file: "en/survey.yaml", language: "en", name: "survey",
            parts: ["sms": "{{#promise}}x", "email.subject": "S", "email.text": "T", "letter": "L"])
        #expect(Self.error(unclosed)?.problem == "section {{#promise}} is never closed")
        let notAPurpose = TemplateSource(file: "en/dunning.yaml", language: "en", name: "dunning", parts: [:])
        #expect(Self.error(notAPurpose)?.code == .missingBlock)
    }
}
