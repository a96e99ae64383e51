/// What a compliance officer asks of a run, answered from its timeline: contacts on closed days or outside hours,
/// during holds or the pause after a conversation, the busiest window of each frequency cap, and every emission
/// decided again by the policy engine at its instant. Findings name ids, never personal data.
///
/// Contacts redirected to a representative (an attorney, an estate) are exempt from every calendar check (Sundays,
/// holidays and closed days, contact hours), from holds and the pause after a conversation, and from the caps: the
/// policy engine lets them through at any hour and keeps them out of the debtor's ledger. They are still decided
/// again, and must come out as redirects.
public struct ComplianceChecks: Sendable, Equatable, Codable {
    /// The busiest window of one frequency cap of one rulebook.
    public struct Cap: Sendable, Equatable, Codable {
        public var rulebook: String
        public var id: String
        public var channels: [String]
        public var limit: Int
        public var days: Int
        /// `debt` or `debtor`.
        public var scope: String
        /// The most contacts the cap counts (its outcomes, and contacts awaiting one) in any window of `days`
        /// local days, for any debt or debtor.
        public var maximum: Int
        /// Whether the busiest window counted more than the cap allows.
        public var exceeded: Bool { maximum > limit }
    }

    /// Contacts redirected to a representative: exempt from the calendar, hold, pause and cap checks.
    public var redirectedContacts: Int
    /// Calls to the debtor (not a representative) on a local Sunday in any of the debtor's zones.
    public var callsOnSundays: Int
    /// Of those, calls under a rulebook that has no Sunday contact hours: each is a finding.
    public var callsOnForbiddenSundays: Int
    /// Whether every rulebook in use permits calls on Sundays (then Sunday calls are no finding).
    public var sundayCallsPermitted: Bool
    /// Contacts to the debtor, on the channels contact hours govern, on a holiday, a closed date, or a weekday
    /// without hours.
    public var contactsOnClosedDays: Int
    /// Contacts to the debtor, on those channels, outside the weekly contact hours in some zone.
    public var contactsOutsideHours: Int
    /// Contacts to the debtor (not a representative) while a hold was in force.
    public var contactsDuringHolds: Int
    /// Contacts to the debtor within the rulebook's pause after a conversation known at the time.
    public var contactsAfterConversation: Int
    /// The busiest window of every cap of every rulebook in use.
    public var caps: [Cap]
    /// Every emission in the timeline.
    public var emissions: Int
    /// Emissions decided again with the policy engine, on the history the timeline shows at their instant (an
    /// emission decided again was also put through every other check).
    public var policyRechecked: Int
    /// Of those, how many the engine would not have allowed.
    public var policyRecheckFailures: Int
    /// How many findings there are; `findings` holds the first of them.
    public var findingCount: Int
    /// The first findings (at most 50), one line each.
    public var findings: [String]

    /// Emissions not decided again (a debtor not placed, a rulebook missing from the run, a rulebook or debtor the
    /// policy engine refuses): the checks cannot vouch for them.
    public var unaudited: Int { emissions - policyRechecked }

    /// Whether every emission was checked and nothing was found (then `findingCount` is 0, and only then).
    public var passed: Bool {
        callsOnForbiddenSundays == 0 && contactsOnClosedDays == 0 && contactsOutsideHours == 0
            && contactsDuringHolds == 0 && contactsAfterConversation == 0 && !caps.contains(where: \.exceeded)
            && policyRecheckFailures == 0 && unaudited == 0
    }

    /// One line for `tact simulate`: whether every check passed, and how many emissions were decided again.
    public var summary: String {
        let rechecked = "rechecked \(policyRechecked) of \(emissions) emissions"
        return passed ? "every check passed (\(rechecked))" : "\(findingCount) finding(s), \(rechecked); see the report"
    }
}
