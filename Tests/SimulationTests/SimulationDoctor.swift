import Doctor
import Simulation
import Testing

extension Simulation {
    /// `tact doctor` on the scheduler's store as the virtual clock stands: each violation of the scheduler's
    /// invariants is an issue of the test that ran the scenario.
    func expectSound(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let (violations, summary) = try await StoreCheckup.collect(store, rulebooks: rulebooks, at: now)
        for violation in violations {
            Issue.record(
                "tact doctor: \(violation.code.rawValue) debtor \(violation.debtorID): \(violation.detail)",
                sourceLocation: sourceLocation)
        }
        #expect(summary.debtors == debtorIDs.count, "every debtor checked", sourceLocation: sourceLocation)
    }
}
