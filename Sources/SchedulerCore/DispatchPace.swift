import Domain
import Store
import TactConfig

/// Backpressure for one round of dispatch: how many more calls each call queue takes (`scheduler.callQueueDepth`)
/// and how many more reminders each paced channel. It names to the store what to leave waiting, and admits or holds
/// each due task it is given.
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
    /// What the store leaves waiting, as this round began.
    let hold: DispatchHold

    init(core: SchedulerCore, allowance: [Channel: Int], at now: Instant, in store: any StoreReading) throws {
        self.core = core
        self.now = now
        self.allowance = allowance
        depth = core.configuration.scheduler.callQueueDepth
        waiting = depth == nil ? [:] : try store.waitingCalls()
        var hold = DispatchHold(channels: Set(allowance.filter { $0.value <= 0 }.keys))
        if let depth {
            // `pool` is reserved: no specialist has that id (the contract refuses it).
            hold.callsOfUnassigned = waiting["pool", default: 0] >= depth
            for specialist in try store.assignedSpecialists() {
                let queue = try core.routeCall(assignedTo: specialist, at: now, in: store) ?? "pool"
                if waiting[queue, default: 0] >= depth { hold.callsOfSpecialists.insert(specialist) }
            }
        }
        self.hold = hold
    }

    /// Whether `task` may go out now; `nil` holds it back.
    func admit(_ task: TaskRecord, in store: any StoreReading) throws -> Admission? {
        guard task.channel == .call else {
            if let left = allowance[task.channel], left <= 0 { return nil }
            return Admission()
        }
        // A debtor gone: the hand-out cancels the task.
        guard let depth, let debtor = try store.debtor(task.debtorID) else { return Admission() }
        let queue = try core.routeCall(for: debtor, at: now, in: store) ?? "pool"
        return waiting[queue, default: 0] < depth ? Admission(callQueue: queue) : nil
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
