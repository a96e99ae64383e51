import Contract
import Domain
import Templates
import Testing

/// The check reads the rendered message: a value that leaves a disclosure out, or brings a forbidden phrase in, is
/// caught for that message.
@Suite struct DisclosureRulesTests {
    static func rules() throws -> DisclosureRules {
        try DisclosureRules(
            smsBudget: 160, forbidden: ["en": ["prison", "your employer"]],
            rulebooks: [
                "us-regf": .init(
                    required: [
                        .init(
                            id: "debt-collector", source: "12 CFR 1006.18(e)", when: .every,
                            channels: [.sms, .email, .letter], phrases: ["en": ["from a debt collector"]]),
                        .init(
                            id: "amount", source: "test", when: .first, channels: [.email],
                            phrases: ["en": ["you owe {{debt.amount}}"]]),
                        .init(
                            id: "plan", source: "test", when: .every, channels: [.sms], notFor: [.survey],
                            phrases: ["en": ["repayment plan"]]),
                    ], forbidden: ["en": ["last chance"]])
            ])
    }

    static func message(_ channel: Channel, _ text: String, html: String? = nil) -> RenderedMessage {
        RenderedMessage(channel: channel, subject: channel == .email ? "Your account" : nil, text: text, html: html)
    }

    @Test func aMessageWithEveryDisclosureMayBeSent() throws {
        let values = MessageValues.sample(rulebook: "us-regf", language: "en")
        let text = "This  message is\nFROM a debt collector: you owe $1,234.56."
        let problems = try Self.rules().problems(
            in: Self.message(.email, text, html: "<p>From a debt <b>collector</b>: you owe $1,234.56</p>"),
            values: values, language: "en")
        #expect(problems == [])
    }

    @Test func aDisclosureMissingFromOnePartIsNamedForThatPart() throws {
        let values = MessageValues.sample(rulebook: "us-regf", language: "en")
        let problems = try Self.rules().problems(
            in: Self.message(.email, "From a debt collector: you owe $1,234.56.", html: "<p>Hello</p>"), values: values,
            language: "en")
        #expect(
            problems == [
                "missing debt-collector (12 CFR 1006.18(e)) in html: \"from a debt collector\"",
                "missing amount (test) in html: \"you owe {{debt.amount}}\"",
            ])
    }

    @Test func thePhraseIsRenderedWithTheMessagesOwnValues() throws {
        var values = MessageValues.sample(rulebook: "us-regf", language: "en")
        values.amount = Money("99.00", currency: "USD")!
        let problems = try Self.rules().problems(
            in: Self.message(.email, "From a debt collector: you owe $1,234.56."), values: values, language: "en")
        #expect(problems == ["missing amount (test) in text: \"you owe {{debt.amount}}\""])
    }

    @Test func firstCommunicationDisclosuresApplyOnlyToTheFirst() throws {
        let values = MessageValues.sample(purpose: .promiseReminder, rulebook: "us-regf", language: "en")
        let problems = try Self.rules().problems(
            in: Self.message(.email, "From a debt collector."), values: values, language: "en")
        #expect(problems == [])
    }

    @Test func forbiddenPhrasesAreFoundAnywhereWhateverTheirCase() throws {
        let values = MessageValues.sample(purpose: .survey, rulebook: "us-regf", language: "en")
        let problems = try Self.rules().problems(
            in: Self.message(.sms, "From a debt collector. This is your LAST\nchance, or we call Your Employer."),
            values: values, language: "en")
        #expect(problems == ["forbidden phrase \"your employer\"", "forbidden phrase \"last chance\""])
    }

    @Test func anSMSOverItsBudgetOrWithoutItsDisclosuresIsRefused() throws {
        let values = MessageValues.sample(purpose: .callBackRequest, rulebook: "us-regf", language: "en")
        let long = String(repeating: "x", count: 161)
        let problems = try Self.rules().problems(in: Self.message(.sms, long), values: values, language: "en")
        #expect(
            problems == [
                "the text has 161 characters, more than the SMS budget of 160",
                "missing debt-collector (12 CFR 1006.18(e)) in text: \"from a debt collector\"",
                "missing plan (test) in text: \"repayment plan\"",
            ])
    }

    @Test func aRulebookWithoutRulesIsNeverSentUnderSilently() throws {
        let values = MessageValues.sample(purpose: .survey, rulebook: "us-ma", language: "en")
        let problems = try Self.rules().problems(in: Self.message(.sms, "Hello"), values: values, language: "en")
        #expect(problems == ["no disclosure rules for rulebook us-ma"])
    }
}

/// 12 CFR 1006.34(b)(5): the end of the validation period.
@Suite struct DisputeDeadlineTests {
    @Test func fiveWorkingDaysToArriveThenThirtyNotCountingWeekendsOrFederalHolidays() {
        // Sent Wednesday 25 November 2026: Thanksgiving (26th) and the weekend do not count; received Thursday 3
        // December; thirty days later, 2 January 2027.
        let sent = LocalDate(year: 2026, month: 11, day: 25)!
        #expect(MessageValues.Validation.disputeDeadline(sentOn: sent) == LocalDate(year: 2027, month: 1, day: 2)!)
        // An ordinary Monday: received the next Monday, thirty days on is under 35: 35 days it is.
        let monday = LocalDate(year: 2026, month: 12, day: 7)!
        #expect(MessageValues.Validation.disputeDeadline(sentOn: monday) == monday.adding(days: 37))
    }
}

/// Forbidden phrases are the template's to avoid, not the person's name or street.
@Suite struct ForbiddenPhrasesInValuesTests {
    @Test func aNameOrAnAddressThatContainsAForbiddenPhraseIsNoReasonToRefuse() throws {
        let rules = try DisclosureRules(
            smsBudget: 480, forbidden: ["en": ["prison"]], rulebooks: ["us-regf": .init(required: [], forbidden: [:])])
        var values = MessageValues.sample(purpose: .survey, rulebook: "us-regf", language: "en")
        values.recipient = "3 Prison Lane, Dartmoor"
        let message = RenderedMessage(
            channel: .letter, subject: nil, text: "Tact\n3 Prison Lane, Dartmoor\n\nThank you.", html: nil)
        #expect(rules.problems(in: message, values: values, language: "en") == [])
        let threat = RenderedMessage(
            channel: .letter, subject: nil, text: "3 Prison Lane, Dartmoor\n\nPay or go to prison.", html: nil)
        #expect(rules.problems(in: threat, values: values, language: "en") == ["forbidden phrase \"prison\""])
    }
}
