import Doctor
import Domain
import Policy
import Store
import Testing

/// Invariant 1: every open debt is in progress, waits out a step back or a hold with no end, or ended legitimately.
@Suite struct NextStepTests {
    typealias Case = CaseBuilder

    // MARK: In progress

    @Test(arguments: [Case.State.planned, .handedOut, .queued(at: 1), .taken(at: 1), .redirected])
    func anOpenTaskIsProgress(state: Case.State) {
        var sound = Case()
        sound.task("first-call", .firstCall, state)
        #expect(sound.violations().isEmpty)
    }

    @Test func aReminderWaitingForItsOutcomeIsProgressEvenAfterTheLastCall() {
        var sound = Case()
        sound.task("notice", .firstNotice, .queued(at: 1), channel: .email)
        sound.task("call", .firstCall, .cancelled(.noDecision))
        #expect(sound.violations().isEmpty)
    }

    @Test func aSurveyIsNoNextStepForAnOpenDebt() {
        var survey = Case()
        survey.task("survey", .survey, .planned, channel: .email)
        #expect(survey.codes() == [.noNextStep])
    }

    // MARK: Legitimate ends

    @Test func aConversationEndsTheCadence() {
        var sound = Case()
        sound.task("first-call", .firstCall, .made(.noAnswer))
        sound.task("retry", .retryCall, .made(.conversation, at: 30), created: 20)
        #expect(sound.violations().isEmpty)
    }

    @Test(arguments: [
        ClosedReason.cease, .optOut, .suppressed(.unknownTimeZone), .hold(.dispute), .hold(.deceased),
    ])
    func aStopByThePersonTheLawOrThePolicyEndsIt(reason: ClosedReason) {
        var sound = Case()
        sound.task("notice", .firstNotice, .cancelled(reason), channel: .sms)
        sound.task("first-call", .firstCall, .cancelled(reason))
        #expect(sound.violations().isEmpty)
    }

    @Test(arguments: [HoldKind.cease, .dispute, .deceased])
    func aHoldWithNoEndStopsEverythingWhateverCameLast(kind: HoldKind) {
        var stopped = Case()
        stopped.task("first-call", .firstCall, .cancelled(.noDecision))
        stopped.hold(kind)
        #expect(stopped.violations().isEmpty)
        // A hold that ends is waited out by a task planned after it: with none, the lost call shows.
        var ending = Case()
        ending.task("first-call", .firstCall, .cancelled(.noDecision))
        ending.hold(kind, until: 40 * 24)
        #expect(ending.codes() == [.noNextStep])
        // Lifted, or about another debt, it stops nothing here.
        var other = Case()
        other.task("first-call", .firstCall, .cancelled(.noDecision))
        other.hold(kind, debt: "C-9")
        #expect(other.codes() == [.noNextStep])
    }

    @Test func aDeathWithARepresentativeOnFileStopsNothing() {
        var redirected = Case(representative: Representative(kind: "estate"))
        redirected.task("first-call", .firstCall, .made(.noAnswer))
        redirected.hold(.deceased)
        #expect(redirected.codes() == [.noNextStep])
    }

    @Test func anActivePlanIsWhatFollowsTheChasingItReplaced() {
        var plan = Case()
        plan.task("first-call", .firstCall, .cancelled(.replacedByPlan))
        plan.plan("E-PLAN", instalments: 2)
        #expect(plan.violations().isEmpty, "a backdated plan plans nothing ahead, and is in force")
        var withdrawn = Case()
        withdrawn.task("first-call", .firstCall, .cancelled(.replacedByPlan))
        withdrawn.plan("E-PLAN", instalments: 2, status: .withdrawn)
        #expect(withdrawn.codes() == [.noNextStep])
        var promise = Case()
        promise.task("first-call", .firstCall, .cancelled(.replacedByPromise))
        #expect(promise.codes() == [.noNextStep], "a promise plans its check; without it, nothing follows")
    }

    /// Found by the scheduler's seeded random runs: an unanswered call corrected to a conversation left its cancelled
    /// retry as the debt's last call, and a superseded one with no plan after it.
    @Test func aFollowUpOfACorrectedOutcomeGivesWayToTheCorrectedCall() {
        var corrected = Case()
        corrected.task("first-call", .firstCall, .made(.conversation))
        corrected.task("O-1/retry-call", .retryCall, .cancelled(.outcomeCorrected), created: 2)
        #expect(corrected.violations().isEmpty)
        // Corrected to another unanswered result, it is followed by the correction's retry.
        var unanswered = Case()
        unanswered.task("first-call", .firstCall, .made(.voicemail))
        unanswered.task("O-1/retry-call", .retryCall, .cancelled(.outcomeCorrected), created: 2)
        #expect(unanswered.codes() == [.noNextStep])
        unanswered.task("O-2/retry-call", .retryCall, .planned, created: 3)
        #expect(unanswered.violations().isEmpty)
    }

    // MARK: Leaks

    @Test func noCallEverPlannedIsALeak() {
        var empty = Case()
        #expect(empty.violations().map(\.detail) == ["open debt C-1: no call was ever planned about it"])
        empty.task("notice", .firstNotice, .made(.delivered), channel: .email)
        #expect(empty.codes() == [.noNextStep])
    }

