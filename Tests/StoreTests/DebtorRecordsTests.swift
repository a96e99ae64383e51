import Domain
import Policy
import Testing

@testable import Store

/// `tact doctor` walks every case a page of debtors at a time, each debtor's records read together.
@Suite struct DebtorRecordsTests {
    @Test(arguments: StoreKind.allCases) func debtorsArePagedByIdWithTheirOwnRecordsOnly(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            // By id, "D-10" comes between "D-1" and "D-2".
            try await Sample.place(["D-2", "D-10", "D-1", "D-3"], in: store)
            try await store.save([
                Sample.task("T-1b", debtor: "D-1", due: at(20)),
                Sample.task("T-1a", debtor: "D-1", due: at(10), status: .done),
                Sample.task("T-2", debtor: "D-2", due: at(5)),
                Sample.task("T-3", debtor: "D-3", due: at(5), status: .cancelled),
            ])
            try await store.write { tx in
                try tx.save(HoldRecord(id: "H-1", debtorID: "D-1", kind: .dispute, since: at(1)))
                try tx.save(HoldRecord(id: "H-2", debtorID: "D-1", kind: .cease, since: at(2), liftedAt: at(3)))
                try tx.save(HoldRecord(id: "H-3", debtorID: "D-10", kind: .bereavement, since: at(4)))
                try tx.save(
                    LedgerEntry(
                        taskID: "T-1a", debtorID: "D-1", debtID: "C-1", channel: .call, at: at(10), result: .noAnswer))
                try tx.save(
                    PlanRecord(
                        id: "PL-2", debtorID: "D-2", debtID: "C-1",
                        instalments: [.init(amount: "10.00", dueDate: "2026-12-20")], createdAt: at(6)))
            }
            let first = try await store.inspect { try $0.debtorRecords(after: nil, limit: 2) }
            #expect(first.map(\.debtor.id) == ["D-1", "D-10"])
            let one = try #require(first.first)
            #expect(one.debts.map(\.id) == ["C-1"])
            #expect(one.tasks.map(\.id) == ["T-1a", "T-1b"], "by due time")
            #expect(one.holds.map(\.id) == ["H-1"], "lifted holds left out")
            #expect(one.ledger.map(\.taskID) == ["T-1a"])
            #expect(one.plans.isEmpty)
            #expect(first.last?.tasks.isEmpty == true && first.last?.holds.map(\.id) == ["H-3"])

            let second = try await store.inspect { try $0.debtorRecords(after: "D-10", limit: 2) }
            #expect(second.map(\.debtor.id) == ["D-2", "D-3"])
            #expect(second.first?.plans.map(\.id) == ["PL-2"] && second.first?.tasks.map(\.id) == ["T-2"])
            #expect(second.last?.tasks.map(\.id) == ["T-3"])
            #expect(try await store.inspect { try $0.debtorRecords(after: "D-3", limit: 2) }.isEmpty)
            #expect(try await store.inspect { try $0.debtorRecords(after: nil, limit: 10) }.count == 4)
        }
    }
}
