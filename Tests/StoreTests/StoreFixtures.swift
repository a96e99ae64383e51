import Domain
import Foundation
import Policy
import Testing

@testable import Store

/// Fixed instants: no test reads the clock. `t0` is 2026-12-01T00:00:00Z.
let t0 = Instant(secondsSinceEpoch: 1_796_083_200)

func at(_ seconds: Int64) -> Instant { t0.adding(seconds: seconds) }

/// A folder of its own, removed when `body` returns.
func withTemporaryFolder<T>(_ body: (TemporaryFolder) async throws -> T) async throws -> T {
    let folder = try TemporaryFolder()
    defer { try? FileManager.default.removeItem(at: folder.url) }
    return try await body(folder)
}

struct TemporaryFolder: Sendable {
    let url: URL

    fileprivate init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("tact-store-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}

/// The two ways to open a store; behaviour must not depend on which.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case file, memory

    var testDescription: String { rawValue }
}

/// Runs `body` with a fresh store of the kind: a file in a folder of its own, or memory.
func withStore(_ kind: StoreKind, _ body: (SQLiteStore) async throws -> Void) async throws {
    switch kind {
    case .file:
        try await withTemporaryFolder { folder in
            let store = try SQLiteStore(path: folder.path("tact.sqlite"))
            try await body(store)
            try store.close()
        }
    case .memory:
        try await body(try SQLiteStore.inMemory())
    }
}

/// Records with personal data in every field that can hold it, so that round trips and error messages are
/// tested against what production stores.
enum Sample {
    static func debtor(_ id: String, name: String = "Jane Example") -> DebtorRecord {
        DebtorRecord(
            id: id, creditorID: "acme", rulebook: "us-regf", specialistID: "anna",
            contact: ContactDetails(
                name: name, phone: "+15550100", sms: "+15550101", email: "jane@example.com",
                postalAddress: "1 Main Street, Springfield", language: "en"),
            timeZones: ["America/Chicago", "America/New_York"],
            inconvenient: [
                try! InconvenientTime(days: [.mon, .fri], from: LocalTime("09:00")!, to: LocalTime("12:30")!)
            ],
            optOuts: [.sms, .email],
            representative: Representative(
                kind: "attorney", name: "R. Counsel", phone: "+15550199", email: "r@example.com"),
            createdAt: t0)
    }

    static func debt(_ id: String, of debtorID: String) -> DebtRecord {
        DebtRecord(
            debtorID: debtorID, id: id, placementID: "P-\(id)", amount: "120.50", currency: "USD",
            dueDate: "2026-11-01")
    }

    static func task(
        _ id: String, debtor debtorID: String, debt: String = "C-1", due: Instant,
        status: TaskRecord.Status = .pending, lease: Instant? = nil, channel: Channel = .call
    ) -> TaskRecord {
        TaskRecord(
            id: id, debtorID: debtorID, debtID: debt, channel: channel, purpose: .firstCall, status: status,
            dueAt: due, leaseUntil: lease, attempts: status == .inFlight ? 1 : 0, createdAt: t0)
    }

    static func message(_ id: String, body: String = "{}") -> OutboxMessage {
        OutboxMessage(exchange: "", routingKey: "tact.tasks", messageID: id, type: "task", body: Array(body.utf8))
    }

    /// Debtors with one debt `C-1` each, which their tasks need.
    static func place(_ debtorIDs: [String], in store: SQLiteStore) async throws {
        try await store.write { tx in
            for id in debtorIDs {
                try tx.save(debtor(id))
                try tx.save(debt("C-1", of: id))
            }
        }
    }
}

extension SQLiteStore {
    func save(_ tasks: [TaskRecord]) async throws {
        try await write { tx in for task in tasks { try tx.save(task) } }
    }

    func due(at now: Instant, limit: Int = 100, holding hold: DispatchHold = .none) async throws -> [String] {
        try await read { try $0.dueTasks(at: now, limit: limit, holding: hold).map(\.id) }
    }
}

/// The StoreError that `body` throws; records an issue if it throws nothing or something else.
func storeError(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async -> StoreError? {
    do {
        try await body()
        Issue.record("expected a StoreError, nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as StoreError {
        return error
    } catch {
        Issue.record("expected a StoreError, got \(type(of: error))", sourceLocation: sourceLocation)
    }
    return nil
}
