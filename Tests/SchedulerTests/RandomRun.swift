import Cadence
import Contract
import Doctor
import Domain
import Foundation
import Policy
import Store
import TactConfig
import Testing

@testable import SchedulerCore

/// One seeded random run of the scheduler core on an in-memory store, as the service would drive it (a transaction
/// per input or per batch, the outbox drained after each step) with the roles around it played by the run: creditors
/// placing, amending and reporting events, workers deciding hand-outs (sometimes late, twice, or never), gateways
/// and specialists reporting and correcting outcomes, `tact next` checking calls, the broker expiring contacts,
/// operators changing specialists, and a clock that jumps past leases, holds and promised dates.
///
/// After every step: `tact doctor` finds no violation, the audit trail verifies, and the reference model's properties
/// hold (`checkHandOut`, `checkContact`, `checkStore`, and the checks beside each input in `RandomRun+Inputs`).
final class RandomRun {
    let seed: UInt64
    var random: SplitMix
    let core = Fixtures.core(validationNotices: true)
    let store: SQLiteStore
    var now = Fixtures.now
    var step = 0
    /// What the step did, ids only: the failure message's context.
    var doing = ""
    var failures: [String] = []
    var seenBugs: Set<KnownBug> = []
    /// The debts (`debtor/debt`, `debtor/` for the debtor's own violations) a known bug broke: their later
    /// violations are put down to it.
    var brokenDebts: [String: KnownBug] = [:]
    /// `TACT_RANDOM_TRACE` set: every step is printed, to follow a replayed run.
    let trace = ProcessInfo.processInfo.environment["TACT_RANDOM_TRACE"] != nil

    /// The store as the last step left it, and the audit trail verified so far.
    var last: Snapshot
    var verifier = AuditChain.Verifier()

    // MARK: The reference model: what the run's inputs imply, independent of the store

    struct DebtModel {
        let debtorID: String
        var placementID: String
        var currency: String
        var amount: Int64
        var paid: Int64 = 0
        var status: DebtRecord.Status = .open
        /// A plan was accepted: its last instalment paid settles the debt whatever the balance.
        var planAgreed = false
    }

    struct DebtorModel {
        /// The first time zone, which counts the debtor's local days.
        var zone = "UTC"
        /// A cease about every debt (`ceased`) or about some.
        var ceased = false
        var ceasedDebts: Set<String> = []
        var optOuts: Set<Channel> = []
    }

    var debtors: [String: DebtorModel] = [:]
    var debts: [String: DebtModel] = [:]
    /// The content last applied under each placement id (`creditor/placementId`).
    var placements: [String: Placement] = [:]
    /// Each task's latest hand-out.
    var handOuts: [String: WorkTask] = [:]
    /// Hand-outs no worker of the run answered yet, oldest first.
    var undecided: [WorkTask] = []
    /// Hand-outs not answered yet when an input about their debtor was applied, which made their snapshot stale.
    var racing: [WorkTask] = []
    /// Every hand-out, for late and stale decisions.
    var allHandOuts: [WorkTask] = []
    /// Each task's latest contact published (or redirected to a representative): its attempt.
    var delivered: [String: Int] = [:]
    var deliveredOrder: [String] = []
    /// `task#attempt` of every contact published.
    var publishedPairs: Set<String> = []
    /// The latest outcome recorded for each task.
    var latestOutcome: [String: String] = [:]
    /// Inputs applied, for redeliveries.
    var applied: [SchedulerInput] = []
    var counter = 0
    /// What the run did, by kind (`event.cease applied`, `contact published`, …): `TACT_RANDOM_TRACE` prints it.
    var tally: [String: Int] = [:]
    /// Dead letters the step's batches should have queued, less those found in the outbox.
    var deadLetters = 0

    static let debtorIDs = ["D-1", "D-2", "D-3", "D-4"]
    static let roster = ["anna", "bob", "carol", "dave", "zed"]

