import Domain
import Store

extension InvariantCheck {
    /// Invariant 3: a step back in progress (its gentle call open) leaves that call and nothing else.
    static func stepBack(_ view: CaseView) -> [Violation] {
        let gentle = view.openGentleCalls.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        guard let first = gentle.first, let kind = CaseView.gentleKinds[first.purpose] else { return [] }
        var violations: [Violation] = []
        if gentle.count > 1 {
            violations.append(
                Violation(
                    .twoGentleCalls, debtorID: view.debtorID, taskIDs: gentle.map(\.id),
                    "debtor \(view.debtorID) has \(gentle.count) open gentle calls: "
                        + gentle.map(view.describe).joined(separator: ", ")))
        }
        // When the step back began, as far as the store tells: its gentle call was planned as the event applied.
        let began = first.createdAt
        for task in view.records.tasks where !view.isGentle(task) && !view.isSurvey(task) && !view.isOwedByLaw(task) {
            let leaks =
                switch view.stage(task) {
                case .planned, .handedOut: true
                case .queued, .taken: view.contact(task).map { $0.at > began } ?? false
                case .over: false
                }
            guard leaks else { continue }
            violations.append(
                Violation(
                    .stepBackLeak, debtorID: view.debtorID, debtID: task.debtID, taskIDs: [task.id, first.id],
                    "task \(view.describe(task)) is open during the \(kind.rawValue) step back "
                        + "whose gentle call is \(first.id)"))
        }
        return violations
    }
}
