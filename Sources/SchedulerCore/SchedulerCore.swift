import Cadence
import Contract
import Domain
import Policy
import Store
import TactConfig

/// The scheduler's decisions about state, free of I/O: what an input changes, which tasks are due, what each
/// task message carries. It runs inside a store transaction, so a change and the messages it causes are
/// committed together; the ``SchedulerService`` only moves messages between the broker and the store.
public struct SchedulerCore: Sendable {
    public let configuration: ServiceConfiguration
    public let topology: TactTopology
    /// Every rulebook a placement may name, by id.
    public let rulebooks: [String: Rulebook]
    /// Every cadence strategy a placement may name, by id.
    public let strategies: [String: Strategy]
    /// The specialists the service file lists (`specialists.roster`), for lookups on every call routed.
    let roster: Set<String>
    /// One policy engine per rulebook, for contact checks at the moment of sending.
    let engines: [String: PolicyEngine]

    public init(configuration: ServiceConfiguration, rulebooks: [String: Rulebook], strategies: [String: Strategy]) {
        self.configuration = configuration
        self.topology = TactTopology(prefix: configuration.exchangePrefix)
        self.rulebooks = rulebooks
        self.strategies = strategies
        self.roster = Set(configuration.specialists.roster)
        self.engines = rulebooks.compactMapValues { try? PolicyEngine(rulebook: $0) }
    }

    /// The debtor's strategy. Placements are refused unless it exists, so a missing one means a configuration
    /// changed under a running store: the default steps in rather than stopping every flow.
    func strategy(of debtor: DebtorRecord) -> Strategy? {
        strategies[debtor.strategy] ?? strategies[configuration.defaultStrategy]
    }

    /// What became of an input.
    public enum Applied: Sendable, Equatable {
        case applied
        /// Seen before (a redelivery); nothing changed.
        case duplicate
        /// Refused; it belongs in `tact.dead` with this reason.
        case rejected(ContractError)
    }

    /// Applies one input. Throws only when the store fails; a bad input is a ``Applied/rejected(_:)``.
    ///
    /// Only applied inputs are remembered as processed: a refused one may be sent again, corrected, under the
    /// same id (and a stranger's refused message cannot block the real one).
    public func apply(_ given: SchedulerInput, at now: Instant, in store: any StoreTransaction) throws -> Applied {
        let input: SchedulerInput
        do {
            input = try resolved(given, in: store)
        } catch let refusal as ContractError {
            return .rejected(refusal)
        }
        // Computed once: a placement's id includes the fingerprint of its whole content.
        let messageID = input.messageID
        if try store.isProcessed(messageID) { return .duplicate }
        store.attribute(to: input.actor, at: now)
        do {
            // A refusal found half-way leaves nothing of the input behind.
            try store.undoingOnError {
                let concerned = try concernedDebtor(of: input, in: store)
                if let (action, detail) = input.auditEntry {
                    try store.audit(action, subject: messageID, debtorID: concerned, detail)
                }
                if let concerned { try recallInFlight(ofDebtor: concerned, in: store) }
                switch input {
                case .placement(let placement, let userID): try place(placement, userID: userID, at: now, in: store)
                case .event(let event, let userID): try record(event, userID: userID, at: now, in: store)
                case .specialist(let change, let userID):
                    try authorize(userID, for: nil)
                    try apply(change, at: now, in: store)
                case .outcome(let outcome): try record(outcome, at: now, in: store)
                case .decision(let decision): try record(decision, at: now, in: store)
                case .expired(let taskID, let attempt): try expire(taskID: taskID, attempt: attempt, at: now, in: store)
                }
            }
        } catch let refusal as ContractError {
            return .rejected(refusal)
        } catch let defect as TaskTransitionError {
            // Retrying would fail the same way and hold up every input behind it: set aside, with the task named.
            return .rejected(ContractError(.internalError, field: "", "\(defect)"))
        }
        try store.markProcessed(messageID, at: now)
        return .applied
    }

    /// Queues an input that cannot be applied for `tact.dead`: body untouched, the reason in `x-tact-error`, and
    /// the broker user that published it (if the message named one) in `x-tact-user-id`.
    public func deadLetter(
        body: [UInt8], messageID: String?, type: String?, source: String, userID: String? = nil, reason: String,
        at now: Instant, in store: any StoreTransaction
    ) throws {
        store.attribute(to: .sender(brokerUser: userID), at: now)
        // On the trail here, once: the outbox row may be queued again if publishing it fails.
        var detail = AuditDetail()
        detail.add("type", type)
        detail.add("source", source)
        detail.add("reason", reason)
        try store.audit("input.refused", subject: messageID ?? "dead", debtorID: nil, detail)
        var headers = [TactTopology.errorHeader: reason, TactTopology.sourceHeader: source]
        if let userID { headers[TactTopology.userHeader] = userID }
        try store.enqueue(
            OutboxMessage(
                exchange: "", routingKey: topology.deadQueue, messageID: messageID ?? "dead", type: type ?? "unknown",
                body: body, headers: headers))
    }

