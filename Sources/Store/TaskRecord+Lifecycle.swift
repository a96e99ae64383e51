import Domain

// A task's lifecycle. Its state (status, due time, lease, attempts, closed reason) changes here and nowhere
// else: everything that moves a task names the transition, and one that does not apply to the task's state is an
// error rather than a silent overwrite.
//
//   pending ──handOut──► in flight ──published──► done ──taken──► taken ──reported──► done
//      ▲  ◄──deferred / recalled──┘   │  ▲ handOut (lease ran out)      │                │
//      │                              └──┘                              │                │
//      ├──────────────── expired (the contact came back unread) ◄───────┴────────────────┤
//      ├──────────────── rerouted (its queued call goes to another specialist) ◄─────────┤
//      ├──────────────── unreported (taken, and no outcome in time) ◄────────────────────┘
//      ├── moved (due again at once, or later)
//      └──revived── cancelled ◄──closed── pending, in flight, taken; ◄──withdrawn── done, not yet taken
//
// `taken` is a claim: a specialist took the call with `tact next`, or a sender claimed the reminder with a
// contact check.

extension TaskRecord {
    /// What can happen to a task; ``apply(_:)`` carries it out.
    public enum Transition: Sendable, Equatable {
        /// To the workers: a new attempt, leased until `leaseUntil` (again, once a lease ran out). A call names the
        /// queue it is routed to (`callQueue`), where it counts as waiting while it is decided.
        case handOut(leaseUntil: Instant, callQueue: String? = nil)
        /// The current hand-out's decision published its contact, to the debtor or their representative; a call waits
        /// in the call queue of `queuedFor` (a specialist, or `pool`) until it is taken. By `returnBy` (after its
        /// window and the broker's expiry) a queued call has come back or been taken, unless its queue was lost.
        case published(toRepresentative: Bool, queuedFor: String? = nil, returnBy: Instant? = nil)
        /// The current hand-out's decision put it off until `until`.
        case deferred(until: Instant)
        /// An input made the current hand-out's snapshot stale: pending again at once, to be decided anew.
        case recalled
        /// Its published contact came back unread (or a specialist gave the call back): pending again at `retryAt`.
        case expired(retryAt: Instant)
        /// Its published call, waiting in a queue nobody should take it from any more (the specialist went away,
        /// retired or handed the case over), must go where calls are routed now: pending again, due at `dueAt`, to be
        /// handed out anew. The copy left in the old queue is then superseded at `tact next`'s check.
        case rerouted(dueAt: Instant)
        /// Its published call or reminder, waiting in a queue and not taken or claimed, is no longer wanted (a
        /// cease, an opt-out, a promise or plan replacing the chasing, its debt closing): ended as a pending task
        /// would be. The copy left in the queue is then superseded at `tact next`'s or the sender's check.
        case withdrawn(ClosedReason)
        /// A specialist took its published call (`tact next`); it returns if no outcome arrives by `outcomeDue`.
        /// The same call may be taken again, by the same specialist, when the first answer was lost.
        case taken(by: String, outcomeDue: Instant)
        /// The outcome of its taken call arrived; or of its call still queued, reported without `tact next` (by a
        /// dialler that took it from the queue), which then waits in no queue.
        case reported
        /// Its call was taken and no outcome arrived in time: pending again at `retryAt`.
        case unreported(retryAt: Instant)
        /// Still pending, due at `dueAt` instead.
        case moved(dueAt: Instant)
        /// A step back ended, or the promise that replaced it or withdrew its arrangement was corrected away: the task
        /// it cancelled is pending again at `dueAt`, on the channel reachable now.
        case revived(dueAt: Instant, channel: Channel)
        /// Ended without a contact.
        case closed(ClosedReason)
    }

