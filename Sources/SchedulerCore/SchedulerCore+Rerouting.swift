import Contract
import Domain
import Policy
import Store

extension SchedulerCore {
    /// Calls being decided whose route a change of specialists may move, with the queue each is routed to before
    /// the change: of the debtor handed over, or of anyone for an absence or a retirement (few tasks are in flight
    /// at once). A decision about one would publish its call to the old queue.
    func callsBeingDecided(
        affectedBy change: SpecialistChange.Meaning, at now: Instant, in store: any StoreTransaction
    ) throws -> [(task: TaskRecord, queue: String)] {
        let inFlight: [TaskRecord]
        switch change {
        case .handover(let creditorID, let debtorID):
            inFlight = try store.tasks(
                ofDebtor: Self.key(creditor: creditorID ?? "", debtor: debtorID), statuses: [.inFlight])
        case .away, .retire: inFlight = try store.tasks(statuses: [.inFlight], limit: Int.max)
        case .back, .join: return []
        }
        var routes = CallRoutes(core: self, at: now)
        return try inFlight.compactMap { task in try routes.queue(of: task, in: store).map { (task, $0) } }
    }

    /// After a change of specialists, calls not taken yet go where calls are routed now.
    ///
    /// A call being decided whose route moved is recalled, so that it is decided again for its new queue (the
    /// decision about the old one is then superseded). A call waiting in a queue it is no longer routed to is
    /// handed out again at once (`rerouted`): the copy left behind is superseded at `tact next`'s check, and the
    /// debtor hears from whoever takes the new one. Its contact leaves the ledger, as for an expiry, since nobody
    /// made it. Calls taken stay with whoever took them; calls reported on without `tact next` were made.
    func reroute(
        beingDecided: [(task: TaskRecord, queue: String)], queued: [TaskRecord], at now: Instant,
        in store: any StoreTransaction
    ) throws {
        var routes = CallRoutes(core: self, at: now)
        for (task, before) in beingDecided {
            guard var task = try store.task(task.id), task.status == .inFlight,
                let after = try routes.queue(of: task, in: store), after != before
            else { continue }
            try task.apply(.recalled)
            try store.save(task)
        }
        for task in queued {
            guard let queue = try routes.queue(of: task, in: store), queue != task.queuedFor else { continue }
            try publishAgain(task, at: now, in: store)
        }
    }

    /// Hands a call waiting in a queue, not taken nor reported on, out again at once (`rerouted`), so that a fresh
    /// copy goes where calls are routed now, with the debtor as Tact knows them now; the old copy is superseded at
    /// `tact next`'s check. Its contact leaves the ledger, as for an expiry, since nobody made it. Anything else is
    /// left as it is.
    func publishAgain(_ task: TaskRecord, at now: Instant, in store: any StoreTransaction) throws {
        var task = task
        // A queued call moves to where calls go now; a reminder, or a redirect, not yet claimed by its sender is
        // decided again (its copy is then superseded at the sender's check).
        let again: TaskRecord.Transition =
            task.allows(.rerouted(dueAt: now)) ? .rerouted(dueAt: now) : .expired(retryAt: now)
        guard task.status == .done, task.allows(again) else { return }
        let entry = try store.ledgerEntry(taskID: task.id)
        if let entry, entry.result != .pending { return }
        if entry != nil { try store.removeLedgerEntry(taskID: task.id) }
        try task.apply(again)
        // As for an expired call: a step back begun while it was queued has its own gentle call.
        if let hold = try stepBackInProgress(ofDebtor: task.debtorID, besides: task, in: store) {
            try task.apply(.closed(.hold(hold)))
        }
        try store.save(task)
    }
}

extension SchedulerCore {
    /// Every call and reminder of the debtor waiting in a queue, not taken or claimed, published again with what
    /// the store holds now: an amendment, or a new representative, changed what it would carry or where it goes.
    func publishQueuedAgain(ofDebtor debtorID: String, at now: Instant, in store: any StoreTransaction) throws {
        for task in try store.tasks(ofDebtor: debtorID, statuses: [.done]) {
            try publishAgain(task, at: now, in: store)
        }
    }
}

/// The call queue each task's call is routed to at one instant, reading each debtor once.
private struct CallRoutes {
    let core: SchedulerCore
    let now: Instant
    private var debtors: [String: DebtorRecord?] = [:]

    init(core: SchedulerCore, at now: Instant) {
        self.core = core
        self.now = now
    }

    /// The specialist whose queue the task's call goes to, `pool` for the shared one; `nil` when the task cannot
    /// become a call (a reminder to a debtor without a representative, who would be called instead) or its debtor
    /// is gone.
    mutating func queue(of task: TaskRecord, in store: any StoreTransaction) throws -> String? {
        if debtors[task.debtorID] == nil { debtors[task.debtorID] = .some(try store.debtor(task.debtorID)) }
        guard let debtor = debtors[task.debtorID] ?? nil, task.channel == .call || debtor.representative != nil
        else { return nil }
        // `pool` is reserved: no specialist has that id (the contract refuses it).
        return try core.routeCall(for: debtor, at: now, in: store) ?? "pool"
    }
}