    // MARK: Helpers shared by the input handlers

    /// The debtor whose policy snapshot the input may change: a task of theirs being decided must be decided
    /// again. Specialist changes only reroute calls; decisions and expiries are about the hand-out itself.
    private func concernedDebtor(of input: SchedulerInput, in store: any StoreTransaction) throws -> String? {
        switch input {
        case .placement(let placement, _): placement.debtorKey
        case .event(let event, _): event.debtorKey
        case .outcome(let outcome): try store.task(outcome.taskId)?.debtorID
        case .specialist, .decision, .expired: nil
        }
    }

    /// Puts the debtor's task that a worker is deciding back to pending, before an input changes what its
    /// snapshot said (holds, opt-outs, history, zones). It is handed out again with a fresh snapshot, or cancelled
    /// by the input like any pending task; the worker's answer to the old hand-out is then not current, and its
    /// contact is never published.
    /// The cases that share the debtor's person key are recalled too: their snapshots hold this one's holds,
    /// opt-outs and contacts (``PolicySnapshot/person(of:since:in:)``).
    func recallInFlight(ofDebtor debtorID: String, in store: any StoreTransaction) throws {
        try recallInFlight(ofCases: [debtorID], in: store)
        try recallInFlight(ofCases: try linkedCases(of: debtorID, in: store), in: store)
    }

    /// The tasks of these cases being decided, back to pending.
    func recallInFlight(ofCases debtorIDs: [String], in store: any StoreTransaction) throws {
        for id in debtorIDs {
            for var task in try store.tasks(ofDebtor: id, statuses: [.inFlight]) {
                try task.apply(.recalled)
                try store.save(task)
            }
        }
    }

    /// The other cases with the debtor's person key, by key; none without one.
    func linkedCases(of debtorID: String, in store: any StoreTransaction) throws -> [String] {
        guard let key = try store.personKey(ofDebtor: debtorID) else { return [] }
        return try store.debtors(personKey: key).map(\.id).filter { $0 != debtorID }
    }

    func debtor(_ id: String, field: String, in store: any StoreTransaction) throws -> DebtorRecord {
        guard let debtor = try store.debtor(id) else {
            throw ContractError(.unknownReference, field: field, "no debtor with this id was placed")
        }
        return debtor
    }

    /// An intake message acts for `creditor` (for any, `nil`: specialist changes) only under a broker user allowed
    /// to (``Identity/check(_:actingFor:)``); `mismatch` is the refusal when, without an `identity` section, the
    /// `user_id` names another creditor.
    func authorize(_ userID: String?, for creditor: String?, mismatch: ContractError? = nil) throws(ContractError) {
        switch configuration.identity.check(userID, actingFor: creditor) {
        case nil: return
        case .notAllowed(let reason): throw ContractError(.identity, field: "user_id", reason)
        case .otherCreditor:
            throw mismatch ?? ContractError(.creditorMismatch, field: "user_id", "names another creditor")
        }
    }

    /// Ends every task of the debtor that `matches` and is still to be made, recording why: pending ones, and calls
    /// and reminders waiting in a queue, not taken or claimed (their copy is then refused at `tact next`'s or the
    /// sender's contact check, and their contact leaves the ledger: nobody made it). A call taken is the
    /// specialist's, and a reminder claimed is its sender's.
    func cancelPending(
        ofDebtor debtorID: String, reason: ClosedReason, in store: any StoreTransaction,
        where matches: (TaskRecord) -> Bool = { _ in true }
    ) throws {
        for var task in try store.tasks(ofDebtor: debtorID, statuses: [.pending, .done]) where matches(task) {
            if task.status == .pending {
                try task.apply(.closed(reason))
            } else {
                guard task.allows(.withdrawn(reason)) else { continue }
                let entry = try store.ledgerEntry(taskID: task.id)
                if let entry, entry.result != .pending { continue }
                if entry != nil { try store.removeLedgerEntry(taskID: task.id) }
                try task.apply(.withdrawn(reason))
            }
            try store.save(task)
        }
    }

