import Domain
import Policy
import Testing

@testable import Store

/// Each record kind goes in and comes back whole, is replaced by its key, and is listed in the documented order;
/// on a file store and in memory alike.
@Suite struct RecordTests {
    @Test(arguments: StoreKind.allCases) func debtorsRoundTripAndAreReplacedById(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            var debtor = Sample.debtor("D-1")
            try await store.write { [debtor] tx in try tx.save(debtor) }
            #expect(try await store.read { try $0.debtor("D-1") } == debtor)

            debtor.optOuts = []
            debtor.representative = nil
            debtor.specialistID = nil
            debtor.inconvenient = []
            debtor.timeZones = []
            debtor.contact.email = nil
            try await store.write { [debtor] tx in try tx.save(debtor) }
            #expect(try await store.read { try $0.debtor("D-1") } == debtor)
            #expect(try await store.read { try $0.debtor("D-2") } == nil)
        }
    }

    @Test(arguments: StoreKind.allCases) func debtsAreKeyedByDebtorAndId(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await store.write { tx in
                try tx.save(Sample.debtor("D-1"))
                try tx.save(Sample.debtor("D-2"))
                try tx.save(Sample.debt("C-2", of: "D-1"))
                try tx.save(Sample.debt("C-1", of: "D-1"))
                try tx.save(Sample.debt("C-1", of: "D-2"))
            }
            var paid = Sample.debt("C-1", of: "D-1")
            paid.status = .paid
            try await store.write { [paid] tx in try tx.save(paid) }

            #expect(try await store.read { try $0.debts(ofDebtor: "D-1") } == [paid, Sample.debt("C-2", of: "D-1")])
            #expect(try await store.read { try $0.debt("C-1", ofDebtor: "D-1") } == paid)
            #expect(try await store.read { try $0.debt("C-1", ofDebtor: "D-2") } == Sample.debt("C-1", of: "D-2"))
            #expect(try await store.read { try $0.debt("C-3", ofDebtor: "D-1") } == nil)
            #expect(try await store.read { try $0.debts(ofDebtor: "D-9") } == [])
        }
    }

    @Test(arguments: StoreKind.allCases) func activeHoldsAreTheUnliftedOnesOldestFirst(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await Sample.place(["D-1", "D-2"], in: store)
            let dispute = HoldRecord(id: "E-2", debtorID: "D-1", debtID: "C-1", kind: .dispute, since: at(200))
            let bereavement = HoldRecord(id: "E-1", debtorID: "D-1", kind: .bereavement, since: at(100), until: at(900))
            let hardship = HoldRecord(id: "E-3", debtorID: "D-1", kind: .hardship, since: at(300))
            let elsewhere = HoldRecord(id: "E-4", debtorID: "D-2", kind: .cease, since: at(50))
            try await store.write { tx in
                for hold in [dispute, bereavement, hardship, elsewhere] { try tx.save(hold) }
            }
            #expect(try await store.read { try $0.activeHolds(ofDebtor: "D-1") } == [bereavement, dispute, hardship])

            var resolved = dispute
            resolved.liftedAt = at(400)
            try await store.write { [resolved] tx in try tx.save(resolved) }
            #expect(try await store.read { try $0.activeHolds(ofDebtor: "D-1") } == [bereavement, hardship])
            #expect(try await store.read { try $0.activeHolds(ofDebtor: "D-2") } == [elsewhere])
        }
    }

    @Test(arguments: StoreKind.allCases) func ledgerIsReadSinceAnInstantOldestFirst(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await Sample.place(["D-1", "D-2"], in: store)
            func entry(_ task: String, _ debtor: String, _ seconds: Int64, _ result: ContactResult) -> LedgerEntry {
                LedgerEntry(
                    taskID: task, debtorID: debtor, debtID: "C-1", channel: .call, at: at(seconds), result: result)
            }
            let old = entry("T-1", "D-1", 10, .noAnswer)
            let edge = entry("T-3", "D-1", 100, .voicemail)
            let tie = entry("T-2", "D-1", 100, .pending)
            let recent = entry("T-4", "D-1", 500, .conversation)
            let other = entry("T-5", "D-2", 200, .delivered)
            try await store.write { tx in for entry in [recent, old, edge, tie, other] { try tx.save(entry) } }

            #expect(try await store.read { try $0.ledger(ofDebtor: "D-1", since: at(100)) } == [tie, edge, recent])
            #expect(try await store.read { try $0.ledger(ofDebtor: "D-1", since: at(0)) }.count == 4)
            #expect(try await store.read { try $0.ledgerEntry(taskID: "T-5") } == other)

            var answered = tie
            answered.result = .conversation
            try await store.write { [answered] tx in
                try tx.save(answered)
                try tx.removeLedgerEntry(taskID: "T-1")
                try tx.removeLedgerEntry(taskID: "T-unknown")
            }
            #expect(try await store.read { try $0.ledgerEntry(taskID: "T-2") } == answered)
            #expect(try await store.read { try $0.ledgerEntry(taskID: "T-1") } == nil)
            #expect(try await store.read { try $0.ledger(ofDebtor: "D-1", since: at(0)) } == [answered, edge, recent])
        }
    }

    @Test(arguments: StoreKind.allCases) func tasksAreKeyedByIdAndListedByDueTime(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await Sample.place(["D-1", "D-2"], in: store)
            let late = Sample.task("T-late", debtor: "D-1", due: at(300))
            let early = Sample.task("T-early", debtor: "D-1", due: at(100), status: .inFlight, lease: at(400))
            let tieB = Sample.task("T-b", debtor: "D-1", due: at(200), status: .done)
            let tieA = Sample.task("T-a", debtor: "D-1", due: at(200), status: .cancelled)
            let other = Sample.task("T-other", debtor: "D-2", due: at(50))
            try await store.save([late, early, tieB, tieA, other])

            #expect(try await store.read { try $0.task("T-early") } == early)
            #expect(try await store.read { try $0.task("T-none") } == nil)
            let all = try await store.read { try $0.tasks(ofDebtor: "D-1", statuses: []) }
            #expect(all.map(\.id) == ["T-early", "T-a", "T-b", "T-late"])
            let open = try await store.read { try $0.tasks(ofDebtor: "D-1", statuses: [.pending, .inFlight]) }
            #expect(open == [early, late])
            #expect(try await store.read { try $0.tasks(ofDebtor: "D-1", statuses: [.done]) } == [tieB])

            var closed = late
            closed.status = .cancelled
            closed.closedReason = .hold(.cease)
            closed.channel = .email
            closed.purpose = .firstNotice
            closed.attempts = 3
            try await store.write { [closed] tx in try tx.save(closed) }
            #expect(try await store.read { try $0.task("T-late") } == closed)
            #expect(try await store.read { try $0.tasks(ofDebtor: "D-1", statuses: [.pending]) } == [])
        }
    }

    @Test(arguments: StoreKind.allCases) func tasksAcrossDebtorsAreListedByDebtorThenDueTime(kind: StoreKind)
        async throws
    {
        try await withStore(kind) { store in
            try await Sample.place(["D-1", "D-2"], in: store)
            try await store.save([
                Sample.task("T-3", debtor: "D-2", due: at(10)),
                Sample.task("T-2", debtor: "D-1", due: at(20), status: .done),
                Sample.task("T-1", debtor: "D-1", due: at(30)),
                Sample.task("T-4", debtor: "D-2", due: at(5), status: .inFlight, lease: at(60)),
            ])
            let list = { (statuses: Set<TaskRecord.Status>, limit: Int) in
                try await store.read { try $0.tasks(statuses: statuses, limit: limit).map(\.id) }
            }
            #expect(try await list([], 10) == ["T-2", "T-1", "T-4", "T-3"])
            #expect(try await list([.pending, .inFlight], 10) == ["T-1", "T-4", "T-3"])
            #expect(try await list([], 2) == ["T-2", "T-1"])
            #expect(try await list([.cancelled], 10) == [])
        }
    }

    /// Reports page through tasks by debtor then id, filtered by creditor, debtor and state, with a count of what
    /// is left (issue 11: a report stopped silently after 10,000 tasks).
    @Test(arguments: StoreKind.allCases) func tasksArePagedAndFilteredAndWhatIsLeftIsCounted(kind: StoreKind)
        async throws
    {
        try await withStore(kind) { store in
            try await Sample.place(["D-1", "D-2", "D-3"], in: store)
            var other = Sample.debtor("D-3")
            other.creditorID = "globex"
            try await store.write { [other] tx in try tx.save(other) }
            try await store.save([
                Sample.task("T-2", debtor: "D-1", due: at(20), status: .done),
                Sample.task("T-1", debtor: "D-1", due: at(30)),
                Sample.task("T-4", debtor: "D-2", due: at(5), status: .inFlight, lease: at(60)),
                Sample.task("T-3", debtor: "D-2", due: at(10)),
                Sample.task("T-5", debtor: "D-3", due: at(1)),
            ])
            func page(_ query: TaskQuery = TaskQuery(), after: String? = nil, limit: Int = 10) async throws
                -> (ids: [String], left: Int)
            {
                try await store.inspect { store in
                    let tasks = try store.tasks(query, after: after, limit: limit)
                    return (tasks.map(\.id), try store.countTasks(query, after: tasks.last?.id ?? after))
                }
            }
            // By debtor, then task id (not due time: a page boundary must not move when a task is re-planned).
            #expect(try await page().ids == ["T-1", "T-2", "T-3", "T-4", "T-5"])
            let first = try await page(limit: 2)
            #expect(first.ids == ["T-1", "T-2"] && first.left == 3)
            let second = try await page(after: "T-2", limit: 2)
            #expect(second.ids == ["T-3", "T-4"] && second.left == 1)
            let last = try await page(after: "T-4", limit: 2)
            #expect(last.ids == ["T-5"] && last.left == 0)
            #expect(try await page(TaskQuery(creditorID: "globex")).ids == ["T-5"])
            #expect(try await page(TaskQuery(creditorID: "acme"), after: "T-2", limit: 1) == (["T-3"], 1))
            #expect(try await page(TaskQuery(debtorID: "D-2")).ids == ["T-3", "T-4"])
            #expect(try await page(TaskQuery(statuses: [.pending])).ids == ["T-1", "T-3", "T-5"])
            #expect(try await page(after: "T-nope").ids == [], "an unknown task starts no page")
        }
    }

    @Test(arguments: StoreKind.allCases) func aTaskSavedUnderAnotherDebtorOrDebtMovesThere(kind: StoreKind) async throws
    {
        try await withStore(kind) { store in
            try await Sample.place(["D-1", "D-2"], in: store)
            try await store.write { tx in try tx.save(Sample.debt("C-2", of: "D-1")) }
            try await store.save([Sample.task("T-1", debtor: "D-1", due: at(0))])

            let otherDebt = Sample.task("T-1", debtor: "D-1", debt: "C-2", due: at(0))
            try await store.save([otherDebt])
            #expect(try await store.read { try $0.task("T-1") } == otherDebt)

            let moved = Sample.task("T-1", debtor: "D-2", due: at(10))
            try await store.save([moved])
            #expect(try await store.read { try $0.task("T-1") } == moved)
            #expect(try await store.read { try $0.tasks(ofDebtor: "D-1", statuses: []) } == [])
            #expect(try await store.due(at: at(100)) == ["T-1"])
        }
    }

    /// A task keeps what it follows up through every write: inserted, changed in place, and rewritten.
    @Test(arguments: StoreKind.allCases) func aTasksLinkIsKept(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await Sample.place(["D-1"], in: store)
            var task = TaskRecord(
                id: "E:7/2/missed-instalment", debtorID: "D-1", debtID: "C-1", channel: .call,
                purpose: .missedInstalment, link: .instalment(planID: "E:7", number: 2), dueAt: at(10), createdAt: t0)
            try await store.save([task])
            #expect(try await store.read { try $0.task("E:7/2/missed-instalment") } == task)
            try task.apply(.handOut(leaseUntil: at(70)))
            try await store.save([task])
            try task.apply(.deferred(until: at(500)))
            try await store.save([task])
            #expect(try await store.read { try $0.task("E:7/2/missed-instalment") } == task)
            #expect(task.link == .instalment(planID: "E:7", number: 2))
        }
    }

    @Test func linksAreSpelledWithTheIdLast() {
        let links: [TaskRecord.Link] = [
            .promise(id: "O:1"), .outcome(id: "O-2"), .instalment(planID: "E-7:x", number: 12),
        ]
        #expect(links.map(\.description) == ["promise:O:1", "outcome:O-2", "instalment:12:E-7:x"])
        #expect(links.map(\.description).map(TaskRecord.Link.init) == links)
        for damaged in ["promise:", "plan:P-1", "instalment:0:P-1", "instalment:x:P-1", "instalment:3", "outcome"] {
            #expect(TaskRecord.Link(damaged) == nil, "\(damaged)")
        }
    }

    @Test(arguments: StoreKind.allCases) func recordsMustBelongToKnownDebtorsAndDebts(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await Sample.place(["D-1"], in: store)
            let orphanDebt = await storeError {
                try await store.write { tx in try tx.save(Sample.debt("C-1", of: "D-9")) }
            }
            #expect(orphanDebt?.code == .constraint)
            let orphanTask = await storeError {
                try await store.save([Sample.task("T-1", debtor: "D-1", debt: "C-9", due: t0)])
            }
            #expect(orphanTask?.code == .constraint)
            let orphanHold = await storeError {
                try await store.write { tx in
                    try tx.save(HoldRecord(id: "E-1", debtorID: "D-9", kind: .cease, since: t0))
                }
            }
            #expect(orphanHold?.code == .constraint)
            #expect(try await store.read { try $0.task("T-1") } == nil)
        }
    }

    @Test(arguments: StoreKind.allCases) func specialistsRoundTripAndTheirCasesAreListed(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            var carol = Sample.debtor("D-3")
            carol.specialistID = "carol"
            var nobody = Sample.debtor("D-4")
            nobody.specialistID = nil
            try await store.write { [carol, nobody] tx in
                for debtor in [Sample.debtor("D-2"), Sample.debtor("D-1"), carol, nobody] { try tx.save(debtor) }
                try tx.save(SpecialistRecord(id: "dave", joinedAt: t0))
                try tx.save(SpecialistRecord(id: "anna", awayUntil: t0.adding(seconds: 60), backupID: "bob"))
            }
            #expect(try await store.read { try $0.debtors(ofSpecialist: "anna") }.map(\.id) == ["D-1", "D-2"])
            #expect(try await store.read { try $0.debtors(ofSpecialist: "pool") }.isEmpty)
            let retired = SpecialistRecord(id: "dave", joinedAt: t0, retiredAt: t0.adding(seconds: 5))
            try await store.write { tx in try tx.save(retired) }
            #expect(try await store.read { try $0.specialist("dave") } == retired)
            let all = try await store.inspect { try ($0.allSpecialists().map(\.id), $0.caseCounts()) }
            #expect(all.0 == ["anna", "dave"])
            #expect(all.1 == ["anna": 2, "carol": 1])
        }
    }

    @Test func aSpecialistsStandingIsTheFileListWithJoinsAndRetirementsOverIt() {
        let joined = SpecialistRecord(id: "dave", joinedAt: t0)
        let retired = SpecialistRecord(id: "anna", joinedAt: t0, retiredAt: t0)
        let away = SpecialistRecord(id: "bob", awayUntil: t0)
        #expect(SpecialistRecord.standing(of: nil, listed: true) == .member)
        #expect(SpecialistRecord.standing(of: nil, listed: false) == .unknown)
        #expect(SpecialistRecord.standing(of: joined, listed: false) == .member)
        #expect(SpecialistRecord.standing(of: retired, listed: true) == .retired(t0))
        #expect(SpecialistRecord.standing(of: away, listed: false) == .unknown, "an absence is no roster entry")
        #expect(SpecialistRecord.standing(of: away, listed: true) == .member)
    }
}
