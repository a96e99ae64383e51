import Domain
import Policy
import Store
import Testing

/// The task lifecycle: every transition from every state, legal or not, and what each legal one changes.
@Suite struct TaskLifecycleTests {
    static let now = Instant(rfc3339: "2026-12-01T12:00:00Z")!
    static let later = now.adding(seconds: 3_600)

    /// The states a task can be in, each reached through the lifecycle itself.
    enum State: String, CaseIterable, CustomTestStringConvertible {
        case pending, inFlight, done, doneForRepresentative, queued, queuedForRepresentative, taken, reported
        case steppedBack, replaced, cancelled
        /// A reminder published, and one its sender claimed with a contact check.
        case reminderQueued, reminderClaimed
        var testDescription: String { rawValue }

        func task() throws -> TaskRecord {
            let reminder = self == .reminderQueued || self == .reminderClaimed
            var task = TaskRecord(
                id: "T-1", debtorID: "D-1", debtID: "C-1", channel: reminder ? .email : .call, purpose: .firstCall,
                dueAt: TaskLifecycleTests.now, createdAt: TaskLifecycleTests.now)
            let lease = TaskRecord.Transition.handOut(leaseUntil: TaskLifecycleTests.later)
            switch self {
            case .pending: break
            case .inFlight: try task.apply(lease)
            case .done:
                try task.apply(lease)
                try task.apply(.published(toRepresentative: false))
            case .doneForRepresentative:
                try task.apply(lease)
                try task.apply(.published(toRepresentative: true))
            case .queued, .queuedForRepresentative:
                try task.apply(lease)
                try task.apply(.published(toRepresentative: self == .queuedForRepresentative, queuedFor: "anna"))
            case .taken, .reported:
                try task.apply(lease)
                try task.apply(.published(toRepresentative: false, queuedFor: "anna"))
                try task.apply(.taken(by: "anna", outcomeDue: TaskLifecycleTests.later))
                if self == .reported { try task.apply(.reported) }
            case .reminderQueued, .reminderClaimed:
                try task.apply(lease)
                try task.apply(.published(toRepresentative: false))
                if self == .reminderClaimed {
                    try task.apply(
                        .taken(by: TaskRecord.claimHolder(sender: "mailer"), outcomeDue: TaskLifecycleTests.later))
                }
            case .steppedBack: try task.apply(.closed(.hold(.bereavement)))
            case .replaced: try task.apply(.closed(.replacedByPromise))
            case .cancelled: try task.apply(.closed(.optOut))
            }
            return task
        }
    }

    static let transitions: [TaskRecord.Transition] = [
        .handOut(leaseUntil: later), .published(toRepresentative: false), .published(toRepresentative: true),
        .deferred(until: later), .recalled, .expired(retryAt: later), .moved(dueAt: later),
        .revived(dueAt: later, channel: .sms), .closed(.cease), .taken(by: "anna", outcomeDue: later),
        .taken(by: "bob", outcomeDue: later), .reported, .unreported(retryAt: later), .rerouted(dueAt: later),
        .withdrawn(.replacedByPromise),
        .published(toRepresentative: false, queuedFor: "pool"),
    ]

    /// Which transitions each state allows; every other one is refused.
    static func legal(_ state: State, _ transition: TaskRecord.Transition) -> Bool {
        switch (state, transition) {
        case (.pending, .handOut), (.pending, .moved), (.pending, .closed): true
        case (.inFlight, .handOut), (.inFlight, .published), (.inFlight, .deferred), (.inFlight, .recalled),
            (.inFlight, .expired), (.inFlight, .closed):
            true
        case (.done, .expired), (.doneForRepresentative, .expired): true
        case (.done, .taken), (.doneForRepresentative, .taken): true
        // Waiting in a specialist's queue: as done, and it may be moved to another queue.
        case (.queued, .expired), (.queuedForRepresentative, .expired): true
        case (.queued, .taken), (.queuedForRepresentative, .taken): true
        case (.queued, .rerouted), (.queuedForRepresentative, .rerouted): true
        case (.queued, .withdrawn), (.queuedForRepresentative, .withdrawn): true
        // Reported without `tact next` by whoever dialled it from the queue: it waits there no longer.
        case (.queued, .reported), (.queuedForRepresentative, .reported): true
        // Taken again only by whoever holds it (the answer to the first check was lost).
        case (.taken, .taken(let specialist, _)): specialist == "anna"
        case (.taken, .reported), (.taken, .unreported), (.taken, .expired), (.taken, .closed): true
        // A reminder waiting for its sender's check may be withdrawn, as a queued call may.
        case (.reminderQueued, .expired), (.reminderQueued, .taken), (.reminderQueued, .withdrawn): true
        // A claimed contact may have been sent: no expired copy plans it again, and only its outcome or the end of
        // its claim settles it.
        case (.reminderClaimed, .reported), (.reminderClaimed, .unreported), (.reminderClaimed, .closed): true
        // Revived when its step back ended, or the promise that replaced it was corrected away.
        case (.steppedBack, .revived), (.replaced, .revived): true
        default: false
        }
    }

