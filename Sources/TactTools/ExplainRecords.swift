import Domain
import Foundation
import Policy
import Store

/// Everything the store holds about one debtor that an explanation may show: read in one snapshot, so that the
/// tasks, decisions and ledger agree with each other.
package struct ExplainRecords: Sendable {
    package var debtor: DebtorRecord
    package var debts: [DebtRecord]
    /// By due time.
    package var tasks: [TaskRecord]
    /// The audit trail, oldest first.
    package var decisions: [DecisionRecord]
    /// Lifted ones included, oldest first.
    package var holds: [HoldRecord]
    /// Contacts made, oldest first.
    package var ledger: [LedgerEntry]
    /// The case's moves from one specialist to another, oldest first.
    package var handovers: [HandoverRecord]
    /// When each hold ends as the policy sees it (its own end, else the rulebook's default), by hold id; absent for
    /// an open-ended hold. Filled by ``resolveHoldEnds(rulebooks:)``.
    package var holdEnds: [String: Instant] = [:]
    /// The person behind the case as the policy sees it, other cases with its person key included; `nil` when it
    /// was not read (the case's own records then stand for the person).
    package var person: PolicySnapshot.Person?
    /// The senders' checks at the moment of sending (`contact.checked` entries of the trail), oldest first: who was
    /// told to send which contact, and who was refused it and why.
    package var checks: [SendCheck] = []

    /// One check at the moment of sending, read from its trail entry.
    package struct SendCheck: Sendable {
        package var taskID: String
        package var at: Instant
        /// Who asked, as the trail names it (`sender:<id>`).
        package var actor: String
        /// The sender's id (the actor without its `sender:`).
        package var sender: String
        /// `send` (claimed), or why it was refused.
        package var verdict: String
        package var attempt: String?
        /// The policy's rules, for `not-permitted`.
        package var reasons: String?

        init(_ entry: AuditRecord) {
            let detail =
                (try? JSONSerialization.jsonObject(with: Data(entry.detail.utf8))) as? [String: Any] ?? [:]
            actor = entry.actor.description
            taskID = entry.subject
            at = entry.at
            sender = actor.hasPrefix("sender:") ? String(actor.dropFirst("sender:".count)) : actor
            verdict = detail["verdict"] as? String ?? "unknown"
            attempt = detail["attempt"] as? String
            reasons = detail["reasons"] as? String
        }
    }

    package init(
        debtor: DebtorRecord, debts: [DebtRecord], tasks: [TaskRecord], decisions: [DecisionRecord],
        holds: [HoldRecord], ledger: [LedgerEntry], handovers: [HandoverRecord] = []
    ) {
        self.debtor = debtor
        self.debts = debts
        self.tasks = tasks
        self.decisions = decisions
        self.holds = holds
        self.ledger = ledger
        self.handovers = handovers
    }

    /// The trail's entry for a sender's check at the moment of sending.
    package static let checkAction = "contact.checked"
    /// Trail entries of one case read for its checks: a case has a few hundred in a long life.
    static let checksRead = 20_000

    /// `nil` when no debtor has this id.
    package static func read(_ debtorID: String, from store: some InspectableStore) async throws -> ExplainRecords? {
        try await store.inspect { store in
            guard let debtor = try store.debtor(debtorID) else { return nil }
            var records = ExplainRecords(
                debtor: debtor, debts: try store.debts(ofDebtor: debtorID),
                tasks: try store.tasks(ofDebtor: debtorID, statuses: []),
                decisions: try store.decisions(ofDebtor: debtorID), holds: try store.allHolds(ofDebtor: debtorID),
                ledger: try store.fullLedger(ofDebtor: debtorID), handovers: try store.handovers(ofDebtor: debtorID))
            records.person = try PolicySnapshot.person(of: debtor, since: Instant(secondsSinceEpoch: 0), in: store)
            records.checks = try store.auditRecords(
                afterSequence: 0, throughSequence: .max, from: Instant(secondsSinceEpoch: 0),
                to: Instant(secondsSinceEpoch: .max / 2), debtorID: debtorID, limit: checksRead
            ).filter { $0.action == Self.checkAction }.map(SendCheck.init)
            return records
        }
    }

    /// States each hold's end as the policy computes it under the debtor's rulebook, so that the holds, the timeline
    /// and the next contact give the same end.
    package mutating func resolveHoldEnds(rulebooks: [String: Rulebook]) {
        let engine = rulebooks[debtor.rulebook].flatMap { try? PolicyEngine(rulebook: $0) }
        for hold in holds {
            let end =
                engine?.end(of: hold.kind, since: hold.since, until: hold.until, timeZones: debtor.timeZones)
                ?? hold.until
            holdEnds[hold.id] = end
        }
    }

    /// The first time zone, which counts the debtor's local days; `nil` when unknown.
    package var zone: String? { debtor.timeZones.first }

    /// `2026-12-01T14:00:00Z (Tue 2026-12-01 08:00 America/Chicago)`.
    package func both(_ instant: Instant) -> String {
        guard let zone else { return "\(instant) (time zone unknown)" }
        return "\(instant) (\(LocalDay.describe(instant, inZone: zone)))"
    }
}
