import Doctor
import Domain
import Policy
import Store

/// Debtor D-1's records built by hand, task by task, in the states the store can hold; every instant counts from
/// `t0` (2026-12-01T00:00:00Z) in hours, and the case is checked 30 days later.
struct CaseBuilder {
    static let t0 = Instant(rfc3339: "2026-12-01T00:00:00Z")!
    static let now = hour(30 * 24)

    static func hour(_ hours: Int64) -> Instant { t0.adding(seconds: hours * 3600) }

    /// A rulebook that gives bereavements and hardship 30 days when no end is reported, as us-regf does.
    static let thirtyDays = rulebook(holdDurations: [.bereavement: 30, .hardship: 30])
    /// A rulebook that gives hardship no period, as uk-fca does: a hardship with no end stops every contact.
    static let noHardshipPeriod = rulebook(holdDurations: [.bereavement: 30])

    static func rulebook(holdDurations: [HoldKind: Int]) -> Rulebook {
        Rulebook(id: "test", title: "Test", contactHours: ContactHours(windows: [:]), holdDurations: holdDurations)
    }

    /// Where a task is.
    enum State: Equatable, Sendable {
        /// Pending.
        case planned
        /// In flight.
        case handedOut
        /// Published at this hour, its outcome not reported.
        case queued(at: Int64)
        /// Published at this hour and taken by a specialist.
        case taken(at: Int64)
        /// Published at this hour, reported with this result.
        case made(ContactResult, at: Int64 = 1)
        /// Published to the representative, not reported on yet.
        case redirected
        case cancelled(ClosedReason)
    }

    var records: DebtorRecords

    init(debts: [String] = ["C-1"], representative: Representative? = nil) {
        let debtor = DebtorRecord(
            id: "D-1", creditorID: "acme", rulebook: "test",
            contact: ContactDetails(name: "Test Person", language: "en"),
            timeZones: ["America/New_York"], representative: representative, createdAt: Self.t0)
        records = DebtorRecords(
            debtor: debtor,
            debts: debts.map {
                DebtRecord(
                    debtorID: "D-1", id: $0, placementID: "P-\($0)", amount: "100.00", currency: "USD",
                    dueDate: "2026-11-01")
            })
    }

    /// Adds a task created at hour `created`.
    mutating func task(
        _ id: String, _ purpose: Purpose, _ state: State, debt: String = "C-1", channel: Channel = .call,
        created: Int64 = 0
    ) {
        let status: TaskRecord.Status
        var reason: ClosedReason?
        var takenBy: String?
        var contact: (at: Int64, result: ContactResult)?
        switch state {
        case .planned: status = .pending
        case .handedOut: status = .inFlight
        case .queued(let at):
            status = .done
            contact = (at, .pending)
        case .taken(let at):
            status = .taken
            takenBy = "anna"
            contact = (at, .pending)
        case .made(let result, let at):
            status = .done
            contact = (at, result)
        case .redirected:
            status = .done
            reason = .reachedRepresentative
        case .cancelled(let why):
            status = .cancelled
            reason = why
        }
        records.tasks.append(
            TaskRecord(
                id: id, debtorID: "D-1", debtID: debt, channel: channel, purpose: purpose, status: status,
                dueAt: Self.hour(created), attempts: status == .pending ? 0 : 1, createdAt: Self.hour(created),
                closedReason: reason, takenBy: takenBy))
        if let contact {
            records.ledger.append(
                LedgerEntry(
                    taskID: id, debtorID: "D-1", debtID: debt, channel: channel, at: Self.hour(contact.at),
                    result: contact.result))
        }
    }

    mutating func hold(_ kind: HoldKind, since: Int64 = 0, until: Int64? = nil, debt: String? = nil) {
        records.holds.append(
            HoldRecord(
                id: "H-\(records.holds.count + 1)", debtorID: "D-1", debtID: debt, kind: kind, since: Self.hour(since),
                until: until.map(Self.hour)))
    }

    mutating func plan(_ id: String, debt: String = "C-1", instalments: Int, status: PlanRecord.Status = .active) {
        records.plans.append(
            PlanRecord(
                id: id, debtorID: "D-1", debtID: debt,
                instalments: (1...instalments).map { .init(amount: "10.00", dueDate: "2026-12-\(10 + $0)") },
                status: status, createdAt: Self.t0))
    }

    func violations(rulebook: Rulebook? = thirtyDays) -> [Violation] {
        InvariantCheck.violations(in: records, rulebook: rulebook, at: Self.now)
    }

    /// The codes found, in order.
    func codes(rulebook: Rulebook? = thirtyDays) -> [Violation.Code] { violations(rulebook: rulebook).map(\.code) }
}
