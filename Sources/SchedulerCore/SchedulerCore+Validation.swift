import Cadence
import Contract
import Domain
import Policy
import Store

extension SchedulerCore {
    /// Under a rulebook that owes written validation information after the first communication on a debt
    /// (``Rulebook/validationNotice``), a communication that did not carry it (a text, a conversation, a reminder)
    /// plans a validation notice on the first of the rulebook's channels the person can be reached on: due now, or a
    /// day on while a first notice by letter or e-mail is still on its way (it carries the information, and its
    /// delivery closes the notice not yet handed out). A debt gets one. The policy still decides when it is sent;
    /// `tact status` counts one not delivered within the rulebook's days.
    func planValidationNotice(
        after outcome: Outcome, of task: TaskRecord, for debtor: DebtorRecord, at now: Instant,
        in store: any StoreTransaction
    ) throws {
        guard let rule = rulebooks[debtor.rulebook]?.validationNotice,
            [.delivered, .conversation, .promiseToPay].contains(outcome.result),
            task.purpose != .validationNotice
        else { return }
        let id = Self.validationNoticeID(debtor: debtor.id, debt: task.debtID)
        if task.purpose == .firstNotice, rule.channels.contains(task.channel) {
            if var notice = try store.task(id), notice.status == .pending {
                try notice.apply(.closed(.validationGiven))
                try store.save(notice)
            }
            return
        }
        guard try store.task(id) == nil, try !validationGiven(on: task.debtID, of: debtor.id, rule: rule, in: store)
        else { return }
        let noticeOnItsWay = try !tasksToBeMade(ofDebtor: debtor.id, in: store) {
            $0.debtID == task.debtID && $0.purpose == .firstNotice && rule.channels.contains($0.channel)
        }.isEmpty
        let channel = try reachableChannel(rule.channels, for: debtor, in: store) ?? rule.channels[0]
        try schedule(
            id, debtorID: debtor.id, debtID: task.debtID, channel: channel, purpose: .validationNotice,
            due: noticeOnItsWay ? now.adding(seconds: 86_400) : now, at: now, in: store)
    }

    /// The validation notice's task id: one per debt.
    static func validationNoticeID(debtor: String, debt: String) -> String { "\(debtor)/\(debt)/validation-notice" }

    /// Whether a first notice by one of the rule's channels reached the person (or their representative).
    private func validationGiven(
        on debtID: String, of debtorID: String, rule: ValidationNotice, in store: any StoreTransaction
    ) throws -> Bool {
        try store.tasks(ofDebtor: debtorID, statuses: [.done]).contains { task in
            guard task.debtID == debtID, task.purpose == .firstNotice, rule.channels.contains(task.channel)
            else { return false }
            return try store.ledgerEntry(taskID: task.id)?.result == .delivered
        }
    }
}
