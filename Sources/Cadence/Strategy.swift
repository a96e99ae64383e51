import Domain

/// A cadence strategy: what Tact plans after each situation (`Config/strategies/*.yaml`). Where the rulebook says
/// when contact is *permitted*, the strategy says what contact is *wanted*; every contact it plans still goes
/// through the policy.
public struct Strategy: Sendable, Equatable, Codable {
    public var id: String
    public var title: String
    /// How calls are suggested to sound: `standard`, or `gentle` throughout.
    public var tone: String
    public var placement: Placement
    public var unansweredCalls: UnansweredCalls
    public var promise: Promise
    public var plan: Plan
    public var closing: Closing
    /// Call priorities by purpose, 0 (lowest) to 9: urgent work first in a specialist's queue.
    public var priorities: [String: Int]

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case id, title, tone, placement, unansweredCalls, promise, plan, closing, priorities
    }

    public struct Placement: Sendable, Equatable, Codable {
        /// The first notice goes on the first of these the debtor can be reached on (and has not opted out of).
        public var noticeChannels: [Channel]

        private enum CodingKeys: String, CodingKey, CaseIterable { case noticeChannels }
    }

    public struct UnansweredCalls: Sendable, Equatable, Codable {
        /// Days until the next attempt (1: the next local day; the policy picks the permitted moment).
        public var retryAfterDays: Int
        /// Unanswered calls in a row after which the debtor gets a message asking them to call back.
        public var nudgeAfter: Int
        public var nudgeChannels: [Channel]
        /// Days without calls after that message.
        public var pauseDays: Int

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case retryAfterDays, nudgeAfter, nudgeChannels, pauseDays
        }
    }

    public struct Promise: Sendable, Equatable, Codable {
        /// Days before the promised date that a reminder goes out.
        public var reminderDaysBefore: Int
        public var reminderChannels: [Channel]
        /// How far ahead a promised date may be, in days from the debtor's today (``defaultHorizonDays`` when the
        /// file leaves it out): a promise further out is refused.
        public var maxDaysAhead: Int?
        /// Days ahead a promise may be dated when the strategy does not say.
        public static let defaultHorizonDays = 90
        /// ``maxDaysAhead``, or the default.
        public var horizonDays: Int { maxDaysAhead ?? Self.defaultHorizonDays }

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case reminderDaysBefore, reminderChannels, maxDaysAhead
        }
    }

    public struct Plan: Sendable, Equatable, Codable {
        /// Days before each instalment that a reminder goes out.
        public var reminderDaysBefore: Int
        public var reminderChannels: [Channel]
        /// Days after a missed instalment's due date that the (gentle) call is planned.
        public var missedCallAfterDays: Int

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case reminderDaysBefore, reminderChannels, missedCallAfterDays
        }
    }

    public struct Closing: Sendable, Equatable, Codable {
        /// Days after a debt is paid or closed that the survey goes out.
        public var surveyAfterDays: Int
        public var surveyChannels: [Channel]

        private enum CodingKeys: String, CodingKey, CaseIterable { case surveyAfterDays, surveyChannels }
    }

    /// The purposes a strategy plans, as they appear in tasks, calls and reminders.
    public typealias Purpose = Domain.Purpose

    /// The queue priority of a call with `purpose` (0 when the strategy names none).
    public func priority(of purpose: Purpose) -> Int { priorities[purpose.rawValue] ?? 0 }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        title = try c.decode(String.self, forKey: .title)
        tone = try c.decode(String.self, forKey: .tone)
        placement = try c.decode(Placement.self, forKey: .placement)
        unansweredCalls = try c.decode(UnansweredCalls.self, forKey: .unansweredCalls)
        promise = try c.decode(Promise.self, forKey: .promise)
        plan = try c.decode(Plan.self, forKey: .plan)
        closing = try c.decode(Closing.self, forKey: .closing)
        priorities = try c.decode([String: Int].self, forKey: .priorities)
        if let problem = validate() {
            throw PolicyError.decoding(.invalidValue, problem.problem, at: [FieldKey(problem.field)])
        }
    }

    /// The first problem found, with the field it is in.
    public func validate() -> (field: String, problem: String)? {
        func days(_ value: Int) -> Bool { (0...365).contains(value) }
        func reminders(_ channels: [Channel]) -> Bool { !channels.isEmpty && !channels.contains(.call) }
        if id.wholeMatch(of: /[a-z0-9][a-z0-9-]*/) == nil { return ("id", "must be kebab-case") }
        if !["standard", "gentle"].contains(tone) { return ("tone", "must be standard or gentle") }
        if !reminders(placement.noticeChannels) { return ("placement.noticeChannels", "name reminder channels") }
        let u = unansweredCalls
        if !(1...365).contains(u.retryAfterDays) { return ("unansweredCalls.retryAfterDays", "must be 1…365") }
        if !(1...20).contains(u.nudgeAfter) { return ("unansweredCalls.nudgeAfter", "must be 1…20") }
        if !reminders(u.nudgeChannels) { return ("unansweredCalls.nudgeChannels", "name reminder channels") }
        if !days(u.pauseDays) { return ("unansweredCalls.pauseDays", "must be 0…365") }
        if !days(promise.reminderDaysBefore) { return ("promise.reminderDaysBefore", "must be 0…365") }
        if !reminders(promise.reminderChannels) { return ("promise.reminderChannels", "name reminder channels") }
        if !(1...366).contains(promise.horizonDays) { return ("promise.maxDaysAhead", "must be 1…366") }
        if !days(plan.reminderDaysBefore) { return ("plan.reminderDaysBefore", "must be 0…365") }
        if !reminders(plan.reminderChannels) { return ("plan.reminderChannels", "name reminder channels") }
        if !(1...365).contains(plan.missedCallAfterDays) { return ("plan.missedCallAfterDays", "must be 1…365") }
        if !days(closing.surveyAfterDays) { return ("closing.surveyAfterDays", "must be 0…365") }
        if !reminders(closing.surveyChannels) || closing.surveyChannels.contains(.letter) {
            return ("closing.surveyChannels", "name digital channels (sms, email)")
        }
        for (purpose, value) in priorities.sorted(by: { $0.key < $1.key }) {
            guard let called = Purpose(rawValue: purpose), Purpose.calls.contains(called) else {
                return (
                    "priorities.\(purpose)",
                    "unknown call purpose; expected one of \(Purpose.calls.map(\.rawValue).joined(separator: ", "))"
                )
            }
            guard (0...9).contains(value) else { return ("priorities.\(purpose)", "must be 0…9") }
        }
        return nil
    }
}

extension Purpose {
    /// Calls that chase the debt itself; a promise or a plan replaces them.
    public static let chasing: Set<Purpose> = [.firstCall, .retryCall, .followUpCall]

    /// Calls, in the order the issue ranks them (most urgent first).
    public static let calls: [Purpose] = [
        .brokenPromise, .afterBereavement, .hardshipReview, .missedInstalment, .firstCall, .followUpCall, .retryCall,
    ]
}
