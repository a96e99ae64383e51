import Domain
import Foundation
import Policy

/// Everything a template may say, in typed form: the firm, the creditor, the person, the debt and what the message is
/// about. ``context(language:)`` turns it into the values Mustache reads; the names it produces are the only
/// placeholders a template may use.
public struct MessageValues: Sendable, Equatable {
    /// The collection firm: who writes. From the service file's `firm` section.
    public struct Firm: Sendable, Equatable {
        public var name: String
        public var phone: String
        public var email: String
        public var website: String
        public var address: String
        /// Where a person stops e-mails from us (a web page; the reference is appended).
        public var optOutURL: String
        /// Where a person answers the survey (the reference is appended).
        public var surveyURL: String

        public init(
            name: String, phone: String, email: String, website: String, address: String, optOutURL: String,
            surveyURL: String
        ) {
            self.name = name
            self.phone = phone
            self.email = email
            self.website = website
            self.address = address
            self.optOutURL = optOutURL
            self.surveyURL = surveyURL
        }
    }

    /// A promise to pay.
    public struct Promise: Sendable, Equatable {
        public var amount: Money
        public var date: LocalDate
        public init(amount: Money, date: LocalDate) {
            self.amount = amount
            self.date = date
        }
    }

    /// The instalment of a plan a message is about, and the plan's size.
    public struct Instalment: Sendable, Equatable {
        public var amount: Money
        public var date: LocalDate
        /// 1-based.
        public var number: Int
        public var count: Int
        public init(amount: Money, date: LocalDate, number: Int, count: Int) {
            self.amount = amount
            self.date = date
            self.number = number
            self.count = count
        }
    }

    /// The validation information of 12 CFR 1006.34: the debt as of the itemisation date, and what changed since.
    public struct Validation: Sendable, Equatable {
        public var itemizationDate: LocalDate
        public var amountThen: Money
        public var interest: Money
        public var fees: Money
        public var paymentsAndCredits: Money
        /// The last day the person can dispute the debt (the end of the validation period).
        public var disputeBy: LocalDate

        /// The amount owed now: then, plus interest and fees, less payments and credits.
        public var amountNow: Money { amountThen.plus(interest).plus(fees).minus(paymentsAndCredits) }

        public init(
            itemizationDate: LocalDate, amountThen: Money, interest: Money, fees: Money, paymentsAndCredits: Money,
            disputeBy: LocalDate
        ) {
            self.itemizationDate = itemizationDate
            self.amountThen = amountThen
            self.interest = interest
            self.fees = fees
            self.paymentsAndCredits = paymentsAndCredits
            self.disputeBy = disputeBy
        }

        /// The validation period ends 30 days after the person receives the notice; Regulation F lets a collector
        /// assume receipt five days after sending, not counting Saturdays, Sundays and federal public holidays
        /// (12 CFR 1006.34(b)(5)). Tact gives at least 35 calendar days from the day of sending.
        public static func disputeDeadline(sentOn day: LocalDate) -> LocalDate {
            var received = day
            var workdays = 0
            while workdays < 5 {
                received = received.adding(days: 1)
                if ![.sat, .sun].contains(received.weekday), HolidayCalendar.usFederal.holiday(on: received) == nil {
                    workdays += 1
                }
            }
            return max(received.adding(days: 30), day.adding(days: 35))
        }
    }

    /// What the message is about.
    public var purpose: Purpose
    /// Where it goes: the address on a letter, the e-mail address or the number. Personal data.
    public var recipient: String
    public var firm: Firm
    public var creditorName: String
    /// As the creditor gave it. Personal data: in the message, never in logs.
    public var debtorName: String
    /// What the person quotes when they get in touch: the creditor's debt id.
    public var reference: String
    /// The person's specialist, when the case has one.
    public var specialist: String?
    public var amount: Money
    public var dueDate: LocalDate
    public var promise: Promise?
    public var instalment: Instalment?
    /// Present in a first notice and a validation notice.
    public var validation: Validation?
    /// The rulebook the message is written under (`us-regf`): templates show its required wording in a section
    /// named after it (`{{#rules.usRegf}}`).
    public var rulebook: String
    /// The first message Tact sends on this debt.
    public var firstCommunication: Bool
    /// The message goes to the person's representative (an attorney, the estate), not to the person.
    public var representative: Bool

    public init(
        purpose: Purpose, recipient: String, firm: Firm, creditorName: String, debtorName: String, reference: String,
        specialist: String?, amount: Money,
        dueDate: LocalDate, promise: Promise? = nil, instalment: Instalment? = nil, validation: Validation? = nil,
        rulebook: String, firstCommunication: Bool, representative: Bool
    ) {
        self.purpose = purpose
        self.recipient = recipient
        self.firm = firm
        self.creditorName = creditorName
        self.debtorName = debtorName
        self.reference = reference
        self.specialist = specialist
        self.amount = amount
        self.dueDate = dueDate
        self.promise = promise
        self.instalment = instalment
        self.validation = validation
        self.rulebook = rulebook
        self.firstCommunication = firstCommunication
        self.representative = representative
    }

