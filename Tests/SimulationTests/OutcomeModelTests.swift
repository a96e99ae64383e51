import Contract
import Domain
import Foundation
import Policy
import Simulation
import TactConfig
import Testing

@Suite struct OutcomeModelTests {
    typealias F = SimulationFixtures

    static func call(_ task: String, at: String = "2026-12-01T17:30:00Z", zones: [String] = ["Europe/Warsaw"])
        -> EmittedContact
    {
        EmittedContact(
            at: Instant(rfc3339: at)!, queue: "tact.calls.pool", type: "call", taskId: task, attempt: 1,
            debtorId: "D-1", debt: .init(id: "C-1", amount: "200.00", currency: "PLN", dueDate: "2026-11-01"),
            channel: .call, purpose: "first-call", validUntil: nil, redirected: false, timeZones: zones,
            language: "pl", specialistId: nil, body: [])
    }

    /// The sample file spells out the built-in figures, as it says.
    @Test func theSampleFileIsTheStandardModel() throws {
        #expect(try OutcomeParameters.load(file: F.sampleOutcomes) == .standard)
        #expect(try OutcomeParameters.decode(yaml: "", file: "empty.yaml") == .standard)
    }

    @Test func responsesDependOnTheSeedAndTheContactOnly() {
        let model = OutcomeModel(seed: 42)
        let contacts = (0..<200).map { Self.call("T-\($0)") }
        let first = contacts.map(model.respond)
        #expect(contacts.map(model.respond) == first)
        #expect(contacts.reversed().map(model.respond) == first.reversed())
        #expect(contacts.map(OutcomeModel(seed: 43).respond) != first)
    }

    /// Answer rates follow the debtor's local hour: 18:30 in Warsaw is in the 30% band, 11:30 in the 12% band.
    @Test func answerRatesFollowTheLocalHourBands() {
        var parameters = OutcomeParameters.standard
        parameters.channels[.call]!.notConnected = 0
        parameters.channels[.call]!.givenBack = 0
        let model = OutcomeModel(parameters: parameters, seed: 9)
        func answered(at time: String) -> Double {
            let responses = (0..<4000).map { model.respond(to: Self.call("T-\($0)", at: time)) }
            let talks = responses.filter {
                if case .outcome(let result, _) = $0.action {
                    return result == .conversation || result == .promiseToPay
                }
                return false
            }
            return Double(talks.count) / Double(responses.count)
        }
        // The delay (up to two hours) can carry a dial into the next band; the shares still differ clearly.
        #expect(abs(answered(at: "2026-12-01T16:30:00Z") - 0.30) < 0.04)
        #expect(abs(answered(at: "2026-12-01T10:00:00Z") - 0.12) < 0.03)
    }

