import Doctor
import Domain
import Store
import Testing

/// Invariant 3: a step back (bereavement, hardship) leaves its one gentle call and nothing else open.
@Suite struct StepBackTests {
    typealias Case = CaseBuilder

    /// The first call stopped for the bereavement, the gentle call planned for when it ends.
    static func bereaved() -> Case {
        var grief = Case()
        grief.hold(.bereavement, since: 10)
        grief.task("acme/P-1/first-call", .firstCall, .cancelled(.hold(.bereavement)))
        grief.task("E-1/after-bereavement", .afterBereavement, .planned, created: 10)
        return grief
    }

    @Test func theGentleCallAloneIsSound() {
        #expect(Self.bereaved().violations().isEmpty)
    }

    @Test(arguments: [Case.State.planned, .handedOut])
    func anyOtherTaskPlannedMeanwhileLeaks(state: Case.State) throws {
        var leak = Self.bereaved()
        leak.task("E-PLAN/1/missed-instalment", .missedInstalment, state, created: 12)
        let violation = try #require(leak.violations().first)
        #expect(violation.code == .stepBackLeak)
        #expect(violation.taskIDs == ["E-PLAN/1/missed-instalment", "E-1/after-bereavement"])
        #expect(
            violation.detail
                == "task E-PLAN/1/missed-instalment (missed-instalment, \(state == .planned ? "planned" : "handed out")) "
                + "is open during the bereavement step back whose gentle call is E-1/after-bereavement")
    }

    /// Issue 11: the first call waiting in a queue when the bereavement came is on its way back, and the scheduler
    /// closes it then; one published after the step back began is a leak.
    @Test(arguments: [Case.State.queued(at: 5), .taken(at: 5)])
    func aContactPublishedBeforeTheStepBackIsOnItsWayBack(state: Case.State) {
        var returning = Case()
        returning.hold(.bereavement, since: 10)
        returning.task("acme/P-1/first-call", .firstCall, state)
        returning.task("E-1/after-bereavement", .afterBereavement, .planned, created: 10)
        #expect(returning.violations().isEmpty)
    }

    @Test(arguments: [Case.State.queued(at: 11), .taken(at: 11)])
    func aContactPublishedAfterTheStepBackBeganLeaks(state: Case.State) {
        var leak = Case()
        leak.hold(.hardship, since: 10)
        leak.task("acme/P-1/first-call", .firstCall, state)
        leak.task("E-1/hardship-review", .hardshipReview, .planned, created: 10)
        #expect(leak.codes() == [.stepBackLeak])
    }

    @Test func aSurveyAndTasksOverDoNotLeak() {
        var sound = Self.bereaved()
        sound.records.debts.append(
            DebtRecord(
                debtorID: "D-1", id: "C-2", placementID: "P-2", amount: "1.00", currency: "USD", dueDate: "2026-11-01",
                status: .paid))
        sound.task("D-1/C-2/survey", .survey, .planned, debt: "C-2", channel: .email, created: 12)
        sound.task("acme/P-2/first-call", .firstCall, .cancelled(.paid), debt: "C-2")
        #expect(sound.violations().isEmpty)
    }

    @Test func onceTheGentleCallWasMadeTheCadenceResumes() {
        var after = Case()
        after.task("E-1/after-bereavement", .afterBereavement, .made(.noAnswer, at: 30 * 24), created: 10)
        after.task("O-1/retry-call", .retryCall, .planned, created: 30 * 24)
        #expect(after.violations().isEmpty)
    }

    /// Seen in the simulator: a bereavement reported twice planned a second gentle call beside the first.
    @Test func twoGentleCallsOpenAreOneTooMany() throws {
        var twice = Self.bereaved()
        twice.hold(.bereavement, since: 20)
        twice.task("E-2/after-bereavement", .afterBereavement, .planned, created: 20)
        let violations = twice.violations()
        #expect(violations.map(\.code) == [.twoGentleCalls], "counted per debtor, not again per purpose")
        let violation = try #require(violations.first)
        #expect(violation.taskIDs == ["E-1/after-bereavement", "E-2/after-bereavement"])
        #expect(violation.debtID == nil)
        #expect(
            violation.detail == "debtor D-1 has 2 open gentle calls: E-1/after-bereavement (after-bereavement, "
                + "planned), E-2/after-bereavement (after-bereavement, planned)")
        // One made and one planned is sound: the second step back came after the first was over.
        var sequential = Self.bereaved()
        sequential.records.tasks[1] = TaskRecord(
            id: "E-1/after-bereavement", debtorID: "D-1", debtID: "C-1", channel: .call, purpose: .afterBereavement,
            status: .cancelled, dueAt: Case.hour(10), createdAt: Case.hour(10), closedReason: .hold(.hardship))
        sequential.task("E-2/hardship-review", .hardshipReview, .queued(at: 30 * 24), created: 20)
        #expect(sequential.violations().isEmpty)
    }
}
