import Cadence
import Contract
import Domain
import Foundation
import Policy
import Store
import TactConfig

@testable import SchedulerCore

/// Builders for the scheduler's tests: fixed instants, a fresh in-memory store per test.
enum Fixtures {
    /// Tuesday 2026-12-01 15:00 UTC (10:00 in New York, 16:00 in Warsaw).
    static let now = Instant(rfc3339: "2026-12-01T15:00:00Z")!

    static func instant(_ text: String) -> Instant { Instant(rfc3339: text)! }

    /// A worker's decision about `task` as a worker would send it: an allow carries its contact, a call to the
    /// task's specialist or a reminder on the task's channel.
    static func decision(
        _ task: WorkTask, _ kind: PolicyDecision.Kind, earliest: Instant? = nil, attempt: Int? = nil,
        at: Instant = now, worker: String = "test"
    ) -> TaskDecision {
        let topology = TactTopology()
        let attempt = attempt ?? task.attempt
        let contact =
            task.channel == .call
            ? ProposedContact(
                queue: topology.callQueue(specialist: task.specialistId),
                call: Call(
                    taskId: task.taskId, creditorId: task.creditorId, debtorId: task.debtor.id, debtId: task.debt.id,
                    phone: task.delivery.phone,
                    purpose: task.purpose, validUntil: nil,
                    context: CallContext(
                        name: task.delivery.name, language: "en", debt: task.debt, recentContacts: [], holds: [],
                        tone: "standard"),
                    attempt: attempt),
                expiresAt: nil, priority: nil)
            : ProposedContact(
                queue: topology.reminderQueue(task.channel),
                reminder: Reminder(
                    taskId: task.taskId, creditorId: task.creditorId, debtorId: task.debtor.id, debtId: task.debt.id,
                    channel: task.channel,
                    to: "p@example.com", template: task.purpose, language: "en", validUntil: nil, attempt: attempt),
                expiresAt: nil)
        return TaskDecision(
            taskId: task.taskId, attempt: attempt, debtorId: task.debtor.id, decidedAt: at,
            decision: PolicyDecision(
                decision: kind, earliest: earliest,
                reasons: kind == .allow ? [] : [.init(rule: .contactHours, until: earliest, detail: "test")]),
            contact: kind == .allow ? contact : nil, worker: worker)
    }

    static let rulebooks: [String: Rulebook] = {
        var books: [String: Rulebook] = [:]
        let directory = ConfigDirectory(url: Self.configURL)
        for name in ["us-regf", "pl-respectful", "uk-fca"] {
            books[name] = try! RulebookLoader(directory: directory).load(name)
        }
        return books
    }()

    static let strategies: [String: Strategy] = try! StrategyLoader(directory: ConfigDirectory(url: configURL))
        .loadAll()

    static let configURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Config")

    /// The shipped rulebooks without Regulation F's validation notice: the cadence tests name every task a case
    /// has, and the notice (planned after the first conversation) is ``SchedulerValidationNoticeTests``' concern and
    /// the random runs'.
    static let rulebooksWithoutValidationNotices = rulebooks.mapValues { rulebook in
        var rulebook = rulebook
        rulebook.validationNotice = nil
        return rulebook
    }

    /// - Parameter validationNotices: with the shipped rulebooks as they are (Regulation F's validation notice).
    static func core(
        validationNotices: Bool = false, _ adjust: (inout ServiceConfiguration) -> Void = { _ in }
    ) -> SchedulerCore {
        var configuration = ServiceConfiguration()
        configuration.creditorRulebooks = ["polbank": "pl-respectful"]
        configuration.scheduler.leaseSeconds = 60
        configuration.scheduler.maxAttempts = 3
        configuration.scheduler.dispatchBatch = 100
        configuration.specialists.roster = ["anna", "bob", "carol"]
        adjust(&configuration)
        return SchedulerCore(
            configuration: configuration,
            rulebooks: validationNotices ? rulebooks : rulebooksWithoutValidationNotices, strategies: strategies)
    }

    static func placement(
        _ id: String = "P-1", creditor: String = "acme", debtor: String = "D-1", debt: String = "C-1",
        zones: [String] = ["America/New_York"], email: String? = "d@example.com", sms: String? = nil,
        address: String? = nil, specialist: String? = nil, rulebook: String? = nil
    ) -> Placement {
        Placement(
            placementId: id, creditorId: creditor, rulebook: rulebook, specialistId: specialist,
            debtor: .init(
                id: debtor, name: "Test Person", timeZones: zones, phone: "+15550100", sms: sms, email: email,
                address: address, language: "en"),
            debt: .init(id: debt, amount: "120.50", currency: "USD", dueDate: "2026-11-01"))
    }

    static func event(
        _ id: String, debtor: String = "D-1", debt: String? = nil, _ kind: LifeEvent.Kind, at: Instant = now,
        channel: Channel? = nil, until: Instant? = nil, representative: Representative? = nil
    ) -> LifeEvent {
        LifeEvent(
            eventId: id, debtorId: debtor, debtId: debt, kind: kind, at: at, channel: channel, until: until,
            representative: representative)
    }
}

extension SchedulerCore {
    /// Applies inputs one by one in separate transactions, as the service's batches would.
    @discardableResult
    func apply(_ inputs: [SchedulerInput], at now: Instant = Fixtures.now, to store: SQLiteStore) async throws
        -> [Applied]
    {
        var results: [Applied] = []
        for input in inputs {
            results.append(try await store.write { try self.apply(input, at: now, in: $0) })
        }
        return results
    }

    func dispatch(at now: Instant, to store: SQLiteStore) async throws -> Int {
        try await store.write { try self.dispatch(at: now, in: $0).handedOut }
    }
}

extension SQLiteStore {
    func tasks(_ debtor: String = "acme/D-1", _ statuses: Set<TaskRecord.Status> = []) async throws -> [TaskRecord] {
        try await read { try $0.tasks(ofDebtor: debtor, statuses: statuses) }
    }

    func outboxMessages() async throws -> [OutboxMessage] { try await read { try $0.outbox(limit: 10_000) } }

    /// The task messages waiting in the outbox, decoded.
    func workTasks() async throws -> [WorkTask] {
        try await outboxMessages().filter { $0.type == "task" }.map {
            try MessageCoding.decode(WorkTask.self, from: $0.body)
        }
    }
}