    /// A kept promise pays on the promised day in the debtor's zone, and the amount is a valid share of the debt.
    @Test func aKeptPromisePaysOnThePromisedDay() throws {
        var parameters = OutcomeParameters.standard
        parameters.channels[.call] = .init(otherwise: 1, delay: .init(min: 60, max: 60))
        parameters.conversation.dispute = 0
        parameters.conversation.promise = 1
        parameters.conversation.keep = 1
        let response = OutcomeModel(parameters: parameters, seed: 1).respond(
            to: Self.call("T-1", zones: ["Asia/Tokyo"]))
        guard case .outcome(.promiseToPay, let promise?) = response.action else {
            Issue.record("expected a promise, got \(response.action)")
            return
        }
        let payment = try #require(response.events.first)
        #expect(payment.kind == .payment && payment.debtId == "C-1" && payment.cause == "promise-kept")
        #expect(LocalDay.describe(payment.at, inZone: "Asia/Tokyo").split(separator: " ")[1] == promise.date[...])
        let amount = try #require(Double(promise.amount))
        #expect(amount >= 50 && amount <= 200)
        #expect(throws: Never.self) {
            try Outcome(
                outcomeId: "O-1", taskId: "T-1", debtorId: "D-1", debtId: "C-1", channel: .call, at: F.start,
                result: .promiseToPay, promise: promise
            ).validate()
        }
    }

    @Test func dailyEventsNeedAnOpenDebtAndStayWithinTheDay() {
        var parameters = OutcomeParameters.standard
        parameters.daily = [.payment: 1, .optOut: 1, .dispute: 1]
        parameters.disputes.resolved = 1
        let model = OutcomeModel(parameters: parameters, seed: 3)
        let day = SimulationDay(index: 4, start: F.days(4), end: F.days(5))
        let debtor = SimulatedDebtor(
            id: "D-1", timeZones: [], specialistId: nil,
            openDebts: [.init(id: "C-1", amount: "10.00", currency: "PLN", dueDate: "2026-11-01")])
        let events = model.events(of: debtor, on: day)
        let kinds: Set<LifeEvent.Kind> = [.payment, .optOut, .dispute, .disputeResolved]
        #expect(Set(events.map(\.kind)) == kinds)
        #expect(events.filter { $0.kind != .disputeResolved }.allSatisfy { $0.at >= day.start && $0.at < day.end })
        #expect(events.first { $0.kind == .payment }?.debtId == "C-1")
        let optOut = events.first { $0.kind == .optOut }?.channel
        #expect(optOut == .sms || optOut == .email)
        #expect(model.events(of: debtor, on: day) == events)
    }

    /// Each mistake is refused with the file, the field and the problem.
    static let badFiles: [(yaml: String, field: String, problem: String)] = [
        ("channels:\n  fax: {}\n", "channels.fax", "unknown field"),
        ("channels:\n  call:\n    voicemail: 1.5\n", "channels.call.voicemail", "probability between 0 and 1"),
        ("channels:\n  sms:\n    voicemail: 0.5\n", "channels.sms.voicemail", "unknown field"),
        (
            "channels:\n  call:\n    answer:\n      - {from: \"10:00\", to: \"12:00\", rate: 0.2}\n      - {from: \"11:00\", to: \"13:00\", rate: 0.2}\n",
            "channels.call.answer[1]", "must not overlap"
        ),
        (
            "channels:\n  call:\n    answer:\n      - {from: \"25:00\", to: \"26:00\", rate: 0.2}\n",
            "channels.call.answer[0].from", "local time"
        ),
        ("channels:\n  email:\n    delay: {min: 2h, max: 1h}\n", "channels.email.delay", "min must not exceed max"),
        ("channels:\n  email:\n    delay: {min: soon, max: 1h}\n", "channels.email.delay.min", "duration"),
        ("conversation:\n  promiseDays: {min: 0, max: 3}\n", "conversation.promiseDays", "whole numbers of days"),
        ("daily:\n  lottery: 0.1\n", "daily.lottery", "unknown field"),
        ("optOutChannels: [pigeon]\n", "optOutChannels[0]", "unknown channel"),
        ("daily:\n  opt-out: 0.1\noptOutChannels: []\n", "optOutChannels", "must name a channel"),
        ("- just\n- a list\n", "", "must be a mapping"),
    ]

    @Test(arguments: badFiles)
    func badFilesAreRefusedWithTheFieldNamed(yaml: String, field: String, problem: String) {
        #expect {
            _ = try OutcomeParameters.decode(yaml: yaml, file: "outcomes.yaml")
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.file == "outcomes.yaml" && error.field == field && error.problem.contains(problem)
                && error.code == .invalidContent
        }
    }

    @Test func malformedYAMLAndMissingFilesAreNamed() {
        #expect(throws: ConfigError.self) { try OutcomeParameters.decode(yaml: "channels: [unclosed", file: "x.yaml") }
        #expect {
            _ = try OutcomeParameters.load(file: URL(fileURLWithPath: "/nonexistent/outcomes.yaml"))
        } throws: { ($0 as? ConfigError)?.code == .notFound }
    }

    @Test func seededRandomIsReproducibleAndUniform() {
        var a = SeededRandom(seed: 1, "x", "y")
        var b = SeededRandom(seed: 1, "x", "y")
        let drawn = (0..<1000).map { _ in a.unit() }
        #expect(drawn == (0..<1000).map { _ in b.unit() })
        #expect(drawn.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(abs(drawn.reduce(0, +) / 1000 - 0.5) < 0.05)
        var c = SeededRandom(seed: 1, "xy", "")
        #expect(c.unit() != drawn[0])
        // SplitMix64's published first output for seed 0.
        var zero = SeededRandom(seed: 0)
        #expect(zero.next() == 0xE220_A839_7B1D_CDAF)
    }
}