    /// The values as Mustache reads them, amounts and dates written for `language`. Optional parts are left out
    /// when absent, so that a section such as `{{#promise}}…{{/promise}}` shows only when there is one.
    public func context(language: String) -> [String: Any] {
        let format = LocalFormat(language: language)
        var values: [String: Any] = [
            "firm": [
                "name": firm.name, "phone": firm.phone, "email": firm.email, "website": firm.website,
                "address": firm.address, "optOutLink": optOutLink,
                "surveyLink": Self.link(firm.surveyURL, reference: reference),
            ],
            "recipient": recipient,
            "creditor": creditorName,
            "debtor": debtorName,
            "reference": reference,
            "debt": ["amount": format.money(amount), "dueDate": format.date(dueDate)],
            "first": firstCommunication,
            "representative": representative,
            "rules": [Self.flag(rulebook): true],
        ]
        if let specialist { values["specialist"] = specialist }
        if let promise {
            values["promise"] = ["amount": format.money(promise.amount), "date": format.date(promise.date)]
        }
        if let instalment {
            values["instalment"] = [
                "amount": format.money(instalment.amount), "date": format.date(instalment.date),
                "number": String(instalment.number), "count": String(instalment.count),
            ]
        }
        if let validation {
            values["validation"] = [
                "itemizationDate": format.date(validation.itemizationDate),
                "amountThen": format.money(validation.amountThen), "interest": format.money(validation.interest),
                "fees": format.money(validation.fees),
                "paymentsAndCredits": format.money(validation.paymentsAndCredits),
                "amountNow": format.money(validation.amountNow), "disputeBy": format.date(validation.disputeBy),
            ]
        }
        return values
    }

    /// What comes from the person's and the creditor's records rather than from the templates: names, addresses,
    /// the reference. The forbidden-phrase check looks past them.
    public var personalValues: [String] {
        [debtorName, recipient, creditorName, reference, firm.name, firm.address].filter { !$0.isEmpty }
    }

    /// `us-regf` → `usRegf`: a rulebook's name as a Mustache key.
    static func flag(_ rulebook: String) -> String {
        let words = rulebook.split(separator: "-")
        return (words.first.map(String.init) ?? "")
            + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// The page where the person stops messages from us, with their reference (`List-Unsubscribe`, `{{firm.optOutLink}}`).
    public var optOutLink: String { Self.link(firm.optOutURL, reference: reference) }

    private static func link(_ url: String, reference: String) -> String {
        let separator = url.contains("?") ? "&" : "?"
        let escaped =
            reference.addingPercentEncoding(
                withAllowedCharacters: CharacterSet(charactersIn: "-._~").union(.alphanumerics)) ?? reference
        return "\(url)\(separator)ref=\(escaped)"
    }

    /// Every value present, for checking placeholders and rendering samples: what a template may name.
    public static func sample(
        purpose: Purpose = .firstNotice, rulebook: String, language: String, representative: Bool = false
    ) -> MessageValues {
        let currency = language == "pl" ? "PLN" : (rulebook == "uk-fca" ? "GBP" : "USD")
        let money = { (text: String) in Money(text, currency: currency)! }
        let today = LocalDate(year: 2026, month: 12, day: 7)!
        return MessageValues(
            purpose: purpose, recipient: "Flat 4, 221 Long Road Name, Springfield 12345",
            firm: Firm(
                name: "Tact Demo Collections", phone: "+1 555 0100", email: "help@collections.example",
                website: "https://collections.example", address: "1 Example Street, Springfield",
                optOutURL: "https://collections.example/stop", surveyURL: "https://collections.example/survey"),
            creditorName: "Example Creditor of a Fairly Long Name Ltd", debtorName: "Alexandra Wiśniewska-Johnson",
            reference: "D-2026-000123", specialist: "Anna", amount: money("1234.56"),
            dueDate: LocalDate(year: 2026, month: 10, day: 1)!,
            promise: Promise(amount: money("200.00"), date: today.adding(days: 7)),
            instalment: Instalment(amount: money("150.00"), date: today.adding(days: 3), number: 2, count: 8),
            validation: [.firstNotice, .validationNotice].contains(purpose)
                ? Validation(
                    itemizationDate: LocalDate(year: 2026, month: 10, day: 1)!, amountThen: money("1234.56"),
                    interest: money("0.00"), fees: money("0.00"), paymentsAndCredits: money("0.00"),
                    disputeBy: Validation.disputeDeadline(sentOn: today)) : nil,
            rulebook: rulebook, firstCommunication: purpose == .firstNotice, representative: representative)
    }
}

/// Amounts and dates as a reader of the language writes them.
struct LocalFormat {
    var language: String

    /// `$1,234.56`, `£20.00`, `1 234,56 zł`; other currencies as `1,234.56 CHF`.
    func money(_ money: Money) -> String {
        let polish = language == "pl"
        let digits = String(money.amount.drop { $0 == "-" })
        let parts = digits.split(separator: ".")
        var whole = String(parts[0])
        var grouped = ""
        while whole.count > 3 {
            grouped = (polish ? "\u{00A0}" : ",") + whole.suffix(3) + grouped
            whole = String(whole.dropLast(3))
        }
        let number =
            (money.minorUnits < 0 ? "-" : "") + whole + grouped + (polish ? "," : ".")
            + (parts.count > 1 ? parts[1] : "00")
        switch (money.currency, polish) {
        case ("PLN", _): return number + "\u{00A0}zł"
        case ("USD", false): return "$" + number
        case ("GBP", false): return "£" + number
        case ("EUR", false): return "€" + number
        default: return number + "\u{00A0}" + money.currency
        }
    }

    /// `7 December 2026`, `7 grudnia 2026`.
    func date(_ date: LocalDate) -> String {
        let (year, month, day) = date.components
        let names =
            language == "pl"
            ? [
                "stycznia", "lutego", "marca", "kwietnia", "maja", "czerwca", "lipca", "sierpnia", "września",
                "października", "listopada", "grudnia",
            ]
            : [
                "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December",
            ]
        return "\(day) \(names[month - 1]) \(year)"
    }
}
