import Contract
import Domain
import Policy

/// The numbers of an ``OutcomeModel``: how often calls are answered (by the debtor's local hour), how reminders
/// fare, what conversations lead to, and how often life events happen. Every probability is in `0…1`; every
/// delay is in seconds. `Config/samples/outcomes.yaml` spells out each field.
public struct OutcomeParameters: Sendable, Equatable {
    /// A rate that applies from `from` to `to` (seconds after local midnight, `to` exclusive).
    public struct Band: Sendable, Equatable {
        public var from: Int
        public var to: Int
        public var rate: Double

        public init(from: Int, to: Int, rate: Double) {
            self.from = from
            self.to = to
            self.rate = rate
        }
    }

    /// A delay drawn uniformly from `min…max` seconds.
    public struct Delay: Sendable, Equatable {
        public var min: Int64
        public var max: Int64

        public init(min: Int64, max: Int64) {
            self.min = min
            self.max = max
        }
    }

    /// How one channel fares. For calls, `answer` is the chance the debtor picks up; for reminders, the chance a
    /// delivered reminder moves the debtor to pay (within ``Conversation/paymentIn``).
    public struct ChannelModel: Sendable, Equatable {
        /// By the debtor's local hour at the moment of the action (first time zone; UTC when unknown).
        public var answer: [Band]
        /// Where no band applies.
        public var otherwise: Double
        /// Reminders: delivered rather than failed. Calls: unused.
        public var delivered: Double
        /// Calls: share of unanswered calls that reach voicemail (the rest ring out).
        public var voicemail: Double
        /// Calls: never connected.
        public var notConnected: Double
        /// The consumer gives the contact back unworked (it returns to the scheduler as expired).
        public var givenBack: Double
        /// From emission to the outcome report.
        public var delay: Delay

        public init(
            answer: [Band] = [], otherwise: Double, delivered: Double = 1, voicemail: Double = 0,
            notConnected: Double = 0, givenBack: Double = 0, delay: Delay
        ) {
            self.answer = answer
            self.otherwise = otherwise
            self.delivered = delivered
            self.voicemail = voicemail
            self.notConnected = notConnected
            self.givenBack = givenBack
            self.delay = delay
        }

        /// The answer rate at `secondOfDay`.
        func rate(at secondOfDay: Int) -> Double {
            answer.first { $0.from <= secondOfDay && secondOfDay < $0.to }?.rate ?? otherwise
        }
    }

    /// What a conversation leads to.
    public struct Conversation: Sendable, Equatable {
        /// Ends in a promise to pay.
        public var promise: Double
        /// Days from the conversation to the promised date.
        public var promiseDays: ClosedRange<Int>
        /// Share of the debt promised.
        public var promiseShare: ClosedRange<Double>
        /// A promise is kept: a payment on or before the promised date.
        public var keep: Double
        /// Pays without promising.
        public var payment: Double
        public var paymentIn: Delay
        /// Ends in a dispute.
        public var dispute: Double

        public init(
            promise: Double, promiseDays: ClosedRange<Int>, promiseShare: ClosedRange<Double>, keep: Double,
            payment: Double, paymentIn: Delay, dispute: Double
        ) {
            self.promise = promise
            self.promiseDays = promiseDays
            self.promiseShare = promiseShare
            self.keep = keep
            self.payment = payment
            self.paymentIn = paymentIn
            self.dispute = dispute
        }
    }

    /// Disputes, however they start, may be resolved later.
    public struct Disputes: Sendable, Equatable {
        public var resolved: Double
        public var resolvedIn: Delay

        public init(resolved: Double, resolvedIn: Delay) {
            self.resolved = resolved
            self.resolvedIn = resolvedIn
        }
    }

    public var channels: [Channel: ChannelModel]
    public var conversation: Conversation
    public var disputes: Disputes
    /// Chance per day, for a debtor with an open debt, of each event happening on its own.
    public var daily: [LifeEvent.Kind: Double]
    /// Channels a daily opt-out picks from.
    public var optOutChannels: [Channel]

    /// Event kinds a model may make happen daily: those that need nothing but a debtor (and a debt for payments).
    public static let dailyKinds: [LifeEvent.Kind] = [
        .bereavement, .hardship, .breathingSpace, .dispute, .cease, .optOut, .payment,
    ]

    public init(
        channels: [Channel: ChannelModel], conversation: Conversation, disputes: Disputes,
        daily: [LifeEvent.Kind: Double], optOutChannels: [Channel]
    ) {
        self.channels = channels
        self.conversation = conversation
        self.disputes = disputes
        self.daily = daily
        self.optOutChannels = optOutChannels
    }

    /// Plausible figures, the same as `Config/samples/outcomes.yaml`: what a file leaves out takes these values.
    public static let standard = OutcomeParameters(
        channels: [
            .call: ChannelModel(
                answer: [
                    Band(from: 8 * 3600, to: 10 * 3600, rate: 0.22), Band(from: 10 * 3600, to: 17 * 3600, rate: 0.12),
                    Band(from: 17 * 3600, to: 21 * 3600, rate: 0.30),
                ], otherwise: 0.08, voicemail: 0.45, notConnected: 0.03, givenBack: 0.02,
                delay: Delay(min: 120, max: 7_200)),
            .sms: ChannelModel(otherwise: 0.03, delivered: 0.97, delay: Delay(min: 5, max: 300)),
            .email: ChannelModel(otherwise: 0.02, delivered: 0.93, delay: Delay(min: 60, max: 3_600)),
            .letter: ChannelModel(otherwise: 0.04, delivered: 0.99, delay: Delay(min: 2 * 86_400, max: 4 * 86_400)),
        ],
        conversation: Conversation(
            promise: 0.40, promiseDays: 2...14, promiseShare: 0.25...1.0, keep: 0.65, payment: 0.10,
            paymentIn: Delay(min: 3_600, max: 7 * 86_400), dispute: 0.04),
        disputes: Disputes(resolved: 0.6, resolvedIn: Delay(min: 5 * 86_400, max: 21 * 86_400)),
        daily: [
            .bereavement: 0.0004, .hardship: 0.0015, .breathingSpace: 0.0003, .dispute: 0.0008, .cease: 0.0002,
            .optOut: 0.0015, .payment: 0.004,
        ],
        optOutChannels: [.sms, .email])
}
