import Foundation
import Templates
import Testing

@testable import TactConfig

/// The `firm`, `creditors` and `delivery` sections of `tact.yaml`, and the senders' environment, read strictly.
@Suite("Delivery configuration")
struct DeliveryConfigurationTests {
    static let firm = """
        firm:
          name: Firm
          phone: "+1 555 0100"
          email: help@firm.example
          website: https://firm.example
          address: "1 Street"
          optOutURL: https://firm.example/stop
          surveyURL: https://firm.example/survey

        """

    private func load(_ yaml: String) throws(ConfigError) -> ServiceConfiguration {
        try ServiceConfiguration.decode(yaml: yaml, file: "tact.yaml")
    }

    @Test func theSectionsAndTheEnvironmentAreRead() throws {
        var configured = try load(
            Self.firm + """
                creditors:
                  names: {acme: ACME Bank}
                delivery:
                  concurrency: 8
                  email: {url: "smtp://relay:587", from: notices@firm.example, tls: optional, username: tact}
                  sms: {url: "https://sms.example/send", timeoutSeconds: 5}
                  letter: {spool: /var/spool/letters}
                """)
        #expect(configured.delivery.firm?.name == "Firm")
        #expect(configured.delivery.creditorName("acme") == "ACME Bank")
        #expect(configured.delivery.creditorName("other") == "other")
        #expect(configured.delivery.concurrency == 8)
        #expect(configured.delivery.email.tls == .optional && configured.delivery.email.username == "tact")
        #expect(configured.delivery.sms.timeoutSeconds == 5)
        configured.delivery.apply(environment: [
            "TACT_SMTP_PASSWORD": "pw", "TACT_SMS_SECRET": "secret", "TACT_SMTP_URL": "smtp://other:25",
            "TACT_LETTER_SPOOL": "/tmp/letters",
        ])
        #expect(configured.delivery.email.password == "pw" && configured.delivery.sms.secret == "secret")
        #expect(configured.delivery.email.url == "smtp://other:25" && configured.delivery.letterSpool == "/tmp/letters")
    }

    @Test(arguments: [
        (firm.replacingOccurrences(of: "name: Firm", with: "name: ' '"), "firm.name", "must not be empty"),
        (
            firm.replacingOccurrences(of: "https://firm.example/stop", with: "http://firm.example/stop"),
            "firm.optOutURL",
            "https://"
        ),
        (firm.replacingOccurrences(of: "  surveyURL: https://firm.example/survey\n", with: ""), "firm.surveyURL", ""),
        ("delivery:\n  concurrency: 0\n", "delivery.concurrency", "1…64"),
        ("delivery:\n  email: {url: 'http://relay', from: a@b.c}\n", "delivery.email.url", "smtp://"),
        ("delivery:\n  email: {from: nobody}\n", "delivery.email.from", "e-mail address"),
        ("delivery:\n  email: {from: a@b.c, tls: maybe}\n", "delivery.email.tls", "required, optional or none"),
        ("delivery:\n  sms: {url: 'ftp://x'}\n", "delivery.sms.url", "http(s)://"),
        ("delivery:\n  sms: {timeoutSeconds: 0}\n", "delivery.sms.timeoutSeconds", "1…120"),
        ("delivery:\n  letter: {spool: ''}\n", "delivery.letter.spool", "must not be empty"),
        ("delivery:\n  retries: 3\n", "delivery.retries", "expected one of"),
    ])
    func aWrongSectionIsRefusedWithTheField(yaml: String, field: String, problem: String) {
        #expect {
            try load(yaml)
        } throws: { error in
            let error = error as? ConfigError
            return error?.field == field && (problem.isEmpty || error?.problem.contains(problem) == true)
        }
    }
}
