import Domain

/// Due tasks the scheduler leaves in the store for now: backpressure when more falls due than specialists and
/// senders can take (``StoreReading/dueTasks(at:limit:holding:)``).
public struct DispatchHold: Sendable, Equatable {
    /// Channels whose reminders wait: their senders' pace is spent.
    public var channels: Set<Channel>
    /// Calls of debtors assigned to these specialists wait: the queue their calls go to is full.
    public var callsOfSpecialists: Set<String>
    /// Calls of debtors with no specialist wait: the pool is full.
    public var callsOfUnassigned: Bool

    public init(channels: Set<Channel> = [], callsOfSpecialists: Set<String> = [], callsOfUnassigned: Bool = false) {
        self.channels = channels
        self.callsOfSpecialists = callsOfSpecialists
        self.callsOfUnassigned = callsOfUnassigned
    }

    /// Nothing waits.
    public static let none = DispatchHold()

    public var isEmpty: Bool { channels.isEmpty && callsOfSpecialists.isEmpty && !callsOfUnassigned }
}

extension StoreReading {
    /// Due tasks, none held back.
    public func dueTasks(at now: Instant, limit: Int) throws -> [TaskRecord] {
        try dueTasks(at: now, limit: limit, holding: .none)
    }
}

extension TaskRecord {
    /// The priorities a task may have, lowest first: a call queue's (`x-max-priority: 9`).
    public static let priorities = 0...9
}
