/// Who may publish for which creditor, as the broker vouches for it (the AMQP `user_id`, which RabbitMQ checks
/// against the connection's user). From the `identity` section of `tact.yaml`.
///
/// Without the section an installation serves one creditor, or creditors that trust each other: a message's
/// `user_id`, when it has one, must still name the creditor it acts for (`creditor-mismatch`), but one without it
/// is accepted. With it, every intake message must carry a `user_id` that is an operator or one of the creditor's
/// users; anything else is refused with `identity`.
public struct Identity: Sendable, Equatable {
    /// Broker users acting for each creditor, by creditor id.
    public var creditors: [String: Set<String>] = [:]
    /// Broker users who may act for any creditor (`tact place` run by operations, `tact specialists`).
    public var operators: Set<String> = []

    public init(creditors: [String: Set<String>] = [:], operators: Set<String> = []) {
        self.creditors = creditors
        self.operators = operators
    }

    /// Whether the section is there: every intake message then needs a `user_id` the section allows.
    public var isVerified: Bool { !creditors.isEmpty || !operators.isEmpty }

    /// Why a message published under `userID` may not act for `creditor`, in either mode.
    public enum Refusal: Sendable, Equatable {
        /// With the section: no `user_id`, or one the section does not allow (the reason, ids only).
        case notAllowed(String)
        /// Without the section: the `user_id` the broker vouched for names another creditor.
        case otherCreditor
    }

    /// The one check of who may act for `creditor` (any creditor when `nil`: specialist changes), for the scheduler
    /// and for `tact place` alike; `nil` when `userID` may.
    public func check(_ userID: String?, actingFor creditor: String?) -> Refusal? {
        guard isVerified else {
            guard let userID, let creditor, userID != creditor else { return nil }
            return .otherCreditor
        }
        return refusal(of: userID, for: creditor).map(Refusal.notAllowed)
    }

    /// With the section, why `userID` may not act for `creditor` (any creditor when `nil`), or `nil` when it may.
    public func refusal(of userID: String?, for creditor: String?) -> String? {
        guard isVerified else { return nil }
        guard let userID else { return "no user_id: this installation accepts only messages the broker vouches for" }
        if operators.contains(userID) { return nil }
        guard let creditor else { return "broker user \(userID) is not an operator" }
        guard creditors[creditor]?.contains(userID) == true else {
            return "broker user \(userID) may not act for this creditor"
        }
        return nil
    }
}
