import Domain
import Store

extension InvariantCheck {
    /// Invariant 1: what happens next to an open debt, or why nothing needs to.
    static func nextStep(of debt: DebtRecord, _ view: CaseView) -> Violation? {
        let tasks = view.records.tasks.filter { $0.debtID == debt.id && !view.isSurvey($0) }
        if tasks.contains(where: { view.stage($0).isOpen }) { return nil }
        if !view.openGentleCalls.isEmpty { return nil }
        if view.stoppingHold(about: debt.id) != nil { return nil }
        // A follow-up of an outcome since corrected was planned on a result that did not happen: the corrected call
        // is judged on the result that did, and the correction's own follow-up, if any, comes after it.
        let calls = tasks.filter { $0.channel == .call && $0.closedReason != .outcomeCorrected }
        guard let latest = calls.map(\.createdAt).max() else {
            return Violation(
                .noNextStep, debtorID: view.debtorID, debtID: debt.id,
                "open debt \(debt.id): no call was ever planned about it")
        }
        let last = calls.filter { $0.createdAt == latest }.sorted { $0.id < $1.id }
        for call in last {
            guard let problem = problem(after: call, among: calls, of: debt, view) else { continue }
            return Violation(
                .noNextStep, debtorID: view.debtorID, debtID: debt.id, taskIDs: last.map(\.id),
                "open debt \(debt.id) has nothing planned: its last call \(call.id) (\(call.purpose)) \(problem)")
        }
        return nil
    }

    /// Why the debt may not rest after `call`, its last call; `nil` when it may.
    private static func problem(
        after call: TaskRecord, among calls: [TaskRecord], of debt: DebtRecord, _ view: CaseView
    ) -> String? {
        let planActive = view.activePlan(about: debt.id) != nil
        switch view.ending(call) {
        case .spoke, .stopped:
            return nil
        case .steppedBack(let kind):
            let gentle = view.records.tasks.filter(view.isGentle)
            if gentle.contains(where: { view.ending($0).standsForAStepBack }) { return nil }
            let how = gentle.map { "\($0.id) \(describe(view.ending($0)))" }
            return "was stopped for a \(kind.rawValue) step back whose gentle call was never made"
                + (how.isEmpty ? " (none was planned)" : " (\(how.joined(separator: ", ")))")
        case .superseded(let reason):
            return planActive ? nil : "ended \(reason), and no active arrangement plans anything after it"
        case .unanswered(let result):
            let published = view.contact(call)?.at ?? call.createdAt
            let followed = calls.contains { $0.id != call.id && $0.createdAt >= published }
            return planActive || followed ? nil : "reached nobody (\(result.rawValue)) and no call follows it"
        case .reminded(let result):
            return "was reported \(result.rawValue), and nothing follows it"
        case .lost(let how):
            return "\(how), and nothing follows it"
        }
    }

    /// How a gentle call ended, in a few words.
    private static func describe(_ ending: Ending) -> String {
        switch ending {
        case .spoke: "made"
        case .stopped(let reason), .superseded(let reason): "ended \(reason)"
        case .steppedBack(let kind): "ended hold:\(kind.rawValue)"
        case .reminded(let result), .unanswered(let result): "made (\(result.rawValue))"
        case .lost(let how): how
        }
    }
}