    @Test(arguments: [ClosedReason.noDecision, .unresolvable, .paid, .debtNoLongerOpen])
    func aLastCallThatWasLostIsALeak(reason: ClosedReason) throws {
        var lost = Case()
        lost.task("notice", .firstNotice, .made(.delivered), channel: .email)
        lost.task("first-call", .firstCall, .cancelled(reason))
        let violation = try #require(lost.violations().first)
        #expect(violation.code == .noNextStep && violation.debtID == "C-1" && violation.taskIDs == ["first-call"])
        #expect(violation.detail.hasPrefix("open debt C-1 has nothing planned: its last call first-call (first-call) "))
        #expect(violation.detail.contains(reason.description))
    }

    @Test(arguments: [ContactResult.noAnswer, .voicemail, .notConnected])
    func aLastCallThatReachedNobodyNeedsACallAfterIt(result: ContactResult) {
        var alone = Case()
        alone.task("first-call", .firstCall, .made(result, at: 1))
        #expect(alone.codes() == [.noNextStep])
        #expect(alone.violations().first?.detail.contains("reached nobody (\(result.rawValue))") == true)
        // Its retry, planned in the same second, follows it.
        var followed = Case()
        followed.task("first-call", .firstCall, .made(result, at: 1))
        followed.task("retry", .retryCall, .made(.conversation, at: 5), created: 1)
        #expect(followed.violations().isEmpty)
        // Under an active plan, the plan's calls are what follows.
        var planned = Case()
        planned.task("1/missed-instalment", .missedInstalment, .made(result, at: 1))
        planned.task("2/missed-instalment", .missedInstalment, .cancelled(.instalmentPaid))
        planned.plan("E-PLAN", instalments: 2)
        #expect(planned.violations().isEmpty)
    }

    @Test func theLastCallsDecideNotTheEarlierOnes() {
        var sound = Case()
        sound.task("first-call", .firstCall, .cancelled(.noDecision))
        sound.task("follow-up", .followUpCall, .made(.conversation, at: 50), created: 48)
        #expect(sound.violations().isEmpty)
        var leak = Case()
        leak.task("first-call", .firstCall, .made(.conversation))
        leak.task("follow-up", .followUpCall, .cancelled(.noDecision), created: 48)
        #expect(leak.violations().first?.taskIDs == ["follow-up"])
    }

    // MARK: Step backs

    @Test func everyDebtWaitsOutAStepBackWhileItsGentleCallIsOpen() {
        var grief = Case(debts: ["C-1", "C-2"])
        grief.task("C-1/first-call", .firstCall, .cancelled(.hold(.bereavement)))
        grief.task("C-2/first-call", .firstCall, .cancelled(.hold(.bereavement)), debt: "C-2")
        grief.task("E-1/after-bereavement", .afterBereavement, .planned, created: 24)
        grief.hold(.bereavement, since: 24)
        #expect(grief.violations().isEmpty)
    }

    @Test func aStepBackEndsTheOtherDebtsOnceItsGentleCallWasMade() {
        var made = Case(debts: ["C-1", "C-2"])
        made.task("C-2/first-call", .firstCall, .cancelled(.hold(.bereavement)), debt: "C-2")
        made.task("E-1/after-bereavement", .afterBereavement, .made(.conversation, at: 40 * 24), created: 24)
        #expect(made.violations().isEmpty)
    }

    /// Seen in the simulator with two debts a debtor: the gentle call was about the debt that was paid, and the
    /// other debt was left with nothing.
    @Test func aStepBackWhoseGentleCallEndedWithAnotherDebtLeavesALeak() throws {
        var paid = Case(debts: ["C-1", "C-2"])
        paid.records.debts[0].status = .paid
        paid.task("C-2/first-call", .firstCall, .cancelled(.hold(.bereavement)), debt: "C-2")
        paid.task("E-1/after-bereavement", .afterBereavement, .cancelled(.paid), created: 24)
        let violation = try #require(paid.violations().first)
        #expect(violation.code == .noNextStep && violation.debtID == "C-2")
        #expect(
            violation.detail
                == "open debt C-2 has nothing planned: its last call C-2/first-call (first-call) was stopped for a "
                + "bereavement step back whose gentle call was never made (E-1/after-bereavement ended payment)")
    }

    /// uk-fca sets no period for hardship: a hardship with no end stops every contact, the gentle calls too (the
    /// policy closes them for the first hold it names, here the bereavement's).
    @Test func aStepBackWithNoEndUnderTheRulebookStopsEverything() {
        var endless = Case()
        endless.hold(.bereavement, since: 1)
        endless.hold(.hardship, since: 2)
        endless.task("first-call", .firstCall, .cancelled(.hold(.bereavement)))
        endless.task("E-1/after-bereavement", .afterBereavement, .cancelled(.hold(.hardship)), created: 1)
        endless.task("E-2/hardship-review", .hardshipReview, .cancelled(.hold(.bereavement)), created: 2)
        #expect(endless.violations(rulebook: Case.noHardshipPeriod).isEmpty)
        #expect(endless.codes(rulebook: Case.thirtyDays) == [.noNextStep], "with an end, its gentle call is due")
        #expect(endless.violations(rulebook: nil).isEmpty, "an unknown rulebook ends no hold")
    }

    @Test func closedDebtsNeedNothing() {
        var closed = Case(debts: ["C-1"])
        closed.records.debts[0].status = .recalled
        closed.task("first-call", .firstCall, .cancelled(.debtRecalled))
        #expect(closed.violations().isEmpty)
    }
}
