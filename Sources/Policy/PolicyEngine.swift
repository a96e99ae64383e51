import Domain

/// The respectful-contact policy: decides whether a proposed contact may happen now and until when its
/// permitted window lasts, and if not, exactly when or why never.
///
/// Pure and `Sendable`: no clock, no I/O, no logging. Build one per rulebook and share it across threads;
/// ``evaluate(_:)`` allocates only per request. Time-zone tables and holiday calendars are computed once and
/// cached process-wide.
///
/// ```swift
/// let engine = try PolicyEngine(rulebook: rulebook)
/// let request = try PolicyJSON.decode(PolicyRequest.self, from: data)
/// let decision = engine.evaluate(request)
/// ```
public struct PolicyEngine: Sendable {
    /// The rulebook in force.
    public let rulebook: Rulebook
    private let compiled: CompiledRulebook

    /// Creates an engine; throws `invalid-rulebook` (or `unknown-time-zone` for a fallback zone) if the
    /// rulebook does not validate.
    public init(rulebook: Rulebook) throws(PolicyError) {
        try rulebook.validate()
        self.rulebook = rulebook
        self.compiled = CompiledRulebook(rulebook)
    }

    /// Decides `request`: `allow` with the end of the permitted window (`validUntil`), `defer` with the exact
    /// earliest permissible instant, `suppress`, or `redirect`, with every rule that blocks at `now` as a reason.
    public func evaluate(_ request: PolicyRequest) -> PolicyDecision {
        run(request, explaining: false).decision
    }

    /// Decides `request` and accounts for every rule, including those that pass or do not apply.
    public func explain(_ request: PolicyRequest) -> PolicyExplanation {
        let (decision, checks, evaluation) = run(request, explaining: true)
        return PolicyExplanation(
            rulebook: rulebook.id, decision: decision, zones: evaluation.zones.map(\.id),
            zonesAreFallback: evaluation.zonesAreFallback && !evaluation.zones.isEmpty, checks: checks)
    }

    // MARK: - Decision

    private func run(_ request: PolicyRequest, explaining: Bool) -> (
        decision: PolicyDecision, checks: [PolicyExplanation.Check], evaluation: PolicyEvaluation
    ) {
        let evaluation = PolicyEvaluation(compiled: compiled, request: request)
        var checks: [PolicyExplanation.Check] = []
        var suppress = false
        var redirect = false
        let record = { (check: PolicyExplanation.Check?) in
            if let check, explaining || check.outcome == .blocks { checks.append(check) }
        }

        if request.debtor.optOuts.contains(request.contact.channel) {
            suppress = true
            record(evaluation.optOutCheck(blocking: true))
        } else if explaining {
            record(evaluation.optOutCheck(blocking: false))
        }
        if evaluation.zones.isEmpty {
            suppress = true
            record(evaluation.unknownZoneCheck(rulebook: rulebook.id))
        }
        for index in evaluation.holds.indices {
            let hold = evaluation.holds[index]
            let active = hold.since <= evaluation.now && (hold.end.map { evaluation.now < $0 } ?? true)
            if active {
                if hold.kind.redirectsToRepresentative, request.debtor.representative != nil {
                    redirect = true
                } else if hold.end == nil {
                    suppress = true
                }
            }
            if active || explaining { record(evaluation.holdCheck(index, active: active)) }
        }
        if !evaluation.zones.isEmpty {
            for check in evaluation.timeChecks(explaining: explaining) { record(check) }
        }

        var reasons: [PolicyDecision.Reason] = []
        for check in checks where check.outcome == .blocks {
            reasons.append(PolicyDecision.Reason(rule: check.rule, until: check.until, detail: check.detail))
        }
        let decision: PolicyDecision
        if suppress {
            decision = PolicyDecision(decision: .suppress, reasons: reasons)
        } else if redirect {
            decision = PolicyDecision(decision: .redirect, reasons: reasons, redirectTo: request.debtor.representative)
        } else if reasons.isEmpty {
            // The window's end is searched for allowed contacts only, which keeps the other decisions as cheap
            // as they were.
            let end = evaluation.windowEnd().map { Instant(secondsSinceEpoch: $0) }
            decision = PolicyDecision(decision: .allow, earliest: request.now, validUntil: end)
        } else if let earliest = evaluation.earliest(satisfying: evaluation.constraints, from: evaluation.now) {
            decision = PolicyDecision(
                decision: .defer, earliest: Instant(secondsSinceEpoch: earliest), reasons: reasons)
        } else {
            // Blocked now and no permissible instant within the horizon (e.g. a future open-ended hold, or
            // inconvenient times covering every window): nothing but a change of circumstances helps.
            decision = PolicyDecision(decision: .suppress, reasons: reasons)
        }
        return (decision, checks, evaluation)
    }
}

/// A full account of an evaluation, for `--explain` and audits: each rule with its outcome.
public struct PolicyExplanation: Sendable, Equatable {
    /// One rule's verdict at `now`.
    public struct Check: Sendable, Equatable {
        /// Whether the rule blocked, passed, or did not apply to this contact.
        public enum Outcome: String, Sendable, Equatable {
            case blocks, passes
            case notApplicable = "not applicable"
        }

        /// The rule id, as in reasons.
        public var rule: RuleID
        /// The verdict.
        public var outcome: Outcome
        /// When a blocking rule stops blocking, if it does by itself.
        public var until: Instant?
        /// What the engine saw (ids and local times only, no personal data).
        public var detail: String
    }

    /// The rulebook id.
    public var rulebook: String
    /// The decision, identical to ``PolicyEngine/evaluate(_:)``'s.
    public var decision: PolicyDecision
    /// Zones the evaluation used (the debtor's, or the rulebook's fallback).
    public var zones: [String]
    /// Whether ``zones`` came from the rulebook because the debtor's zone is unknown.
    public var zonesAreFallback: Bool
    /// Every rule considered, in evaluation order.
    public var checks: [Check]
}

extension PolicyEngine {
    /// When a hold ends as the policy sees it: its own `until`, else the rulebook's default for its kind, counted
    /// from its start in the debtor's first known time zone (the rulebook's fallback zone, else UTC); `nil` when it
    /// is open-ended. What `tact explain` states, so that the hold's end reads the same everywhere.
    public func end(of kind: HoldKind, since: Instant, until: Instant?, timeZones: [String]) -> Instant? {
        if let until { return until }
        guard let days = compiled.holdDays[kind] else { return nil }
        let zone = timeZones.lazy.compactMap(ZoneTable.named).first ?? compiled.fallbackZones?.first
        return Instant(
            secondsSinceEpoch: PolicyEvaluation.defaultHoldEnd(since: since.secondsSinceEpoch, days: days, zone: zone))
    }
}
