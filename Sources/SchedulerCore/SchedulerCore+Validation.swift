import Cadence
import Contract
import Domain
import Policy
import Store

extension SchedulerCore {
    /// Under a rulebook that owes written validation information after the first communication on a debt
    /// (``Rulebook/validationNotice``), keeps a validation notice planned while it is owed: after a communication
    /// that did not carry the information (a text, a conversation, a reminder), on the first of the rulebook's
    /// channels the person can be reached on. A first notice by letter or e-mail carries it, and its delivery closes
    /// a notice not yet handed out (`validation-given`); a bounce reported on it since (a correction) makes the notice
    /// owed again. The notice is due now, or a day on while such a first notice is still on its way. One that
    /// ended without reaching the person (an opt-out of its channel, no address) is planned again, on another
    /// channel, whenever the case changes; the policy still decides when it is sent, and `tact status` counts one
    /// not delivered within the rulebook's days.
    func planValidationNotice(
        after outcome: Outcome, of task: TaskRecord, for debtor: DebtorRecord, at now: Instant,
        in store: any StoreTransaction
    ) throws {
        guard let rule = rulebooks[debtor.rulebook]?.validationNotice, task.purpose != .validationNotice else { return }
        if outcome.result == .delivered, task.purpose == .firstNotice, rule.channels.contains(task.channel) {
            for var notice in try notices(on: task.debtID, of: debtor.id, in: store) where notice.status == .pending {
                try notice.apply(.closed(.validationGiven))
                try store.save(notice)
            }
            return
        }
        try planValidationNotice(on: task.debtID, for: debtor, rule: rule, at: now, in: store)
    }

    /// ``planValidationNotice(after:of:for:at:in:)`` for every open debt of `debtor`, when something changed that
    /// may leave one owed with nothing planned (an opt-out).
    func planValidationNotices(for debtor: DebtorRecord, at now: Instant, in store: any StoreTransaction) throws {
        guard let rule = rulebooks[debtor.rulebook]?.validationNotice else { return }
        for debt in try store.debts(ofDebtor: debtor.id) where debt.status == .open {
            try planValidationNotice(on: debt.id, for: debtor, rule: rule, at: now, in: store)
        }
    }

    /// Plans a notice about `debtID` if one is owed (a communication without the information was made; none
    /// carried it or reached the person since) and none is under way.
    private func planValidationNotice(
        on debtID: String, for debtor: DebtorRecord, rule: ValidationNotice, at now: Instant,
        in store: any StoreTransaction
    ) throws {
        guard try store.debt(debtID, ofDebtor: debtor.id)?.status == .open else { return }
        let tasks = try store.tasks(ofDebtor: debtor.id, statuses: []).filter { $0.debtID == debtID }
        var communicated = false
        for task in tasks where task.purpose != .survey {
            guard let result = try store.ledgerEntry(taskID: task.id)?.result else { continue }
            let carries =
                task.purpose == .validationNotice
                || (task.purpose == .firstNotice && rule.channels.contains(task.channel))
            // Given: a first notice by letter or e-mail, or a notice, delivered.
            if carries, result == .delivered { return }
            if !carries, [.delivered, .conversation].contains(result) { communicated = true }
        }
        guard communicated else { return }
        // Under way: planned, being decided, queued or claimed.
        let notices = tasks.filter { $0.purpose == .validationNotice }
        if try !tasksToBeMade(ofDebtor: debtor.id, in: store, where: { notices.map(\.id).contains($0.id) }).isEmpty {
            return
        }
        let noticeOnItsWay = try !tasksToBeMade(ofDebtor: debtor.id, in: store) {
            $0.debtID == debtID && $0.purpose == .firstNotice && rule.channels.contains($0.channel)
        }.isEmpty
        // Planned again only where it can now reach the person, and a few times at most: the first is planned
        // whatever, so that operators see it owed (a notice without an address ends `no-address`).
        let reachable = try reachableChannel(rule.channels, for: debtor, in: store)
        guard notices.isEmpty || (reachable != nil && notices.count < Self.validationNoticeTries) else { return }
        let base = Self.validationNoticeID(debtor: debtor.id, debt: debtID)
        // The first one's id, then `/2`, `/3`… for those planned again after one ended without reaching anyone.
        let id = notices.isEmpty ? base : "\(base)/\(notices.count + 1)"
        let channel = reachable ?? rule.channels[0]
        try schedule(
            id, debtorID: debtor.id, debtID: debtID, channel: channel, purpose: .validationNotice,
            due: noticeOnItsWay ? now.adding(seconds: 86_400) : now, at: now, in: store)
    }

    /// Validation notices planned about one debt at most.
    static let validationNoticeTries = 5

    /// The validation notice's task id: `<debtor>/<debt>/validation-notice` (`/2`, `/3`… when planned again).
    static func validationNoticeID(debtor: String, debt: String) -> String { "\(debtor)/\(debt)/validation-notice" }

    /// The debt's validation notices, in the order planned.
    private func notices(on debtID: String, of debtorID: String, in store: any StoreTransaction) throws -> [TaskRecord]
    {
        try store.tasks(ofDebtor: debtorID, statuses: []).filter {
            $0.debtID == debtID && $0.purpose == .validationNotice
        }
    }
}