    /// Whether `transition` applies to the task as it is.
    public func allows(_ transition: Transition) -> Bool {
        switch (transition, status) {
        case (.handOut, .pending), (.handOut, .inFlight): true
        case (.published, .inFlight), (.deferred, .inFlight), (.recalled, .inFlight): true
        // Its contact reached nobody: the published task, or one whose contact expired before its decision came.
        // A call taken and reported on (``takenBy`` kept) is settled for good.
        case (.expired, .done), (.taken, .done):
            takenBy == nil && (closedReason == nil || closedReason == .reachedRepresentative)
        // A call still in its queue: published as a call, and neither taken nor reported on with `tact next`.
        case (.rerouted, .done):
            queuedFor != nil && takenBy == nil && (closedReason == nil || closedReason == .reachedRepresentative)
        // Also a reminder not yet claimed by its sender's contact check: senders check before sending.
        case (.withdrawn, .done):
            (queuedFor != nil || channel != .call) && takenBy == nil
                && (closedReason == nil || closedReason == .reachedRepresentative)
        // A contact a sender claimed may have been sent: a copy of it that expires says nothing about it (its
        // claim ends by itself, unconfirmed). A call taken with `tact next` comes back when the tool gives it back.
        case (.expired, .inFlight): true
        case (.expired, .taken): claimingSender == nil
        case (.taken(let specialist, _), .taken): specialist == takenBy
        case (.reported, .taken), (.unreported, .taken): true
        case (.reported, .done): queuedFor != nil && takenBy == nil
        case (.moved, .pending): true
        case (.revived, .cancelled): closedReason?.isRevivable ?? false
        case (.closed, .pending), (.closed, .inFlight), (.closed, .taken): true
        default: false
        }
    }

    /// The holder a sender's contact check records (`sender:<id>`), told apart from a specialist who took a call
    /// with `tact next` (recorded by their id).
    public static func claimHolder(sender: String) -> String { "sender:\(sender)" }

    /// The sender whose contact check claimed this task, if one did.
    public var claimingSender: String? {
        guard status == .taken, let takenBy, takenBy.hasPrefix("sender:") else { return nil }
        return String(takenBy.dropFirst("sender:".count))
    }

    /// Moves the task through `transition`.
    ///
    /// - Throws: ``TaskTransitionError`` when the transition does not apply to the task's state; the task is then
    ///   unchanged.
    public mutating func apply(_ transition: Transition) throws(TaskTransitionError) {
        guard allows(transition) else { throw TaskTransitionError(task: id, from: status, transition: transition) }
        switch transition {
        case .handOut(let leaseUntil, let callQueue):
            status = .inFlight
            attempts += 1
            self.leaseUntil = leaseUntil
            queuedFor = callQueue
        case .published(let toRepresentative, let queuedFor, let returnBy):
            status = .done
            closedReason = toRepresentative ? .reachedRepresentative : nil
            self.queuedFor = queuedFor
            settle()
            leaseUntil = queuedFor == nil ? nil : returnBy
        case .deferred(let until):
            status = .pending
            dueAt = until
            queuedFor = nil
            settle()
        case .recalled:
            status = .pending
            queuedFor = nil
            settle()
        case .expired(let retryAt), .unreported(let retryAt), .rerouted(let retryAt):
            status = .pending
            closedReason = nil
            takenBy = nil
            queuedFor = nil
            dueAt = retryAt
            settle()
        case .taken(let specialist, let outcomeDue):
            status = .taken
            takenBy = specialist
            queuedFor = nil
            leaseUntil = outcomeDue
        case .reported:
            status = .done
            leaseUntil = nil
            queuedFor = nil
        case .moved(let dueAt):
            self.dueAt = dueAt
        case .revived(let dueAt, let channel):
            status = .pending
            closedReason = nil
            self.dueAt = dueAt
            self.channel = channel
        case .withdrawn(let reason):
            status = .cancelled
            closedReason = reason
            queuedFor = nil
            settle()
        case .closed(let reason):
            status = .cancelled
            closedReason = reason
            queuedFor = nil
            settle()
        }
    }

    /// No hand-out is outstanding: a decision about any of them so far is no longer current.
    private mutating func settle() {
        leaseUntil = nil
        settledAttempts = attempts
    }
}

/// A transition that does not apply to a task's state: a defect in the caller, never an input to dead-letter.
public struct TaskTransitionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The task's id.
    public var task: String
    /// The state it was in.
    public var from: TaskRecord.Status
    /// What was asked of it.
    public var transition: TaskRecord.Transition

    public var description: String { "task \(task): \(transition) does not apply to a \(from.rawValue) task" }
}
