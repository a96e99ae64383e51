import Contract

/// A message the scheduler consumes, decoded and validated, or refused with the reason `tact.dead` will carry.
public enum SchedulerInput: Sendable, Equatable {
    case placement(Placement, userID: String?)
    case event(LifeEvent, userID: String?)
    case specialist(SpecialistChange)
    case outcome(Outcome)
    case decision(TaskDecision)
    /// A reminder or call that expired unread (or was rejected by a specialist): the task id and attempt.
    case expired(taskID: String, attempt: Int)

    /// The id under which a redelivery is recognised, namespaced by kind.
    public var messageID: String {
        switch self {
        // Placement ids are the creditor's own: two creditors may use the same one. The same placement sent again
        // is a duplicate; changed content under the same id is an amendment, applied once.
        case .placement(let placement, _):
            "placement:\(placement.creditorId):\(placement.placementId):\(placement.fingerprint)"
        case .event(let event, _): "event:\(event.eventId)"
        case .specialist(let change): "specialist:\(change.changeId)"
        case .outcome(let outcome): "outcome:\(outcome.outcomeId)"
        case .decision(let decision): decision.messageID
        case .expired(let taskID, let attempt): "expired:\(taskID):\(attempt)"
        }
    }

    /// The debtor whose policy snapshot the input may change: a task of theirs being decided must be decided
    /// again. Specialist changes only reroute calls; decisions and expiries are about the hand-out itself.
    var concernedDebtor: String? {
        switch self {
        case .placement(let placement, _): placement.debtor.id
        case .event(let event, _): event.debtorId
        case .outcome(let outcome): outcome.debtorId
        case .specialist, .decision, .expired: nil
        }
    }

    /// Where an input came from, which decides how its body is read.
    public enum Source: Sendable {
        case intake, outcomes, decisions, expired
    }

    /// Decodes a delivery from one of the scheduler's queues.
    ///
    /// - Throws: A ``ContractError`` saying why the message goes to `tact.dead`.
    public static func decode(
        body: [UInt8], routingKey: String, userID: String?, from source: Source
    ) throws(ContractError) -> SchedulerInput {
        switch source {
        case .intake:
            switch routingKey {
            case "placement": return .placement(try MessageCoding.decode(Placement.self, from: body), userID: userID)
            case "event": return .event(try MessageCoding.decode(LifeEvent.self, from: body), userID: userID)
            case "specialist": return .specialist(try MessageCoding.decode(SpecialistChange.self, from: body))
            default:
                throw ContractError(.unexpectedType, "routing key must be placement, event or specialist")
            }
        case .outcomes:
            return .outcome(try MessageCoding.decode(Outcome.self, from: body))
        case .decisions:
            return .decision(try MessageCoding.decode(TaskDecision.self, from: body))
        case .expired:
            // Either kind of contact may come back; both carry the task id and attempt.
            if let reminder = try? MessageCoding.decode(Reminder.self, from: body) {
                return .expired(taskID: reminder.taskId, attempt: reminder.attempt)
            }
            let call = try MessageCoding.decode(Call.self, from: body)
            return .expired(taskID: call.taskId, attempt: call.attempt)
        }
    }
}
