import Domain
import Policy

extension LifeEvent {
    /// What a valid event says, with the fields its kind requires, as ``LifeEvent/meaning()`` reads them once: the
    /// scheduler switches over it instead of unwrapping the message's optional fields.
    public enum Meaning: Sendable, Equatable {
        /// A hold begins that asks for nothing else: bereavement, hardship, breathing space, dispute or cease.
        case hold(HoldKind)
        /// The debtor died; the estate's representative, if known.
        case deceased(Representative?)
        /// An attorney, reachable by phone or e-mail, represents the debtor from now on.
        case attorney(Representative)
        case disputeResolved
        case optOut(Channel)
        case optIn(Channel)
        /// A payment on the debt: decimal text in `currency` (the debt's when absent). Without an amount it pays the
        /// active plan's next instalment, or (with no plan) the whole balance.
        case payment(debtID: String, amount: String?, currency: String?)
        /// A repayment plan: at least one instalment, dated in order.
        case plan(debtID: String, instalments: [Instalment])
        /// A promise to pay that the creditor reports.
        case promise(debtID: String, Outcome.Promise)
        case closed(debtID: String)
        case recall(debtID: String)
    }
}
