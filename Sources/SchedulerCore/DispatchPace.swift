import Domain
import Store
import TactConfig

/// Backpressure for one round of dispatch: how many more calls each call queue takes (`scheduler.callQueueDepth`)
/// and how many more reminders each paced channel. It names to the store what to leave waiting, kept current as the
/// round hands tasks out, and admits or holds each due task it is given.
struct DispatchPace {
    /// Where an admitted call is routed (a specialist's id, or `pool`); `nil` for a reminder, or when calls are not
    /// bounded.
    struct Admission {
        var callQueue: String?
    }

    private let core: SchedulerCore
    private let now: Instant
    private let depth: Int?
    private var waiting: [String: Int]
    private var allowance: [Channel: Int]
    /// The queue the calls of each assigned specialist's debtors go to now.
    private var routes: [String: String] = [:]

    init(core: SchedulerCore, allowance: [Channel: Int], at now: Instant, in store: any StoreReading) throws {
        self.core = core
        self.now = now
        self.allowance = allowance
        depth = core.configuration.scheduler.callQueueDepth
        waiting = depth == nil ? [:] : try store.waitingCalls()
        if depth != nil {
            for specialist in try store.assignedSpecialists() {
                // `pool` is reserved: no specialist has that id (the contract refuses it).
                routes[specialist] = try core.routeCall(assignedTo: specialist, at: now, in: store) ?? "pool"
            }
        }
    }

    /// What the store is to leave waiting now: spent channels, and the calls of every full queue's debtors.
    var hold: DispatchHold {
        var hold = DispatchHold(channels: Set(allowance.filter { $0.value <= 0 }.keys))
        if let depth {
            hold.callsOfUnassigned = waiting["pool", default: 0] >= depth
            hold.callsOfSpecialists = Set(routes.filter { waiting[$0.value, default: 0] >= depth }.keys)
        }
        return hold
    }

    /// The queue `task`'s call goes to now, when calls are bounded; `nil` for a reminder or without a bound.
    func callQueue(of task: TaskRecord, in store: any StoreReading) throws -> String? {
        guard depth != nil, task.channel == .call, let debtor = try store.debtor(task.debtorID) else { return nil }
        return try core.routeCall(for: debtor, at: now, in: store) ?? "pool"
    }

    /// Whether `task` may go out now; `nil` holds it back, and ``hold`` then names what held it.
    func admit(_ task: TaskRecord, in store: any StoreReading) throws -> Admission? {
        guard task.channel == .call else {
            if let left = allowance[task.channel], left <= 0 { return nil }
            return Admission()
        }
        // A debtor gone, or no bound: the hand-out goes ahead (and cancels a task whose debtor is gone).
        guard let depth, let queue = try callQueue(of: task, in: store) else { return Admission() }
        return waiting[queue, default: 0] < depth ? Admission(callQueue: queue) : nil
    }

    /// Counts a call handed out again for another queue than it was counted in.
    mutating func move(from before: String?, to after: String?) {
        guard before != after else { return }
        if let before, let count = waiting[before] { waiting[before] = max(count - 1, 0) }
        if let after { waiting[after, default: 0] += 1 }
    }

    /// Counts a task handed out.
    mutating func spend(_ task: TaskRecord, _ admission: Admission) {
        if let queue = admission.callQueue {
            waiting[queue, default: 0] += 1
        } else if let left = allowance[task.channel] {
            allowance[task.channel] = left - 1
        }
    }
}
