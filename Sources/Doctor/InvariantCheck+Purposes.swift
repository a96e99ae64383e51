import Cadence
import Domain
import Store

extension InvariantCheck {
    /// Invariant 2: no purpose twice open about one debt.
    static func duplicatePurposes(about debt: DebtRecord, _ view: CaseView) -> [Violation] {
        // Gentle calls are counted per debtor, by the step back's invariant.
        let open = Dictionary(
            grouping: view.records.tasks.filter {
                $0.debtID == debt.id && !view.isGentle($0) && countsAsOpen($0, view)
            }
        ) { purpose(of: $0, view) }
        return open.filter { $0.value.count > 1 }.sorted { $0.key < $1.key }.map { purpose, tasks in
            let tasks = tasks.sorted { $0.id < $1.id }
            return Violation(
                .duplicateOpenPurpose, debtorID: view.debtorID, debtID: debt.id, taskIDs: tasks.map(\.id),
                "debt \(debt.id) has \(tasks.count) open \(purpose) tasks: "
                    + tasks.map(view.describe).joined(separator: ", "))
        }
    }

    /// Open for this invariant: still to be made. A published reminder is made as far as Tact can tell (its gateway
    /// may never report on it, and the same purpose may follow it); a queued call is not (nobody has called yet).
    private static func countsAsOpen(_ task: TaskRecord, _ view: CaseView) -> Bool {
        switch view.stage(task) {
        case .planned, .handedOut: true
        // A reminder its sender claimed is as made as a queued one.
        case .queued, .taken: task.channel == .call
        case .over: false
        }
    }

    /// The purpose, with the instalment for those a plan plans once per instalment
    /// (`missed-instalment of instalment E-PLAN/2`).
    /// One without its link (none the scheduler made) counts alone.
    private static func purpose(of task: TaskRecord, _ view: CaseView) -> String {
        if case .instalment(let planID, let number) = task.link {
            return "\(task.purpose) of instalment \(planID)/\(number)"
        }
        guard [Strategy.Purpose.instalmentReminder, Strategy.Purpose.missedInstalment].contains(task.purpose) else {
            return task.purpose.rawValue
        }
        return "\(task.purpose) \(task.id)"
    }
}