    init(seed: UInt64) throws {
        self.seed = seed
        random = SplitMix(seed: seed)
        store = try SQLiteStore.inMemory()
        last = Snapshot(cases: [], auditHead: 0)
    }

    /// `steps` random steps, stopping at the first one after which anything does not hold.
    func run(steps: Int) async throws {
        defer {
            if trace {
                print(
                    "seed \(seed): "
                        + tally.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
        }
        for index in 1...steps {
            step = index
            failures = []
            try await takeStep()
            try await settle()
            if trace { print("seed \(seed) step \(step) at \(now): \(doing)") }
            guard failures.isEmpty else {
                for failure in failures {
                    Issue.record("seed \(seed), step \(step) (\(doing)): \(failure)")
                }
                return
            }
        }
    }

    func fail(_ problem: String) { failures.append(problem) }

    /// A violation of a bug known and not fixed yet (``KnownBug``): recorded as a known issue, the first time each
    /// bug shows in the run, and the run goes on (the case stays broken, and doctor reports it after every step).
    func known(_ bug: KnownBug, _ violation: Violation) {
        guard seenBugs.insert(bug).inserted else { return }
        withKnownIssue(Comment(rawValue: bug.title)) {
            Issue.record("seed \(seed), step \(step) (\(doing)): \(Self.describe(violation))")
        }
    }

    /// The debtor (the creditor's own id; the run has one creditor) whose snapshot an input changes.
    static func concernedDebtor(_ input: SchedulerInput) -> String? {
        switch input {
        case .placement(let placement, _): placement.debtor.id
        case .event(let event, _): event.debtorId
        case .outcome(let outcome): outcome.debtorId
        case .specialist, .decision, .expired: nil
        }
    }

    static func describe(_ violation: Violation) -> String {
        "tact doctor: \(violation.code.rawValue) debtor \(violation.debtorID) \(violation.debtID ?? "-") "
            + "[\(violation.taskIDs.joined(separator: ", "))]: \(violation.detail)"
    }

    func nextID(_ prefix: String) -> String {
        counter += 1
        return "\(prefix)-\(counter)"
    }

    // MARK: Steps

    func takeStep() async throws {
        // Inputs a few seconds apart, as a service consumes them: doctor judges a debt by the calls created last, and
        // calls created in the same second by different inputs would all count as last.
        now = now.adding(seconds: Int64(random.number(in: 1...5)))
        switch random.weighted([
            (0, 20),  // the clock moves; calls return, leases run out, due tasks go out
            (1, 24),  // a worker decides a hand-out
            (2, 12),  // an outcome or a correction
            (3, 16),  // a life event
            (4, 7),  // a placement or an amendment
            (5, 7),  // tact next checks a call
            (6, 6),  // a contact expires or is given back
            (7, 6),  // a change of specialists
            (8, 4),  // an input delivered again
        ]) {
        case 0: try await tick()
        case 1: try await decide()
        case 2: try await report()
        case 3: try await lifeEvent()
        case 4: try await place()
        case 5: try await checkCall()
        case 6: try await expire()
        case 7: try await changeSpecialists()
        default: try await redeliver()
        }
    }

    /// Applies `input` as the service would: mostly in a transaction of its own, where a refused input or a
    /// duplicate must leave the store as it was; now and then in a batch behind inputs the scheduler must refuse or
    /// find duplicate (``noise()``), each refused one dead-lettered in the same transaction, as the service's batches
    /// are. The savepoints of a batch must leave no trace of the refused ones: the audit trail verifies, and nothing
    /// of them is processed.
    @discardableResult
    func apply(_ input: SchedulerInput) async throws -> SchedulerCore.Applied {
        let noise = random.chance(20) ? noise() : []
        if !noise.isEmpty { doing += " behind \(noise.map(\.messageID).joined(separator: ", "))" }
        let batch = noise + [input]
        let (core, now, batched) = (core, now, !noise.isEmpty)
        let results = try await store.write { transaction in
            try batch.map { input in
                let result = try core.apply(input, at: now, in: transaction)
                if batched, case .rejected(let error) = result {
                    try core.deadLetter(
                        body: [], messageID: input.messageID, type: "input", source: "random", reason: error.reason,
                        at: now, in: transaction)
                }
                return result
            }
        }
        let result = results[results.count - 1]
        count(input, result)
        if trace, result != .applied { doing += " → \(result)" }
        if batched { deadLetters += results.filter { if case .rejected = $0 { true } else { false } }.count }
        for (input, result) in zip(noise, results) where result == .applied {
            fail("\(input.messageID), refused or a duplicate whatever the store holds, was applied")
        }
        let refused = zip(noise, results).filter { $0.1 != .applied && $0.1 != .duplicate }.map(\.0.messageID)
        if try await store.read({ store in try refused.contains { try store.isProcessed($0) } }) {
            fail("a refused input of the batch is marked processed")
        }
        if result == .applied {
            applied.append(input)
            // The hand-outs of the debtor being decided now rest on a stale snapshot: answering them next is the
            // race the scheduler must win.
            if let debtorID = Self.concernedDebtor(input) {
                racing += undecided.filter { $0.debtor.id == debtorID && !racing.contains($0) }
            }
        } else if !batched {
            let after = try await snapshot()
            let outbox = try await store.read { try $0.outbox(limit: 1).count }
            if after != last || outbox != 0 {
                fail(
                    "the \(result) input left a trace in the store (audit head \(last.auditHead) → \(after.auditHead))")
            }
        }
        return result
    }

    func count(_ input: SchedulerInput, _ result: SchedulerCore.Applied) {
        let kind =
            switch input {
            case .placement: "placement"
            case .event(let event, _): "event.\(event.kind.rawValue)"
            case .specialist(let change, _): "specialist.\(change.action.rawValue)"
            case .outcome(let outcome): outcome.corrects == nil ? "outcome" : "correction"
            case .decision(let decision): "decision.\(decision.decision.decision.rawValue)"
            case .expired: "expiry"
            }
        let how =
            switch result {
            case .applied: "applied"
            case .duplicate: "duplicate"
            case .rejected: "refused"
            }
        tally["\(kind) \(how)", default: 0] += 1
    }

    /// One or two inputs the scheduler refuses or finds duplicate whatever the store holds: an event about a debtor
    /// never placed, a survey answer on a task that is no survey (refused after it wrote the ledger), an expiry of an
    /// unknown task, an input applied before.
    func noise() -> [SchedulerInput] {
        (0...random.below(2)).compactMap { _ in
            switch random.below(4) {
            case 0:
                return .event(Fixtures.event(nextID("E-noise"), debtor: "D-9", .cease, at: now), userID: nil)
            case 1:
                guard
                    let task = random.pick(last.cases.flatMap(\.tasks).filter { $0.purpose != Strategy.Purpose.survey })
                else { return nil }
                return .outcome(
                    Outcome(
                        outcomeId: nextID("O-noise"), taskId: task.id, debtorId: task.debtorID, debtId: task.debtID,
                        channel: task.channel, at: now, result: .surveyResponse, score: 3))
            case 2:
                return .expired(taskID: "T-\(nextID("noise"))", attempt: 1)
            default:
                return random.pick(applied)
            }
        }
    }

    /// The clock moves on; then, as the service's tick does, taken calls without an outcome return and due tasks
    /// (and those whose lease ran out) are handed out.
    func tick() async throws {
        let seconds: Int =
            switch random.weighted([(0, 55), (1, 25), (2, 12), (3, 8)]) {
            case 0: random.number(in: 0...90)
            case 1: random.number(in: 60...3_600)
            case 2: random.number(in: 3_600...43_200)
            default: random.number(in: 86_400...6 * 86_400)
            }
        // A worker answers, at the latest, the hand-out whose lease is the task's last: one that no worker ever
        // decides is closed `no-decision`, which doctor rightly reports (a dead worker pool is an operator's matter).
        let later = now.adding(seconds: Int64(seconds))
        let maxAttempts = core.configuration.scheduler.maxAttempts
        for task in last.tasks(.inFlight) where task.attempts - task.settledAttempts >= maxAttempts {
            guard let leaseUntil = task.leaseUntil, leaseUntil < later, let handOut = handOuts[task.id] else {
                continue
            }
            try await answer(handOut)
        }
        doing = "tick +\(seconds)s"
        now = later
        let (core, now) = (core, now)
        tally["call returned unreported", default: 0] += try await store.write {
            try core.returnUnreported(at: now, in: $0).returned
        }
        _ = try await store.write { try core.dispatch(at: now, in: $0) }
    }

    /// A worker answers a hand-out: mostly one not answered yet, sometimes again or late.
    func decide() async throws {
        if random.chance(20), let stale = random.pick(racing) {
            try await answer(stale)
        } else if !random.chance(10), !undecided.isEmpty {
            // The newest hand-outs are the likeliest to be answered first.
            let index = random.chance(60) ? undecided.count - 1 : random.below(undecided.count)
            try await answer(undecided[index])
        } else if let stale = random.pick(allHandOuts) {
            try await answer(stale)
        } else {
            doing = "decide (nothing handed out)"
        }
    }

    /// The run's worker: it decides on the hand-out's snapshot as the policy would about a cease or an opt-out
    /// (suppress), and at random otherwise. So a contact published after a cease or an opt-out can only come from a
    /// decision on a snapshot the scheduler should have recalled.
    func answer(_ task: WorkTask) async throws {
        undecided.removeAll { $0.taskId == task.taskId && $0.attempt == task.attempt }
        racing.removeAll { $0.taskId == task.taskId && $0.attempt == task.attempt }
        let worker = "w\(random.below(3))"
        let stopped = task.debtor.holds.contains { $0.kind == .cease } || task.debtor.optOuts.contains(task.channel)
        var kind: PolicyDecision.Kind =
            stopped
            ? .suppress : random.weighted([(.allow, 60), (.defer, 22), (.suppress, 8), (.redirect, 10)])
        if kind == .redirect, task.debtor.representative == nil { kind = .allow }
        let wait = random.chance(80) ? random.number(in: 60...7_200) : random.number(in: 7_200...2 * 86_400)
        let earliest = kind == .defer ? now.adding(seconds: Int64(wait)) : nil
        var decision = Fixtures.decision(task, kind, earliest: earliest, at: now, worker: worker)
        if stopped {
            let rule = task.debtor.optOuts.contains(task.channel) ? RuleID(rawValue: "opt-out") : .hold(.cease)
            decision.decision.reasons = [.init(rule: rule, until: nil, detail: "run")]
        }
        doing = "decision \(kind.rawValue) \(task.taskId)#\(task.attempt) by \(worker)"
        guard try await apply(.decision(decision)) == .applied, kind == .redirect else { return }
        // A redirect publishes nothing here; the task is done, reaching the representative.
        let (store, id) = (store, task.taskId)
        if let record = try await store.read({ try $0.task(id) }), record.status == .done,
            record.closedReason == .reachedRepresentative, record.takenBy == nil, delivered[id] != record.attempts
        {
            noteDelivery(id, attempt: record.attempts)
            checkContact(
                taskID: id, attempt: record.attempts, debtorID: DebtorKey.debtorPart(of: record.debtorID),
                debtID: record.debtID,
                channel: nil, purpose: record.purpose.rawValue)
        }
    }

    func noteDelivery(_ taskID: String, attempt: Int) {
        if delivered[taskID] == nil { deliveredOrder.append(taskID) }
        delivered[taskID] = attempt
    }

    /// An outcome for a contact made (mostly one waiting for it), or a correction; some are refused on purpose.
    func report() async throws {
        let waiting = last.cases.flatMap { records in
            records.tasks.filter { task in
                let entry = records.ledger.last { $0.taskID == task.id }
                return task.status == .taken
                    || (task.status == .done
                        && (entry?.result == .pending || (entry == nil && task.closedReason == .reachedRepresentative)))
            }
        }
        // Late ones too (a call taken, returned unreported and planned again), but none for a contact the broker
        // reported expired or given back since (its ledger entry is gone): that one reached nobody.
        let made = last.cases.flatMap { records in
            records.tasks.filter { task in
                records.ledger.contains { $0.taskID == task.id }
                    || (task.status == .done && task.closedReason == .reachedRepresentative)
            }
        }
        let target: TaskRecord?
        switch random.weighted([(0, 70), (1, 15), (2, 15)]) {
        case 0: target = random.pick(waiting)
        case 1: target = random.pick(made)
        default: target = random.pick(latestOutcome.keys.sorted()).flatMap(last.task)
        }
        guard let task = target else {
            doing = "outcome (nothing to report on)"
            return
        }
        let latest = latestOutcome[task.id]
        let corrects = random.weighted([(latest, 70), (nil, 15), ("O-bogus", 15)])
        // The one rule the model knows for sure: a second outcome names the latest, and only an existing one.
        let mustBeRefused = corrects != latest
        let result: Outcome.Result
        if task.purpose == Strategy.Purpose.survey {
            result = random.chance(50) ? .surveyResponse : .delivered
        } else if task.channel == .call || task.closedReason == .reachedRepresentative {
            result = random.weighted([
                (.conversation, 25), (.noAnswer, 25), (.voicemail, 15), (.notConnected, 10), (.promiseToPay, 20),
                (.failed, 5),
            ])
        } else {
            result = random.weighted([(.delivered, 80), (.failed, 20)])
        }
        let id = nextID("O")
        var outcome = Outcome(
            outcomeId: id, taskId: task.id, debtorId: task.debtorID, debtId: task.debtID,
            // Now and then on a channel not the task's: refused, but for a redirect (which may reach the
            // representative on another channel, and is reported on its own).
            channel: random.chance(3) && task.closedReason != .reachedRepresentative ? .letter : task.channel, at: now,
            result: result, corrects: corrects)
        if result == .surveyResponse { outcome.score = random.number(in: 1...5) }
        if result == .promiseToPay { outcome.promise = promise(about: task.debtID, of: task.debtorID) }
        doing =
            "outcome \(id) \(result.rawValue) on \(task.id)"
            + (outcome.channel == task.channel ? "" : " by \(outcome.channel.rawValue)")
            + (corrects.map { " correcting \($0)" } ?? "")
        guard (try? outcome.validate()) != nil else { return }
        if try await apply(.outcome(outcome)) == .applied {
            if mustBeRefused {
                fail("outcome \(id) was applied though the task's latest outcome is \(latest ?? "none")")
            }
            latestOutcome[task.id] = id
        }
    }

    /// A promise to pay: mostly one the scheduler accepts, sometimes too late, too far ahead or too large.
    func promise(about debtID: String, of debtorID: String) -> Outcome.Promise {
        let balance = debts[debtID].map { $0.amount - $0.paid } ?? 1_000
        let amount = random.chance(85) ? max(min(balance, Int64(random.number(in: 500...20_000))), 1) : balance + 10_000
        let days = random.weighted([(random.number(in: 0...20), 85), (-2, 5), (120, 10)])
        let today = today(of: debtorID)
        return Outcome.Promise(amount: money(amount, of: debtID), date: today.adding(days: days).description)
    }

    func today(of debtorID: String) -> LocalDate {
        LocalDay.date(of: now, inZone: debtors[debtorID]?.zone ?? "UTC") ?? LocalDate(dayNumber: 0)
    }

    func money(_ minorUnits: Int64, of debtID: String) -> String {
        Money(minorUnits: minorUnits, currency: debts[debtID]?.currency ?? "USD").amount
    }
}

// MARK: - The store as a step leaves it

extension RandomRun {
    struct Snapshot: Equatable {
        var cases: [DebtorRecords]
        var auditHead: Int64

        func tasks(_ status: TaskRecord.Status) -> [TaskRecord] {
            cases.flatMap { $0.tasks.filter { $0.status == status } }
        }

        func task(_ id: String) -> TaskRecord? {
            for records in cases { if let task = records.tasks.first(where: { $0.id == id }) { return task } }
            return nil
        }
    }

    func snapshot() async throws -> Snapshot {
        try await store.inspect { store in
            Snapshot(cases: try store.debtorRecords(after: nil, limit: 1_000), auditHead: try store.lastAuditSequence())
        }
    }

    /// After a step: the outbox drained through the model, then doctor, the audit trail and the store against the
    /// model.
    func settle() async throws {
        let messages = try await store.write { store in
            let messages = try store.outbox(limit: 10_000)
            try store.removeFromOutbox(messages.map(\.sequence))
            return messages
        }
        for message in messages {
            switch message.type {
            case WorkTask.messageType:
                checkHandOut(try MessageCoding.decode(WorkTask.self, from: message.body))
            case Reminder.messageType:
                let reminder = try MessageCoding.decode(Reminder.self, from: message.body)
                checkPublished(
                    taskID: reminder.taskId, attempt: reminder.attempt, debtorID: reminder.debtorId,
                    debtID: reminder.debtId, channel: reminder.channel, purpose: reminder.template)
            case Call.messageType:
                let call = try MessageCoding.decode(Call.self, from: message.body)
                checkPublished(
                    taskID: call.taskId, attempt: call.attempt, debtorID: call.debtorId, debtID: call.debtId,
                    channel: .call, purpose: call.purpose)
            default:
                if message.routingKey == core.topology.deadQueue, message.headers[TactTopology.errorHeader] != nil {
                    deadLetters -= 1
                } else {
                    fail("the outbox holds a \(message.type) message for \(message.routingKey)")
                }
            }
        }
        if deadLetters != 0 { fail("\(deadLetters) refused inputs of a batch have no dead letter, or more have") }
        deadLetters = 0
        let (now, rulebooks) = (now, Fixtures.rulebooks)
        let (violations, _) = try await StoreCheckup.collect(store, rulebooks: rulebooks, at: now)
        let current = try await snapshot()
        for violation in violations {
            // A debt a known bug broke may stay broken, and change its shape, for the rest of the run.
            let debt = "\(violation.debtorID)/\(violation.debtID ?? "")"
            if let bug = brokenDebts[debt] ?? KnownBug.allCases.first(where: { $0.matches(violation, in: current) }) {
                brokenDebts[debt] = bug
                known(bug, violation)
            } else {
                fail(Self.describe(violation))
            }
        }
        let head = verifier.head.sequence
        let trail = try await store.inspect {
            try $0.auditRecords(
                afterSequence: head, throughSequence: .max, from: Instant(secondsSinceEpoch: 0),
                to: Instant(secondsSinceEpoch: .max), debtorID: nil, limit: 1_000_000)
        }
        if let broken = verifier.next(trail) { fail("the audit trail is broken: \(broken)") }
        if verifier.head.sequence != current.auditHead {
            fail("the audit trail verified up to \(verifier.head.sequence) of \(current.auditHead)")
        }
        checkStore(current)
        last = current
    }
}

// MARK: - Properties

extension RandomRun {
    /// A hand-out: the task's next attempt, never about a recalled debt, and about a paid or closed one only for
    /// its survey.
    func checkHandOut(_ task: WorkTask) {
        let previous = handOuts[task.taskId]?.attempt ?? 0
        if task.attempt != previous + 1 {
            fail("task \(task.taskId) handed out as attempt \(task.attempt) after attempt \(previous)")
        }
        if let debt = debts[task.debt.id] {
            if debt.status == .recalled {
                fail("task \(task.taskId) (\(task.purpose)) handed out about the recalled debt \(task.debt.id)")
            } else if debt.status != .open, task.purpose != Purpose.survey.rawValue {
                fail("task \(task.taskId) (\(task.purpose)) handed out about the \(debt.status) debt \(task.debt.id)")
            }
        }
        handOuts[task.taskId] = task
        tally[task.attempt > 1 ? "hand-out again" : "hand-out", default: 0] += 1
        undecided.append(task)
        allHandOuts.append(task)
    }

    /// A contact published: for the task's latest hand-out, once, and never what a cease, an opt-out or the debt's
    /// end forbids.
    func checkPublished(
        taskID: String, attempt: Int, debtorID: String, debtID: String, channel: Channel, purpose: String
    ) {
        let pair = "\(taskID)#\(attempt)"
        if !publishedPairs.insert(pair).inserted { fail("contact \(pair) published twice") }
        tally["contact published", default: 0] += 1
        noteDelivery(taskID, attempt: attempt)
        checkContact(
            taskID: taskID, attempt: attempt, debtorID: debtorID, debtID: debtID, channel: channel, purpose: purpose)
    }

    /// What every contact made (published, or redirected to a representative) must satisfy.
    func checkContact(
        taskID: String, attempt: Int, debtorID: String, debtID: String, channel: Channel?, purpose: String
    ) {
        let pair = "\(taskID)#\(attempt)"
        guard let handOut = handOuts[taskID] else { return fail("contact \(pair) for a task never handed out") }
        if handOut.attempt != attempt {
            fail("contact \(pair) published while the task's latest hand-out is attempt \(handOut.attempt)")
        }
        if handOut.debtor.id != debtorID || handOut.debt.id != debtID {
            fail("contact \(pair) names \(debtorID)/\(debtID), its hand-out \(handOut.debtor.id)/\(handOut.debt.id)")
        }
        if let debt = debts[debtID], debt.status != .open,
            purpose != Purpose.survey.rawValue || debt.status == .recalled
        {
            fail("contact \(pair) (\(purpose)) published about the \(debt.status) debt \(debtID)")
        }
        if let debtor = debtors[debtorID] {
            if debtor.ceased || debtor.ceasedDebts.contains(debtID) {
                fail("contact \(pair) (\(purpose)) published after a cease")
            }
            if let channel, debtor.optOuts.contains(channel) {
                fail("contact \(pair) (\(purpose)) published on \(channel.rawValue), which the debtor opted out of")
            }
        }
    }

    /// The store against the model: each debt's amount, payments and state; at most one task per debtor in flight.
    func checkStore(_ snapshot: Snapshot) {
        for records in snapshot.cases {
            let inFlight = records.tasks.filter { $0.status == .inFlight }
            if inFlight.count > 1 {
                fail("debtor \(records.debtor.id) has \(inFlight.count) tasks in flight: \(inFlight.map(\.id))")
            }
            for debt in records.debts {
                guard var model = debts[debt.id] else {
                    fail("debt \(debt.id) is in the store but was never placed")
                    continue
                }
                let amount = Money(debt.amount, currency: debt.currency)?.minorUnits
                let paid = Money(debt.paid, currency: debt.currency)?.minorUnits
                if amount != model.amount || paid != model.paid {
                    fail(
                        "debt \(debt.id): the store says \(debt.amount) paid \(debt.paid), the model "
                            + "\(money(model.amount, of: debt.id)) paid \(money(model.paid, of: debt.id))")
                }
                if debt.status != model.status {
                    // A plan's last instalment paid settles the debt whatever its balance; the model learns that here.
                    if model.status == .open, debt.status == .paid, model.planAgreed || model.amount - model.paid <= 0 {
                        model.status = .paid
                        debts[debt.id] = model
                    } else {
                        fail("debt \(debt.id) is \(debt.status) in the store, \(model.status) in the model")
                    }
                }
            }
        }
    }
}