    /// Creates a task unless one with the same id exists (inputs are deduplicated, but a task id may be
    /// derived from data two inputs share).
    ///
    /// While an after-bereavement call is planned, no automated reminder is created: the first contact after a
    /// death in the family is that call, never a text. While any step back's gentle call is still to be made, a task
    /// planned meanwhile (a plan's, a promise's, a new debt's first call, a retry) is closed at once for that hold,
    /// as every task pending when the step back began was: the gentle call stays the only contact until it was made,
    /// and then a plan's reminders and checks resume (``resumePlans(ofDebtor:at:in:)``). The survey is no
    /// collection task, and goes on.
    ///
    /// `newDebtor`: the debtor was placed by the input being applied, so no step back of theirs can be under way;
    /// looking for one would read their tasks for nothing on every placement.
    func schedule(
        _ id: String, debtorID: String, debtID: String, channel: Channel, purpose: Purpose,
        link: TaskRecord.Link? = nil, due: Instant, at now: Instant, in store: any StoreTransaction,
        newDebtor: Bool = false
    ) throws {
        guard try store.task(id) == nil else { return }
        // The validation notice is owed by law; the policy's holds decide when it goes, not this.
        let owed = purpose == .validationNotice
        if !newDebtor, !owed, channel != .call, try awaitsCallAfterBereavement(debtorID, in: store) { return }
        // Its place among tasks due together: the call priority of its purpose under the debtor's strategy.
        let priority = try store.debtor(debtorID).flatMap(strategy(of:))?.priority(of: purpose) ?? 0
        var task = TaskRecord(
            id: id, debtorID: debtorID, debtID: debtID, channel: channel, purpose: purpose, link: link, dueAt: due,
            createdAt: now,
            priority: min(max(priority, TaskRecord.priorities.lowerBound), TaskRecord.priorities.upperBound))
        if !newDebtor, purpose != .survey, !owed,
            let hold = try stepBackInProgress(ofDebtor: debtorID, besides: task, in: store)
        {
            try task.apply(.closed(.hold(hold)))
        }
        try store.save(task)
    }

    /// The debtor's tasks that `matches` and are still to be made: planned, being decided, taken, or published and
    /// waiting for their outcome (in a queue, with a gateway, or redirected to a representative, whose contact enters
    /// the ledger only with it). A call queued or taken is not made yet: looking for one already planned, it counts.
    func tasksToBeMade(
        ofDebtor debtorID: String, in store: any StoreTransaction, where matches: (TaskRecord) -> Bool
    ) throws -> [TaskRecord] {
        try store.tasks(ofDebtor: debtorID, statuses: [.pending, .inFlight, .done, .taken]).filter { task in
            guard matches(task) else { return false }
            if task.status != .done { return true }
            guard let entry = try store.ledgerEntry(taskID: task.id) else {
                return task.closedReason == .reachedRepresentative && task.takenBy == nil
            }
            return entry.result == .pending
        }
    }

    func awaitsCallAfterBereavement(_ debtorID: String, in store: any StoreTransaction) throws -> Bool {
        try store.tasks(ofDebtor: debtorID, statuses: [.pending, .inFlight]).contains {
            $0.purpose == Strategy.Purpose.afterBereavement
        }
    }

    /// The first of `channels` the debtor can be reached on and has not opted out of.
    /// The first of `channels` the debtor has an address for and the person has not opted out of, under any of
    /// their cases (a person key links them).
    func reachableChannel(
        _ channels: [Channel], for debtor: DebtorRecord, in store: any StoreTransaction
    ) throws -> Channel? {
        var optOuts = debtor.optOuts
        if let key = debtor.personKey {
            for other in try store.debtors(personKey: key) where other.id != debtor.id {
                optOuts.formUnion(other.optOuts)
            }
        }
        let delivery = WorkTask.Delivery(debtor.contact)
        return channels.first { delivery.address(for: $0) != nil && !optOuts.contains($0) }
    }

    /// The first instant of the local day `date` (`YYYY-MM-DD`) in the debtor's first zone (UTC when unknown).
    func startOfDay(_ date: String, for debtor: DebtorRecord, addingDays days: Int = 0) -> Instant? {
        LocalDay.start(of: date, addingDays: days, inZone: debtor.timeZones.first ?? "UTC")
    }

    /// The debtor's local date at `now` (first time zone; UTC when unknown).
    func today(at now: Instant, for debtor: DebtorRecord) -> LocalDate {
        LocalDay.date(of: now, inZone: debtor.timeZones.first ?? "UTC")
            ?? LocalDate(dayNumber: Int(now.secondsSinceEpoch.floorDivided(by: 86_400)))
    }

    /// Start of the debtor's next local day (first time zone; UTC when unknown): "tomorrow" for retries.
    func startOfNextDay(after now: Instant, for debtor: DebtorRecord) -> Instant {
        LocalDay.start(after: now, inZone: debtor.timeZones.first ?? "UTC")
            ?? LocalDay.start(after: now, inZone: "UTC")!
    }
}