    @Test(arguments: State.allCases)
    func everyTransitionFromEveryState(state: State) throws {
        for transition in Self.transitions {
            var task = try state.task()
            let before = task
            #expect(task.allows(transition) == Self.legal(state, transition), "\(state) → \(transition)")
            if Self.legal(state, transition) {
                try task.apply(transition)
            } else {
                #expect {
                    try task.apply(transition)
                } throws: { error in
                    let refused = error as? TaskTransitionError
                    return refused?.task == "T-1" && refused?.from == before.status && refused?.transition == transition
                }
                #expect(task == before, "a refused transition changes nothing")
            }
        }
    }

    @Test func aHandOutLeasesANewAttemptAndItsDecisionSettlesIt() throws {
        var task = try State.pending.task()
        try task.apply(.handOut(leaseUntil: Self.later))
        #expect(task.status == .inFlight && task.attempts == 1 && task.leaseUntil == Self.later)
        try task.apply(.handOut(leaseUntil: Self.later.adding(seconds: 60)))  // the lease ran out
        #expect(task.attempts == 2 && task.settledAttempts == 0)
        try task.apply(.deferred(until: Self.later))
        #expect(task.status == .pending && task.dueAt == Self.later && task.leaseUntil == nil)
        #expect(task.settledAttempts == 2, "no decision about either hand-out is current any more")
    }

    @Test func publishedToTheRepresentativeSaysSoAndAnExpiryReopensIt() throws {
        var task = try State.doneForRepresentative.task()
        #expect(task.status == .done && task.closedReason == .reachedRepresentative)
        try task.apply(.expired(retryAt: Self.later))
        #expect(task.status == .pending && task.closedReason == nil && task.dueAt == Self.later)
    }

    @Test func aTakenCallIsReportedOnOrReturnsWithoutItsSpecialist() throws {
        var reported = try State.taken.task()
        #expect(reported.status == .taken && reported.takenBy == "anna" && reported.leaseUntil == Self.later)
        try reported.apply(.reported)
        #expect(reported.status == .done && reported.takenBy == "anna" && reported.leaseUntil == nil)
        var returned = try State.taken.task()
        try returned.apply(.unreported(retryAt: Self.later))
        #expect(returned.status == .pending && returned.takenBy == nil && returned.dueAt == Self.later)
        #expect(returned.settledAttempts == returned.attempts, "the next hand-out is a new attempt")
    }

    @Test func aQueuedCallIsReroutedOrTakenAndThenForgetsItsQueue() throws {
        var queued = try State.queuedForRepresentative.task()
        #expect(queued.status == .done && queued.queuedFor == "anna")
        try queued.apply(.rerouted(dueAt: Self.later))
        #expect(queued.status == .pending && queued.dueAt == Self.later && queued.queuedFor == nil)
        #expect(queued.closedReason == nil && queued.leaseUntil == nil)
        #expect(queued.settledAttempts == queued.attempts, "the next hand-out is a new attempt")
        #expect(!queued.allows(.rerouted(dueAt: Self.later)), "a pending task has nothing queued")
        var taken = try State.queued.task()
        try taken.apply(.taken(by: "anna", outcomeDue: Self.later))
        #expect(taken.queuedFor == nil && taken.takenBy == "anna")
        var expired = try State.queued.task()
        try expired.apply(.expired(retryAt: Self.later))
        #expect(expired.queuedFor == nil)
    }

    @Test func aRecallKeepsTheDueTimeAndARevivalTakesTheChannelReachableNow() throws {
        var inFlight = try State.inFlight.task()
        try inFlight.apply(.recalled)
        #expect(inFlight.status == .pending && inFlight.dueAt == Self.now && inFlight.settledAttempts == 1)
        var steppedBack = try State.steppedBack.task()
        try steppedBack.apply(.revived(dueAt: Self.later, channel: .sms))
        #expect(steppedBack.status == .pending && steppedBack.channel == .sms && steppedBack.closedReason == nil)
    }

    @Test func closedReasonsRoundTripThroughTheirSpelling() {
        let reasons: [ClosedReason] = [
            .reachedRepresentative, .hold(.bereavement), .hold(.cease), .cease, .optOut, .suppressed(.contactHours),
            .suppressed(.unknownTimeZone), .replacedByPlan, .replacedByPromise, .promiseKept, .instalmentPaid,
            .promiseWithdrawn, .planWithdrawn, .paid, .planCompleted, .debtClosed, .debtRecalled, .debtNoLongerOpen,
            .unresolvable, .noDecision, .reportedLate, .outcomeCorrected,
        ]
        for reason in reasons { #expect(ClosedReason(reason.description) == reason, "\(reason)") }
        #expect(Set(reasons.map(\.description)).count == reasons.count, "no two reasons share a spelling")
        // What the policy suppressed for: a hold or an opt-out is the same reason as the event's.
        #expect(ClosedReason(suppressedBy: .hold(.bereavement)) == .hold(.bereavement))
        #expect(ClosedReason(suppressedBy: .optOut) == .optOut)
        #expect(ClosedReason(suppressedBy: nil).description == "suppress")
        #expect(ClosedReason.hold(.hardship).isStepBack && !ClosedReason.hold(.dispute).isStepBack)
        #expect(
            reasons.filter(\.isRevivable) == [
                .hold(.bereavement), .replacedByPromise, .promiseWithdrawn, .planWithdrawn,
            ])
    }
}
