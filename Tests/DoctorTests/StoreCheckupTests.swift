import Doctor
import Domain
import Policy
import Store
import Testing

/// The checkup over a store: every debtor, a page at a time, the violations in debtor order.
@Suite struct StoreCheckupTests {
    @Test(arguments: [1, 2, 3, 500])
    func everyDebtorIsCheckedWhateverThePageSize(pageSize: Int) async throws {
        let store = try SQLiteStore.inMemory()
        try await store.write { tx in
            for id in ["D-1", "D-2", "D-3", "D-4", "D-5"] {
                var debtor = CaseBuilder().records.debtor
                debtor.id = id
                try tx.save(debtor)
                try tx.save(
                    DebtRecord(
                        debtorID: id, id: "C-1", placementID: "P-\(id)", amount: "1.00", currency: "USD",
                        dueDate: "2026-11-01"))
                // D-2 and D-4 were stopped for good by a call no worker decided; the others are in progress.
                let lost = id == "D-2" || id == "D-4"
                var call = TaskRecord(
                    id: "\(id)/first-call", debtorID: id, debtID: "C-1", channel: .call, purpose: .firstCall,
                    dueAt: CaseBuilder.t0, createdAt: CaseBuilder.t0)
                if lost {
                    try call.apply(.closed(.noDecision))
                }
                try tx.save(call)
            }
        }
        let (violations, summary) = try await StoreCheckup.collect(
            store, rulebooks: [:], at: CaseBuilder.now, pageSize: pageSize)
        #expect(violations.map(\.debtorID) == ["D-2", "D-4"])
        #expect(violations.allSatisfy { $0.code == .noNextStep })
        #expect(summary == StoreCheckup.Summary(debtors: 5, openDebts: 5, counts: [.noNextStep: 2]))
        #expect(summary.violations == 2)
    }

    @Test func anEmptyStoreIsSound() async throws {
        let (violations, summary) = try await StoreCheckup.collect(
            try SQLiteStore.inMemory(), rulebooks: [:], at: CaseBuilder.now)
        #expect(violations.isEmpty && summary == StoreCheckup.Summary())
    }
}
