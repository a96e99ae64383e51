import Contract
import Domain
import Store

/// What a promise to pay or a repayment plan must satisfy against the debt it settles. A refusal names the field
/// and the problem, never the amounts (they are the debtor's).
enum ArrangementCheck {
    /// A promise's date is the debtor's today or later, at most `maxDaysAhead` days on; its amount (in the debt's
    /// currency) at most the debt's balance.
    static func promise(
        _ promise: Outcome.Promise, debt: DebtRecord, today: LocalDate, maxDaysAhead: Int
    ) throws(ContractError) {
        guard let date = LocalDate(iso: promise.date) else {
            throw ContractError(.invalidField, field: "promise.date", "must be a date YYYY-MM-DD")
        }
        guard date >= today else {
            throw ContractError(.invalidField, field: "promise.date", "is in the past in the debtor's calendar")
        }
        guard date <= today.adding(days: maxDaysAhead) else {
            throw ContractError(
                .invalidField, field: "promise.date", "is more than \(maxDaysAhead) days ahead (the strategy's limit)")
        }
        try atMostTheBalance([promise.amount], of: debt, field: "promise.amount")
    }

    /// A plan's instalments add up to at most the debt's balance (their order is checked with the message).
    static func plan(_ instalments: [LifeEvent.Instalment], debt: DebtRecord) throws(ContractError) {
        try atMostTheBalance(instalments.map(\.amount), of: debt, field: "instalments")
    }

    /// The debt's balance: its amount less the payments recorded on it.
    private static func atMostTheBalance(_ amounts: [String], of debt: DebtRecord, field: String) throws(ContractError)
    {
        let parsed = amounts.compactMap { Money($0, currency: debt.currency) }
        guard parsed.count == amounts.count, let total = Money.total(parsed, currency: debt.currency),
            let balance = debt.balance
        else { throw ContractError(.invalidField, field: field, "must be decimal amounts such as 120.50") }
        guard total.minorUnits <= balance.minorUnits else {
            let what = amounts.count == 1 ? "is more than" : "add up to more than"
            throw ContractError(.invalidField, field: field, "\(what) the debt's balance")
        }
    }
}
