import Domain
import Policy
import Store

/// Checks every case of a store (``InvariantCheck``), a page of debtors at a time: each page is read in a snapshot
/// of its own and let go before the next, so a store of any size is walked in little memory, and a scheduler writing
/// beside it is held back by no long-lived read. Each debtor is checked on records that agree with each other; the
/// walk as a whole is not one snapshot, and a debtor placed behind it meanwhile is left for the next checkup.
public enum StoreCheckup {
    /// What a checkup covered and found.
    public struct Summary: Sendable, Equatable {
        public var debtors = 0
        public var openDebts = 0
        /// Violations found, by invariant.
        public var counts: [Violation.Code: Int] = [:]

        public init(debtors: Int = 0, openDebts: Int = 0, counts: [Violation.Code: Int] = [:]) {
            self.debtors = debtors
            self.openDebts = openDebts
            self.counts = counts
        }

        /// Violations found in all.
        public var violations: Int { counts.values.reduce(0, +) }
    }

    /// Debtors read per snapshot.
    public static let defaultPageSize = 500

    /// Walks every debtor in id order, handing each violation found to `found` as its page is checked.
    ///
    /// - Parameter rulebooks: every configured rulebook by id (a debtor's ends the holds reported without an end).
    public static func run(
        _ store: some InspectableStore, rulebooks: [String: Rulebook], at now: Instant,
        pageSize: Int = defaultPageSize, found: (Violation) throws -> Void
    ) async throws -> Summary {
        let limit = max(pageSize, 1)
        var summary = Summary()
        var after: String?
        while true {
            let cursor = after
            let page = try await store.inspect { store in
                let cases = try store.debtorRecords(after: cursor, limit: limit)
                return Page(
                    last: cases.last?.debtor.id, debtors: cases.count,
                    openDebts: cases.reduce(0) { $0 + $1.debts.filter { $0.status == .open }.count },
                    violations: cases.flatMap {
                        InvariantCheck.violations(in: $0, rulebook: rulebooks[$0.debtor.rulebook], at: now)
                    })
            }
            summary.debtors += page.debtors
            summary.openDebts += page.openDebts
            for violation in page.violations {
                summary.counts[violation.code, default: 0] += 1
                try found(violation)
            }
            guard let last = page.last, page.debtors == limit else { return summary }
            after = last
        }
    }

    /// Every violation of the store, with the summary: for tests and small stores.
    public static func collect(
        _ store: some InspectableStore, rulebooks: [String: Rulebook], at now: Instant,
        pageSize: Int = defaultPageSize
    ) async throws -> (violations: [Violation], summary: Summary) {
        var violations: [Violation] = []
        let summary = try await run(store, rulebooks: rulebooks, at: now, pageSize: pageSize) {
            violations.append($0)
        }
        return (violations, summary)
    }

    private struct Page: Sendable {
        var last: String?
        var debtors: Int
        var openDebts: Int
        var violations: [Violation]
    }
}
