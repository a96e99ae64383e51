import Contract
import Domain
import Store
import TactConfig

// Tenants: a case belongs to its creditor, and a message finds it by the creditor and the creditor's own debtor id
// (``DebtorKey``). Messages from creditors that serve one creditor may leave the creditor out; the scheduler then
// finds it here, once, before anything else reads the input.

extension SchedulerCore {
    /// The input with its creditor named: an event or a hand-over that leaves it out takes the creditor of the one
    /// case its debtor id names among those the sender may act for.
    ///
    /// - Throws: A ``ContractError`` when no case, or more than one, answers to the id.
    func resolved(_ input: SchedulerInput, in store: any StoreTransaction) throws -> SchedulerInput {
        switch input {
        case .event(var event, let userID) where event.creditorId == nil:
            event.creditorId = try debtor(ref: event.debtorId, userID: userID, in: store).creditorID
            return .event(event, userID: userID)
        case .specialist(var change, let userID) where change.action == .handover && change.creditorId == nil:
            if let debtorID = change.debtorId {
                change.creditorId = try debtor(ref: debtorID, userID: userID, in: store).creditorID
            }
            return .specialist(change, userID: userID)
        default:
            return input
        }
    }

    /// The case whose own id is `ref` among those the sender may act for. Another creditor's case is never
    /// reported as such: the sender learns nothing about it.
    private func debtor(ref: String, userID: String?, in store: any StoreTransaction) throws -> DebtorRecord {
        let candidates = try store.debtors(withRef: ref)
        let named = candidates.filter { configuration.identity.check(userID, actingFor: $0.creditorID) == nil }
        // A message the broker does not vouch for, where it must: refused for that, which says nothing of the case.
        if named.isEmpty, userID == nil, let any = candidates.first { try authorize(nil, for: any.creditorID) }
        switch named.count {
        case 0: throw ContractError(.unknownReference, field: "debtorId", "no debtor with this id was placed")
        case 1: return named[0]
        default:
            throw ContractError(
                .missingField, field: "creditorId", "several creditors have a debtor with this id; name the creditor")
        }
    }

    /// Cases one person key may link (``Placement/Debtor/personKey``).
    static let maxLinkedCases = 20

    /// The store's key of the case a message names by creditor and debtor id.
    static func key(creditor: String, debtor: String) -> String {
        DebtorKey(creditor: creditor, debtor: debtor).description
    }
}

extension LifeEvent {
    /// The event's id within its creditor (`creditor/eventId`): the holds, promises, plans, payments and tasks it
    /// creates are named after it, so two creditors may use the same event ids. Resolved events name their
    /// creditor (``SchedulerCore/resolved(_:in:)``).
    var scopedID: String { "\(creditorId ?? "")/\(eventId)" }

    /// The store's key of the debtor the (resolved) event is about.
    var debtorKey: String { SchedulerCore.key(creditor: creditorId ?? "", debtor: debtorId) }
}

extension Placement {
    /// The store's key of the placed debtor.
    var debtorKey: String { SchedulerCore.key(creditor: creditorId, debtor: debtor.id) }
}
