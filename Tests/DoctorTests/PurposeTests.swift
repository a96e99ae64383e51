import Doctor
import Domain
import Store
import Testing

/// Invariant 2: at most one open task per purpose per debt.
@Suite struct PurposeTests {
    typealias Case = CaseBuilder

    @Test(arguments: [Case.State.planned, .handedOut, .queued(at: 1), .taken(at: 1)])
    func aSecondFirstCallBesideAnOpenOneIsADuplicate(state: Case.State) throws {
        var twice = Case()
        twice.task("acme/P-1/first-call", .firstCall, state)
        twice.task("acme/P-2/first-call", .firstCall, .planned, created: 2)
        let violation = try #require(twice.violations().first)
        #expect(violation.code == .duplicateOpenPurpose && violation.debtID == "C-1")
        #expect(violation.taskIDs == ["acme/P-1/first-call", "acme/P-2/first-call"])
        #expect(violation.detail.hasPrefix("debt C-1 has 2 open first-call tasks: acme/P-1/first-call (first-call, "))
    }

    @Test func tasksOverOrAboutAnotherDebtAreNoDuplicates() {
        var sound = Case(debts: ["C-1", "C-2"])
        sound.task("O-1/retry-call", .retryCall, .made(.noAnswer))
        sound.task("O-2/retry-call", .retryCall, .cancelled(.replacedByPromise), created: 1)
        sound.task("O-3/retry-call", .retryCall, .planned, created: 2)
        sound.task("O-4/retry-call", .retryCall, .planned, debt: "C-2", created: 2)
        #expect(!sound.codes().contains(.duplicateOpenPurpose))
    }

    @Test func aPublishedReminderIsMadeButAQueuedCallIsStillToBeMade() {
        var reminders = Case()
        reminders.task("O-3/call-back-request", .callBackRequest, .queued(at: 1), channel: .sms)
        reminders.task("O-6/call-back-request", .callBackRequest, .planned, channel: .sms, created: 5)
        reminders.task("O-6/retry-call", .retryCall, .planned, created: 5)
        #expect(reminders.violations().isEmpty)
        var calls = Case()
        calls.task("O-3/retry-call", .retryCall, .queued(at: 1))
        calls.task("O-6/retry-call", .retryCall, .planned, created: 5)
        #expect(calls.codes() == [.duplicateOpenPurpose])
    }

    @Test func eachInstalmentHasItsOwnReminderAndCall() {
        var plan = Case()
        plan.plan("E-PLAN", instalments: 3)
        for number in 1...3 {
            plan.task("E-PLAN/\(number)/instalment-reminder", .instalmentReminder, .planned, channel: .sms)
            plan.task("E-PLAN/\(number)/missed-instalment", .missedInstalment, .planned)
        }
        #expect(plan.violations().isEmpty)
        // A second plan's first instalment beside the first plan's is a duplicate only per instalment: none here.
        plan.plan("E-PLAN-2", instalments: 1)
        plan.task("E-PLAN-2/1/missed-instalment", .missedInstalment, .planned)
        #expect(plan.violations().isEmpty)
    }
}
