import Contract
import Domain
import Foundation
import Policy

/// One thing that happened in a simulation, at its virtual instant. Entries are in the order things happened;
/// within one instant, in the order the scheduler and the workers did them. Ids only, never personal data.
public struct TimelineEntry: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// A placement was applied: the debtor and the debt exist.
        case placement
        /// A life or account event was applied.
        case event
        /// A worker decided a hand-out of a task (`decision`, `earliest`, `validUntil`, `reasons`).
        case decision
        /// A reminder or call reached its queue (`queue`, `channel`, `validUntil`).
        case emission
        /// A gateway or specialist reported an outcome (`result`, `promise`).
        case outcome
        /// A contact came back unread: its window closed (`cause: valid-until`) or it was given back.
        case expired
        /// An input the scheduler had already applied (same id): it changed nothing.
        case duplicate
        /// The scheduler refused an input (`detail` is the reason `tact.dead` would carry).
        case refused
        /// Another kind of scheduler input, applied (`detail` is its message id).
        case input
        /// An outbox message no simulated consumer reads (`queue`, `detail` its type).
        case unrouted
    }

    public var at: Instant
    public var kind: Kind
    public var debtorId: String
    public var debtId: String?
    public var taskId: String?
    public var attempt: Int?
    public var channel: Channel?
    /// Task purpose (`first-call`) or reminder template.
    public var purpose: String?
    public var rulebook: String?
    public var decision: PolicyDecision.Kind?
    public var earliest: Instant?
    public var validUntil: Instant?
    public var reasons: [PolicyDecision.Reason]?
    public var queue: String?
    public var result: Outcome.Result?
    public var promise: Outcome.Promise?
    public var event: LifeEvent.Kind?
    /// A hold's end, as the event gave it.
    public var until: Instant?
    /// Why it happened: what planned an event, why a contact expired.
    public var cause: String?
    public var detail: String?

    public init(at: Instant, kind: Kind, debtorId: String) {
        self.at = at
        self.kind = kind
        self.debtorId = debtorId
    }

    /// The entry as one line of JSON (keys sorted), as `--timeline` writes it.
    public var jsonLine: String {
        // A fresh encoder each time: `JSONEncoder` is not `Sendable`, and it is cheap next to a simulation step.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain values cannot fail.
        return (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// Reads a line ``jsonLine`` wrote.
    public static func decode(line: some StringProtocol) throws -> TimelineEntry {
        try JSONDecoder().decode(TimelineEntry.self, from: Data(line.utf8))
    }
}
