import Cadence
import Domain
import Policy
import SchedulerCore
import Store

/// One debtor's records, indexed for the checks: each task's ledger entry, stage and ending.
struct CaseView {
    let records: DebtorRecords
    /// The debtor's rulebook, for the holds it gives an end when none was reported; `nil` when not configured.
    let rulebook: Rulebook?
    let now: Instant
    private let contacts: [String: LedgerEntry]

    /// The gentle call's purpose of each step back, and back.
    static let gentleKinds = Dictionary(uniqueKeysWithValues: SchedulerCore.stepBackCalls.map { ($0.value, $0.key) })

    init(_ records: DebtorRecords, rulebook: Rulebook?, at now: Instant) {
        self.records = records
        self.rulebook = rulebook
        self.now = now
        contacts = Dictionary(records.ledger.map { ($0.taskID, $0) }) { _, later in later }
    }

    var debtorID: String { records.debtor.id }

    func contact(_ task: TaskRecord) -> LedgerEntry? { contacts[task.id] }

    func stage(_ task: TaskRecord) -> TaskStage { TaskStage(task, contact: contacts[task.id]) }

    func ending(_ task: TaskRecord) -> Ending {
        Ending(task, contact: contacts[task.id], gentleKind: Self.gentleKinds[task.purpose])
    }

    /// Whether the task is the gentle call of a step back.
    func isGentle(_ task: TaskRecord) -> Bool { Self.gentleKinds[task.purpose] != nil }

    /// The survey asks about a debt that ended: it is no collection task.
    func isSurvey(_ task: TaskRecord) -> Bool { task.purpose == Strategy.Purpose.survey }
    /// The validation notice is owed by law: a step back does not close it (the policy's holds defer it).
    func isOwedByLaw(_ task: TaskRecord) -> Bool { task.purpose == .validationNotice }

    /// The debtor's gentle calls still to be made: planned, being decided, queued or taken.
    var openGentleCalls: [TaskRecord] { records.tasks.filter { isGentle($0) && stage($0).isOpen } }

    /// The active plan about the debt, if any.
    func activePlan(about debtID: String) -> PlanRecord? {
        records.plans.last { $0.debtID == debtID && $0.status == .active }
    }

    /// A hold in force about the debt that the policy lets nothing through until an event lifts it: one with no end
    /// reported and none from the rulebook (a cease, a dispute, a hardship where the rulebook sets no period, …),
    /// unless it sends contact to a representative on file.
    func stoppingHold(about debtID: String) -> HoldRecord? {
        records.holds.first { hold in
            (hold.debtID == nil || hold.debtID == debtID) && hold.liftedAt == nil && hold.since <= now
                && hold.until == nil && rulebook?.holdDurations[hold.kind] == nil
                && !(hold.kind.redirectsToRepresentative && records.debtor.representative != nil)
        }
    }

    /// "`id` (purpose, stage)", for details.
    func describe(_ task: TaskRecord) -> String { "\(task.id) (\(task.purpose), \(stage(task).rawValue))" }
}
