import Contract
import Domain

extension MessageValues {
    /// The values a reminder's message is written with: the reminder's own (name, debt, promise, instalment,
    /// rulebook), the firm's and the creditor's name. The amount is what is owed now (placed, less `paid`). A first
    /// notice and a validation notice carry the validation information, itemised as of the debt's due date: the
    /// amount placed, no interest or fees (placements carry no itemisation yet), and the payments since. Throws
    /// when the reminder lacks what every message needs.
    public init(
        reminder: Reminder, firm: Firm, creditorName: String, defaultRulebook: String, today: LocalDate
    ) throws(TemplateError) {
        let location = "reminder \(reminder.taskId)"
        guard let purpose = reminder.contactPurpose else {
            throw TemplateError(.noTemplate, location, "names no purpose Tact writes about")
        }
        let parameters = reminder.parameters ?? [:]
        func money(_ amount: String?, _ name: String) throws(TemplateError) -> Money? {
            guard let amount else { return nil }
            guard let currency = parameters["currency"], let value = Money(amount, currency: currency) else {
                throw TemplateError(.invalidRule, location, "parameter \(name) is not an amount in its currency")
            }
            return value
        }
        func date(_ text: String?, _ name: String) throws(TemplateError) -> LocalDate? {
            guard let text else { return nil }
            guard let value = LocalDate(iso: text) else {
                throw TemplateError(.invalidRule, location, "parameter \(name) is not a date YYYY-MM-DD")
            }
            return value
        }
        guard let placed = try money(parameters["amount"], "amount"),
            let due = try date(parameters["dueDate"], "dueDate")
        else {
            throw TemplateError(.invalidRule, location, "parameters amount, currency and dueDate are required")
        }
        // What is owed now: the amount placed less what was paid since.
        let paid = try money(parameters["paid"], "paid") ?? Money(minorUnits: 0, currency: placed.currency)
        let amount = placed.minus(paid)
        var promise: Promise?
        if let promised = try money(parameters["promisedAmount"], "promisedAmount"),
            let on = try date(parameters["promisedDate"], "promisedDate")
        {
            promise = Promise(amount: promised, date: on)
        }
        var instalment: Instalment?
        if let owed = try money(parameters["instalmentAmount"], "instalmentAmount"),
            let on = try date(parameters["instalmentDate"], "instalmentDate"),
            let number = parameters["instalmentNumber"].flatMap(Int.init),
            let count = parameters["instalmentCount"].flatMap(Int.init)
        {
            instalment = Instalment(amount: owed, date: on, number: number, count: count)
        }
        let first = purpose.purpose == .firstNotice
        let validating = first || purpose.purpose == .validationNotice
        let zero = Money(minorUnits: 0, currency: amount.currency)
        self.init(
            purpose: purpose.purpose, recipient: reminder.to, firm: firm, creditorName: creditorName,
            debtorName: reminder.name ?? "", reference: reminder.debtId,
            specialist: reminder.specialistId.map { $0.prefix(1).uppercased() + $0.dropFirst() }, amount: amount,
            dueDate: due, promise: promise, instalment: instalment,
            validation: validating
                ? Validation(
                    itemizationDate: due, amountThen: placed, interest: zero, fees: zero, paymentsAndCredits: paid,
                    disputeBy: Validation.disputeDeadline(sentOn: today)) : nil,
            rulebook: reminder.rulebook ?? defaultRulebook, firstCommunication: first,
            representative: purpose.addressee == .representative)
    }
}
