import Contract
import Domain
import Store

/// A message the scheduler consumes, decoded and validated, or refused with the reason `tact.dead` will carry.
public enum SchedulerInput: Sendable, Equatable {
    case placement(Placement, userID: String?)
    case event(LifeEvent, userID: String?)
    case specialist(SpecialistChange, userID: String? = nil)
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
        // Event ids are the creditor's own too; an event is applied once it names its creditor (resolved).
        case .event(let event, _): "event:\(event.scopedID)"
        case .specialist(let change, _): "specialist:\(change.changeId)"
        case .outcome(let outcome): "outcome:\(outcome.outcomeId)"
        case .decision(let decision): decision.messageID
        case .expired(let taskID, let attempt): "expired:\(taskID):\(attempt)"
        }
    }

    /// Who the audit trail names for what the input changes. Outcomes are the specialist's who took the call,
    /// once the task is read (``SchedulerCore/record(_:at:in:)``).
    var actor: AuditActor {
        switch self {
        case .placement(let placement, let userID): .creditor(placement.creditorId, brokerUser: userID)
        case .event(_, let userID): .sender(brokerUser: userID)
        case .specialist: .operatorTool
        case .outcome: .reporter
        case .decision(let decision): .worker(decision.worker)
        case .expired: .broker
        }
    }

    /// The trail's entry for the input itself: what the records it changes do not say. None for a decision, whose
    /// own record is its entry.
    var auditEntry: (action: String, detail: AuditDetail)? {
        var detail = AuditDetail()
        switch self {
        case .placement(let placement, _):
            // The fingerprint of its content is in the entry's subject, the input's id.
            detail.add("placementId", placement.placementId)
            detail.add("debtId", placement.debt.id)
            return ("input.placement", detail)
        case .event(let event, _):
            detail.add("kind", event.kind.rawValue)
            detail.add("debtId", event.debtId)
            detail.add("at", event.at)
            return ("input.event", detail)
        case .specialist(let change, _):
            detail.add("action", change.action.rawValue)
            detail.add("specialistId", change.specialistId)
            detail.add("backupId", change.backupId)
            detail.add("creditorId", change.creditorId)
            detail.add("debtorId", change.debtorId)
            detail.add("until", change.until)
            return ("input.specialist", detail)
        case .outcome(let outcome):
            detail.add("taskId", outcome.taskId)
            detail.add("debtId", outcome.debtId)
            detail.add("channel", outcome.channel.rawValue)
            detail.add("result", outcome.result.rawValue)
            detail.add("at", outcome.at)
            return ("input.outcome", detail)
        case .decision:
            return nil
        case .expired(let taskID, let attempt):
            detail.add("taskId", taskID)
            detail.add("attempt", attempt)
            return ("input.expired", detail)
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
            case "specialist":
                return .specialist(try MessageCoding.decode(SpecialistChange.self, from: body), userID: userID)
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
