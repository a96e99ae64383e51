// StoreBench: taking due tasks the way the scheduler does, with few and with many tasks pending.
//
//   StoreBench seed FILE PENDING DUE   creates FILE with PENDING pending tasks, DUE of them due (one per debtor)
//   StoreBench compare SMALL BIG DUE ROUNDS   takes the DUE due tasks from each file in turn, ROUNDS times
//
// Taking is what the scheduler's dispatch does: per write transaction, `dueTasks(limit: 500)`, each task saved
// in flight with a lease, and one ~1 KB outbox message each, until DUE tasks were taken. Between rounds (not
// timed) the tasks go back to pending and the outbox is emptied. Run through scripts/bench.d/store.sh.
import Domain
import Foundation
import Policy
import Store

/// Every instant is fixed, so runs are comparable and nothing depends on the clock; `STOREBENCH_NOW` (seconds since
/// the epoch) moves it, so that `scripts/bench scheduler` can seed tasks due for a scheduler running on the real clock.
let now = Instant(
    secondsSinceEpoch: ProcessInfo.processInfo.environment["STOREBENCH_NOW"].flatMap(Int64.init) ?? 1_796_083_200)
let batch = 500
let messageBody = [UInt8](repeating: UInt8(ascii: "x"), count: 1_000)

/// Ids spread over the key space as real placement ids are, rather than arriving in due order.
func scrambled(_ index: Int) -> String {
    var z = UInt64(index) &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return String(z ^ (z >> 31), radix: 16)
}

func seed(path: String, pending: Int, due: Int) async throws {
    let store = try SQLiteStore(path: path, options: SQLiteStore.Options(durability: .normal, cacheMebibytes: 1024))
    // One debtor per due task (a debtor has one task in flight at most), and about two tasks per debtor overall.
    let debtors = max(due, pending / 2)
    let start = ContinuousClock.now
    let chunk = 20_000
    for first in stride(from: 0, to: debtors, by: chunk) {
        try await store.write { tx in
            for index in first..<min(first + chunk, debtors) {
                let id = "D-\(scrambled(index))"
                try tx.save(
                    DebtorRecord(
                        id: id, creditorID: "acme", rulebook: "us-regf",
                        contact: ContactDetails(
                            name: "Debtor \(index)", phone: "+15550100", email: "d\(index)@example.com",
                            language: "en"),
                        timeZones: ["America/Chicago"], createdAt: now.adding(seconds: -86_400)))
                try tx.save(
                    DebtRecord(
                        debtorID: id, id: "C-\(index)", placementID: "P-\(index)", amount: "120.50", currency: "USD",
                        dueDate: "2026-11-01"))
            }
        }
    }
    for first in stride(from: 0, to: pending, by: chunk) {
        try await store.write { tx in
            for index in first..<min(first + chunk, pending) {
                // The first DUE tasks are due (within the last day), the others over the next 90 days.
                let dueAt =
                    index < due
                    ? now.adding(seconds: -Int64(index % 86_400))
                    : now.adding(seconds: 60 + Int64(index % (90 * 86_400)))
                let debtor = index % debtors
                try tx.save(
                    TaskRecord(
                        id: "P-\(scrambled(debtor))/task-\(index)", debtorID: "D-\(scrambled(debtor))",
                        debtID: "C-\(debtor)", channel: index % 2 == 0 ? .call : .email, purpose: .firstCall,
                        dueAt: dueAt, createdAt: now.adding(seconds: -86_400)))
            }
        }
    }
    try store.close()
    print(String(format: "seeded %d pending tasks, %d debtors in %.1f s", pending, debtors, seconds(since: start)))
}

/// Takes DUE tasks from each store in turn, ROUNDS times, alternating which goes first so that drift in the
/// machine's load does not favour one; prints each round and the medians.
func compare(small: String, big: String, due: Int, rounds: Int) async throws {
    let stores = [try SQLiteStore(path: small), try SQLiteStore(path: big)]
    var pending: [Int] = []
    for store in stores {
        pending.append(try await store.read { try $0.statistics(at: now).tasksByStatus[.pending] ?? 0 })
    }
    var times: [[Double]] = [[], []]
    for round in 1...rounds {
        for which in round % 2 == 1 ? [0, 1] : [1, 0] {
            times[which].append(try await take(from: stores[which], due: due))
            try await reset(stores[which])
        }
        print(
            String(
                format: "  round %d: %.3f s with the small store, %.3f s with the big one, ratio %.2f", round,
                times[0][round - 1], times[1][round - 1], times[1][round - 1] / times[0][round - 1]))
    }
    for store in stores { try store.close() }
    let ratios = zip(times[1], times[0]).map { $0 / $1 }
    print(
        String(
            format: "medians: %d pending %.3f s, %d pending %.3f s, ratio %.2f; peak RSS %.0f MB (both stores open)",
            pending[0], median(times[0]), pending[1], median(times[1]), median(ratios), peakRSS()))
}

/// Seconds to take `due` tasks the way the scheduler does.
func take(from store: SQLiteStore, due: Int) async throws -> Double {
    let start = ContinuousClock.now
    var taken = 0
    while taken < due {
        let count = try await store.write { tx in
            let tasks = try tx.dueTasks(at: now, limit: batch)
            for var task in tasks {
                try task.apply(.handOut(leaseUntil: now.adding(seconds: 300)))
                try tx.save(task)
                try tx.enqueue(
                    OutboxMessage(
                        exchange: "", routingKey: "tact.tasks", messageID: task.id, type: "task", body: messageBody))
            }
            return tasks.count
        }
        guard count > 0 else { fatalError("only \(taken) of \(due) tasks were due") }
        taken += count
    }
    return seconds(since: start)
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1
        ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

/// Puts the taken tasks back to pending and empties the outbox, so that every round starts alike.
func reset(_ store: SQLiteStore) async throws {
    while true {
        let count = try await store.write { tx in
            let tasks = try tx.expiredLeases(at: now.adding(seconds: 86_400), limit: 5_000)
            for var task in tasks {
                try task.apply(.recalled)
                try tx.save(task)
            }
            try tx.removeFromOutbox(try tx.outbox(limit: 5_000).map(\.sequence))
            return tasks.count
        }
        if count == 0 { return }
    }
}

func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
}

/// VmHWM: the most this process ever had resident, in MB.
func peakRSS() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
        let kilobytes = Double(line.split(separator: " ")[1])
    else { return .nan }
    return kilobytes / 1024
}

let arguments = CommandLine.arguments
switch (arguments.count > 1 ? arguments[1] : "", arguments.count) {
case ("seed", 5):
    try await seed(path: arguments[2], pending: Int(arguments[3])!, due: Int(arguments[4])!)
case ("compare", 6):
    try await compare(small: arguments[2], big: arguments[3], due: Int(arguments[4])!, rounds: Int(arguments[5])!)
default:
    FileHandle.standardError.write(
        Data("usage: StoreBench seed FILE PENDING DUE | compare SMALL BIG DUE ROUNDS\n".utf8))
    exit(2)
}
