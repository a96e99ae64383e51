import Contract
import Domain
import Foundation
import Policy
import TactConfig

/// A seeded, reproducible ``ContactResponder``: calls answered at rates that depend on the debtor's local hour,
/// reminders delivered or failing, conversations that end in promises (kept or not), payments and disputes, and
/// life events that happen on their own with a daily probability.
///
/// Every draw comes from a stream of its own, named by the seed and the ids concerned (the task and attempt for
/// a contact, the debtor and day for life events), so the same seed gives the same run, and one more debtor in
/// the file does not change what happens to the others.
public struct OutcomeModel: ContactResponder {
    /// The rates and delays.
    public var parameters: OutcomeParameters
    /// Names every stream of draws; the same seed gives the same run.
    public var seed: UInt64

    public init(parameters: OutcomeParameters = .standard, seed: UInt64) {
        self.parameters = parameters
        self.seed = seed
    }

    /// A model read from a YAML file (see ``OutcomeParameters/load(file:)``).
    public init(file: URL, seed: UInt64) throws(ConfigError) {
        self.init(parameters: try OutcomeParameters.load(file: file), seed: seed)
    }

    /// A call: given back, not connected, answered by the local hour's rate (then a conversation, perhaps a
    /// promise), else voicemail or no answer. A reminder: delivered or failed, and perhaps a payment.
    public func respond(to contact: EmittedContact) -> ContactResponse {
        var random = SeededRandom(seed: seed, "contact", contact.taskId, String(contact.attempt))
        let model = parameters.channels[contact.channel] ?? OutcomeParameters.standard.channels[contact.channel]!
        let delay = random.integer(in: model.delay.min...model.delay.max)
        let at = contact.at.adding(seconds: delay)
        if random.chance(model.givenBack) { return ContactResponse(.giveBack, after: delay) }
        let zone = contact.timeZones.first ?? "UTC"
        let answered = random.chance(model.rate(at: ZoneClock.secondOfDay(at, zone)))
        guard contact.channel == .call else {
            guard random.chance(model.delivered) else { return ContactResponse(.outcome(.failed), after: delay) }
            let events = answered ? [payment(of: contact, after: at, random: &random, cause: "reminder")] : []
            return ContactResponse(.outcome(.delivered), after: delay, events: events)
        }
        if random.chance(model.notConnected) { return ContactResponse(.outcome(.notConnected), after: delay) }
        guard answered else {
            let result: Outcome.Result = random.chance(model.voicemail) ? .voicemail : .noAnswer
            return ContactResponse(.outcome(result), after: delay)
        }
        return conversation(contact, at: at, after: delay, zone: zone, random: &random)
    }

    private func conversation(
        _ contact: EmittedContact, at: Instant, after delay: Int64, zone: String, random: inout SeededRandom
    ) -> ContactResponse {
        let talk = parameters.conversation
        if random.chance(talk.dispute) {
            let dispute = PlannedEvent(
                at: at.adding(seconds: 60), debtorId: contact.debtorId, kind: .dispute, cause: "conversation")
            return ContactResponse(
                .outcome(.conversation), after: delay, events: [dispute] + resolution(of: dispute, random: &random))
        }
        if random.chance(talk.promise) {
            let days = Int(random.integer(in: Int64(talk.promiseDays.lowerBound)...Int64(talk.promiseDays.upperBound)))
            let date = ZoneClock.date(at, zone).adding(days: days)
            let share =
                talk.promiseShare.lowerBound + random.unit()
                * (talk.promiseShare.upperBound - talk.promiseShare.lowerBound)
            let promise = Outcome.Promise(
                amount: Self.amount(contact.debt.amount, share: share), date: date.description)
            guard random.chance(talk.keep) else {
                return ContactResponse(.outcome(.promiseToPay, promise: promise), after: delay)
            }
            // Paid some time on the promised day, in the debtor's zone.
            let dayStart = ZoneClock.start(of: date, zone)
            let dayLength =
                ZoneClock.start(of: date.adding(days: 1), zone).secondsSinceEpoch - dayStart.secondsSinceEpoch
            let paid = PlannedEvent(
                at: dayStart.adding(seconds: random.integer(in: 0...max(0, dayLength - 1))), debtorId: contact.debtorId,
                kind: .payment, debtId: contact.debt.id, cause: "promise-kept")
            return ContactResponse(.outcome(.promiseToPay, promise: promise), after: delay, events: [paid])
        }
        if random.chance(talk.payment) {
            return ContactResponse(
                .outcome(.conversation), after: delay,
                events: [payment(of: contact, after: at, random: &random, cause: "conversation")])
        }
        return ContactResponse(.outcome(.conversation), after: delay)
    }

    private func payment(
        of contact: EmittedContact, after at: Instant, random: inout SeededRandom, cause: String
    ) -> PlannedEvent {
        let delay = parameters.conversation.paymentIn
        return PlannedEvent(
            at: at.adding(seconds: random.integer(in: delay.min...delay.max)), debtorId: contact.debtorId,
            kind: .payment, debtId: contact.debt.id, cause: cause)
    }

    /// A dispute is resolved later, or stays open for the rest of the run.
    private func resolution(of dispute: PlannedEvent, random: inout SeededRandom) -> [PlannedEvent] {
        let disputes = parameters.disputes
        guard random.chance(disputes.resolved) else { return [] }
        let after = random.integer(in: disputes.resolvedIn.min...disputes.resolvedIn.max)
        return [
            PlannedEvent(
                at: dispute.at.adding(seconds: max(1, after)), debtorId: dispute.debtorId, kind: .disputeResolved,
                cause: "dispute-resolved")
        ]
    }

    /// Each daily kind with its probability, at a uniform instant of the day; disputes may be resolved later.
    public func events(of debtor: SimulatedDebtor, on day: SimulationDay) -> [PlannedEvent] {
        var random = SeededRandom(seed: seed, "day", debtor.id, String(day.index))
        var events: [PlannedEvent] = []
        let length = day.end.secondsSinceEpoch - day.start.secondsSinceEpoch
        for kind in OutcomeParameters.dailyKinds {
            // Always draw, so that one kind's probability does not move the others' draws.
            let draw = random.unit()
            let at = day.start.adding(seconds: random.integer(in: 0...max(0, length - 1)))
            guard let probability = parameters.daily[kind], draw < probability else { continue }
            var event = PlannedEvent(at: at, debtorId: debtor.id, kind: kind, cause: "daily")
            switch kind {
            case .payment:
                guard !debtor.openDebts.isEmpty else { continue }
                event.debtId = debtor.openDebts[Int(random.integer(in: 0...Int64(debtor.openDebts.count - 1)))].id
            case .optOut:
                guard !parameters.optOutChannels.isEmpty else { continue }
                let channels = parameters.optOutChannels
                event.channel = channels[Int(random.integer(in: 0...Int64(channels.count - 1)))]
            default:
                break
            }
            events.append(event)
            if kind == .dispute { events += resolution(of: event, random: &random) }
        }
        return events
    }

    /// `share` of a decimal amount, in cents, at least 1.00 (or the whole amount when smaller).
    static func amount(_ text: String, share: Double) -> String {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let whole = Int64(parts.first ?? "0") ?? 0
        let fraction = parts.count > 1 ? String(parts[1]).padding(toLength: 2, withPad: "0", startingAt: 0) : "00"
        let cents = whole * 100 + (Int64(fraction) ?? 0)
        let promised = min(cents, max(min(100, cents), Int64((Double(cents) * share).rounded())))
        return "\(promised / 100)." + String(format: "%02lld", promised % 100)
    }
}
