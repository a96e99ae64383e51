import Contract
import Domain
import Foundation
import TactConfig
import Templates
import Testing

/// The templates in Config/templates: every one renders for every rulebook and language with the disclosures its
/// rulebook requires and none of the forbidden phrases.
@Suite struct ShippedTemplatesTests {
    static let config = ConfigDirectory(
        url: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config"))
    static let rulebooks = ["pl-respectful", "uk-fca", "us-regf"]

    static func catalog() throws -> TemplateCatalog {
        try TemplateLoader(directory: config).load(rulebooks: rulebooks)
    }

    @Test func everyTemplatePassesTheCheckForEveryRulebookAndLanguage() throws {
        let catalog = try Self.catalog()
        #expect(catalog.languages == ["en", "pl"])
        #expect(catalog.checkAll(rulebooks: Self.rulebooks) == [])
    }

    @Test func aFirstNoticeByEmailUnderRegulationFCarriesTheValidationInformation() throws {
        let values = MessageValues.sample(rulebook: "us-regf", language: "en")
        let message = try Self.catalog().render(
            ContactPurpose(.firstNotice), channel: .email, language: "en", values: values)
        #expect(message.text.contains("This message is from a debt collector."))
        #expect(message.text.contains("As of 1 October 2026, you owed: $1,234.56"))
        #expect(message.text.contains("Total amount of the debt now: $1,234.56"))
        #expect(message.text.contains("https://collections.example/stop?ref=D-2026-000123"))
        #expect(message.html?.contains("<a href=\"https://collections.example/stop?ref=D-2026-000123\">") == true)
        // Under another rulebook the US wording is not there.
        let uk = try Self.catalog().render(
            ContactPurpose(.firstNotice), channel: .email, language: "en",
            values: MessageValues.sample(rulebook: "uk-fca", language: "en"))
        #expect(!uk.text.contains("debt collector"))
        #expect(uk.text.contains("moneyhelper.org.uk"))
        #expect(uk.text.contains("£1,234.56"))
    }

    @Test func polishAmountsAndDatesAreWrittenAsPolesWriteThem() throws {
        let message = try Self.catalog().render(
            ContactPurpose(.firstNotice), channel: .letter, language: "pl",
            values: MessageValues.sample(rulebook: "pl-respectful", language: "pl"))
        #expect(message.text.contains("1\u{00A0}234,56\u{00A0}zł"))
        #expect(message.text.contains("1 października 2026"))
        #expect(message.text.contains("plan spłaty"))
    }

    @Test func aLanguageWithoutTemplatesFallsBackToEnglish() throws {
        let message = try Self.catalog().render(
            ContactPurpose(.promiseReminder), channel: .sms, language: "de",
            values: MessageValues.sample(purpose: .promiseReminder, rulebook: "us-regf", language: "de"))
        #expect(message.text.contains("a reminder of the payment"))
    }

    @Test func theRepresentativeGetsTheirOwnWordingAndNoSMS() throws {
        let catalog = try Self.catalog()
        let values = MessageValues.sample(
            purpose: .firstCall, rulebook: "us-regf", language: "en", representative: true)
        let message = try catalog.render(
            ContactPurpose(.firstCall, with: .representative), channel: .email, language: "en", values: values)
        #expect(message.text.hasPrefix("Dear Sir or Madam,"))
        #expect(throws: TemplateError.self) {
            try catalog.render(
                ContactPurpose(.firstNotice, with: .representative), channel: .sms, language: "en", values: values)
        }
    }
}

/// What `Config/templates/` refuses to load, naming the file and the field.
@Suite struct TemplateLoaderTests {
    @Test func aRulebookWithoutASectionInTheRulesIsRefused() {
        #expect {
            try TemplateLoader(directory: ShippedTemplatesTests.config).load(rulebooks: ["us-regf", "us-ma"])
        } throws: { error in
            (error as? ConfigError)?.field == "rulebooks" && "\(error)".contains("no section for rulebook us-ma")
        }
    }

    @Test(arguments: [
        ("channels: [sms, email, letter]", "channels: [sms, fax]", "is not sms, email or letter"),
        ("        when: every", "        when: sometimes", "must be every or first"),
        ("notFor: [survey]", "notFor: [gossip]", "is not a purpose"),
        ("smsBudget: 480", "smsBudget: 10", "40…1600"),
    ])
    func aWrongRuleIsRefusedWithItsField(original: String, replacement: String, problem: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "tact-templates-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(
            at: ShippedTemplatesTests.config.url.appendingPathComponent("templates"),
            to: folder.appendingPathComponent("templates"))
        let rules = folder.appendingPathComponent("templates/rules.yaml")
        let text = try String(contentsOf: rules, encoding: .utf8)
        let range = try #require(text.range(of: original))
        try text.replacingCharacters(in: range, with: replacement).write(to: rules, atomically: true, encoding: .utf8)
        #expect {
            try TemplateLoader(directory: ConfigDirectory(url: folder)).load(rulebooks: ShippedTemplatesTests.rulebooks)
        } throws: { error in
            "\(error)".contains(problem) && "\(error)".contains("rules.yaml")
        }
    }
}
