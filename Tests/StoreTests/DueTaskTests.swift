import Domain
import Policy
import Testing

@testable import Store

/// `dueTasks`: pending tasks due by `now` whose debtor has nothing in flight, the debtor's earliest only, earliest
/// first, at most `limit`; and the lease queries beside it.
@Suite struct DueTaskTests {
    @Test(arguments: StoreKind.allCases) func onlyTheEarliestTaskOfEachDebtorIsDue(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            try await Sample.place(["D-1", "D-2", "D-3"], in: store)
            try await store.save([
                Sample.task("T-1c", debtor: "D-1", due: at(30)),
                Sample.task("T-1a", debtor: "D-1", due: at(10)),
                Sample.task("T-1b", debtor: "D-1", due: at(20)),
                Sample.task("T-2", debtor: "D-2", due: at(15)),
                Sample.task("T-3", debtor: "D-3", due: at(5)),
            ])
            #expect(try await store.due(at: at(100)) == ["T-3", "T-1a", "T-2"])
        }
    }

    @Test func tiesAreBrokenByTaskId() async throws {
        let store = try SQLiteStore.inMemory()
        try await Sample.place(["D-1", "D-2"], in: store)
        try await store.save([
            Sample.task("T-b", debtor: "D-1", due: at(10)),
            Sample.task("T-a", debtor: "D-1", due: at(10)),
            Sample.task("T-c", debtor: "D-2", due: at(10)),
        ])
        #expect(try await store.due(at: at(10)) == ["T-a", "T-c"])
    }

    @Test func dueMeansAtOrBeforeNow() async throws {
        let store = try SQLiteStore.inMemory()
        try await Sample.place(["D-1", "D-2"], in: store)
        try await store.save([
            Sample.task("T-now", debtor: "D-1", due: at(100)),
            Sample.task("T-later", debtor: "D-2", due: at(101)),
        ])
        #expect(try await store.due(at: at(99)) == [])
        #expect(try await store.due(at: at(100)) == ["T-now"])
        #expect(try await store.due(at: at(101)) == ["T-now", "T-later"])
    }

    @Test func aDebtorWithATaskInFlightWaits() async throws {
        let store = try SQLiteStore.inMemory()
        try await Sample.place(["D-1", "D-2"], in: store)
        try await store.save([
            Sample.task("T-1", debtor: "D-1", due: at(0), status: .inFlight, lease: at(500)),
            Sample.task("T-2", debtor: "D-1", due: at(10)),
            Sample.task("T-3", debtor: "D-2", due: at(20)),
        ])
        #expect(try await store.due(at: at(100)) == ["T-3"])

        // The decision arrives: the debtor's next task is due at once.
        var decided = Sample.task("T-1", debtor: "D-1", due: at(0), status: .done)
        decided.closedReason = nil
        try await store.save([decided])
        #expect(try await store.due(at: at(100)) == ["T-2", "T-3"])

        // A later task sent out of turn stops the earlier one too.
        try await store.save([Sample.task("T-4", debtor: "D-1", due: at(30))])
        #expect(try await store.due(at: at(100)) == ["T-2", "T-3"])
        try await store.save([Sample.task("T-4", debtor: "D-1", due: at(30), status: .inFlight, lease: at(500))])
        #expect(try await store.due(at: at(100)) == ["T-3"])
    }

    @Test func takingAndDeferringMoveTheDebtorsTurn() async throws {
        let store = try SQLiteStore.inMemory()
        try await Sample.place(["D-1"], in: store)
        try await store.save([
            Sample.task("T-1", debtor: "D-1", due: at(10)),
            Sample.task("T-2", debtor: "D-1", due: at(20)),
        ])
        var first = try #require(try await store.read { try $0.dueTasks(at: at(100), limit: 10) }.first)
        first.status = .inFlight
        first.leaseUntil = at(160)
        try await store.save([first])
        #expect(try await store.due(at: at(100)) == [])

        // The policy defers it past the other task: the other one is now the debtor's earliest.
        first.status = .pending
        first.leaseUntil = nil
        first.dueAt = at(50)
        try await store.save([first])
        #expect(try await store.due(at: at(30)) == ["T-2"])
        #expect(try await store.due(at: at(15)) == [])
    }

    @Test func limitKeepsTheEarliest() async throws {
        let store = try SQLiteStore.inMemory()
        let debtors = (0..<20).map { "D-\($0)" }
        try await Sample.place(debtors, in: store)
        try await store.save(
            debtors.enumerated().map {
                Sample.task("T-\($0.offset)", debtor: $0.element, due: at(Int64(100 - $0.offset)))
            })
        #expect(try await store.due(at: at(1_000), limit: 3) == ["T-19", "T-18", "T-17"])
        #expect(try await store.due(at: at(1_000), limit: 0) == [])
        #expect(try await store.due(at: at(1_000), limit: 50).count == 20)
    }

    /// Thousands of due tasks behind a few debtors with a task in flight must not be walked over: the query reads
    /// the ready index, which holds one task per debtor at most.
    @Test func manyDueTasksOfFewBusyDebtors() async throws {
        try await withTemporaryFolder { folder in
            let store = try SQLiteStore(path: folder.path("busy.sqlite"))
            try await Sample.place(["D-busy-1", "D-busy-2", "D-free"], in: store)
            try await store.write { tx in
                for debtor in ["D-busy-1", "D-busy-2"] {
                    try tx.save(
                        Sample.task("\(debtor)/flying", debtor: debtor, due: at(0), status: .inFlight, lease: at(900)))
                    for index in 0..<1_000 {
                        try tx.save(Sample.task("\(debtor)/\(index)", debtor: debtor, due: at(Int64(index % 500))))
                    }
                }
                try tx.save(Sample.task("T-free", debtor: "D-free", due: at(700)))
            }
            #expect(try await store.due(at: at(800), limit: 500) == ["T-free"])

            let plan = try await store.inspect(
                "EXPLAIN QUERY PLAN " + TaskQueries.dueAtPriority, [0, at(800).secondsSinceEpoch, 500]
            )
            .map { $0.last ?? "" }
            #expect(plan.contains { $0.contains("USING INDEX task_ready_priority") }, "\(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
            #expect(!plan.contains { $0.contains("TEMP B-TREE") }, "\(plan)")
            // Holding some calls back reads the same range, finding each task's debtor by its key. The sample
            // debtors are anna's.
            #expect(
                try await store.due(at: at(800), limit: 500, holding: DispatchHold(callsOfSpecialists: ["bob"]))
                    == ["T-free"])
            #expect(
                try await store.due(at: at(800), limit: 500, holding: DispatchHold(callsOfSpecialists: ["anna"]))
                    == [])
            #expect(
                try await store.due(at: at(800), limit: 500, holding: DispatchHold(callsOfUnassigned: true))
                    == ["T-free"])
            #expect(try await store.due(at: at(800), limit: 500, holding: DispatchHold(channels: [.call])) == [])
            // The JSON lists written in: the inspection binds integers only.
            let lists = TaskQueries.dueAtPriorityHolding.replacing("json_each(?)", with: "json_each('[\"anna\"]')")
            let holding = try await store.inspect(
                "EXPLAIN QUERY PLAN " + lists, [0, at(800).secondsSinceEpoch, 0, 500]
            )
            .map { $0.last ?? "" }
            #expect(holding.contains { $0.contains("USING INDEX task_ready_priority") }, "\(holding)")
            #expect(!holding.contains { $0.hasPrefix("SCAN task") || $0.hasPrefix("SCAN debtor") }, "\(holding)")
            #expect(!holding.contains { $0.contains("TEMP B-TREE") }, "\(holding)")
            try store.close()
        }
    }

    @Test(arguments: StoreKind.allCases) func expiredLeasesAreInFlightTasksWhoseLeaseEnded(kind: StoreKind) async throws
    {
        try await withStore(kind) { store in
            try await Sample.place(["D-1", "D-2", "D-3", "D-4"], in: store)
            try await store.save([
                Sample.task("T-1", debtor: "D-1", due: at(0), status: .inFlight, lease: at(300)),
                Sample.task("T-2", debtor: "D-2", due: at(0), status: .inFlight, lease: at(100)),
                Sample.task("T-3", debtor: "D-3", due: at(0), status: .inFlight, lease: at(200)),
                Sample.task("T-4", debtor: "D-4", due: at(0), status: .pending),
            ])
            let ids = { (now: Int64, limit: Int) in
                try await store.read { try $0.expiredLeases(at: at(now), limit: limit).map(\.id) }
            }
            #expect(try await ids(100, 10) == [])
            #expect(try await ids(201, 10) == ["T-2", "T-3"])
            #expect(try await ids(1_000, 2) == ["T-2", "T-3"])
            #expect(try await ids(1_000, 10) == ["T-2", "T-3", "T-1"])
        }
    }

    @Test(arguments: StoreKind.allCases) func nextWakeUpIsTheEarliestDueTimeOrLeaseEnd(kind: StoreKind) async throws {
        try await withStore(kind) { store in
            #expect(try await store.read { try $0.nextWakeUp() } == nil)
            try await Sample.place(["D-1", "D-2"], in: store)
            try await store.save([Sample.task("T-1", debtor: "D-1", due: at(500))])
            #expect(try await store.read { try $0.nextWakeUp() } == at(500))
            try await store.save([Sample.task("T-2", debtor: "D-2", due: at(0), status: .inFlight, lease: at(300))])
            #expect(try await store.read { try $0.nextWakeUp() } == at(300))
            try await store.save([
                Sample.task("T-3", debtor: "D-2", due: at(200)),
                Sample.task("T-4", debtor: "D-1", due: at(9), status: .done),
            ])
            #expect(try await store.read { try $0.nextWakeUp() } == at(200))
        }
    }

    /// Random changes as the scheduler makes them (new tasks, hand-outs of due tasks, renewed leases, decisions,
    /// deferrals, moves between debtors) against a plain model of the rule; after every transaction the store must
    /// answer exactly what the model does.
    @Test func dueTasksAgreeWithAModelUnderRandomChanges() async throws {
        let store = try SQLiteStore.inMemory()
        let debtors = (0..<6).map { "D-\($0)" }
        try await Sample.place(debtors, in: store)
        var random = SplitMix(seed: 42)
        var model: [String: TaskRecord] = [:]
        for round in 0..<300 {
            let now = at(Int64.random(in: 0..<110, using: &random))
            var batch: [TaskRecord] = []
            switch Int.random(in: 0..<5, using: &random) {
            case 0:  // hand out what is due, as dispatch does
                for var task in try await store.read({ try $0.dueTasks(at: now, limit: 3) }) {
                    task.status = .inFlight
                    task.leaseUntil = now.adding(seconds: 30)
                    task.attempts += 1
                    batch.append(task)
                }
            case 1:  // renew leases
                for var task in model.values where task.status == .inFlight && Bool.random(using: &random) {
                    task.leaseUntil = now.adding(seconds: 60)
                    task.attempts += 1
                    batch.append(task)
                }
            case 2:  // rewrite pending tasks without moving them (another channel, say)
                for var task in model.values where task.status == .pending && Bool.random(using: &random) {
                    task.channel = task.channel == .call ? .sms : .call
                    batch.append(task)
                }
            default:  // anything else to a random task: new, decided, deferred, closed again, moved
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    let id = "T-\(Int.random(in: 0..<40, using: &random))"
                    var task = model[id] ?? Sample.task(id, debtor: debtors.randomElement(using: &random)!, due: t0)
                    if Int.random(in: 0..<10, using: &random) == 0 {
                        task.debtorID = debtors.randomElement(using: &random)!
                    }
                    task.status = TaskRecord.Status.allCases.randomElement(using: &random)!
                    if Bool.random(using: &random) { task.dueAt = at(Int64.random(in: 0..<100, using: &random)) }
                    task.leaseUntil = task.status == .inFlight ? now.adding(seconds: 45) : nil
                    batch.append(task)
                }
            }
            try await store.save(batch)
            for task in batch { model[task.id] = task }

            let limit = Int.random(in: 1...6, using: &random)
            #expect(
                try await store.due(at: now, limit: limit) == Self.modelDue(model, at: now, limit: limit), "\(round)")
            let end = at(1_000)
            #expect(try await store.due(at: end, limit: 100) == Self.modelDue(model, at: end, limit: 100), "\(round)")
            let stored = try await store.read { reader in
                try debtors.flatMap { try reader.tasks(ofDebtor: $0, statuses: []) }
            }
            #expect(Dictionary(uniqueKeysWithValues: stored.map { ($0.id, $0) }) == model, "round \(round)")
        }
    }

    private static func modelDue(_ tasks: [String: TaskRecord], at now: Instant, limit: Int) -> [String] {
        let byDebtor = Dictionary(grouping: tasks.values, by: \.debtorID)
        let next = byDebtor.values.compactMap { tasks -> TaskRecord? in
            guard !tasks.contains(where: { $0.status == .inFlight }) else { return nil }
            return tasks.filter { $0.status == .pending }.min { ($0.dueAt, $0.id) < ($1.dueAt, $1.id) }
        }
        return next.filter { $0.dueAt <= now }.sorted { ($0.dueAt, $0.id) < ($1.dueAt, $1.id) }.prefix(limit).map(\.id)
    }
}

/// SplitMix64: the same sequence on every run.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
