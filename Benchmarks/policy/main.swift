// PolicyBench: decisions per second of the policy engine on one core.
//
// Workload (issue 3): debtors with two time zones and 20-event histories with mixed outcomes, spread over
// the shipped rulebooks, channels, holds and instants around the year so that every decision kind occurs.
// Run through scripts/bench.d/policy.sh (release build). Prints a human summary and a final
// `decisions_per_second=N` line for scripts. Besides the engine alone, it times the same decisions through
// `tact policy evaluate`'s JSON (strict decoding) and through a worker's path: a `tact.tasks` message decoded,
// decided by WorkerCore (with the contact it proposes), and the decision encoded for the scheduler.
import Contract
import Domain
import Foundation
import Policy
import TactConfig
import WorkerCore

/// SplitMix64, so every run measures the same workload.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

let zonePairs: [String: [[String]]] = [
    "us-regf": [
        ["America/New_York", "America/Los_Angeles"], ["America/Chicago", "America/Denver"],
        ["America/Phoenix", "America/New_York"], ["Pacific/Honolulu", "America/Anchorage"],
    ],
    "pl-respectful": [["Europe/Warsaw", "Europe/London"], ["Europe/Warsaw", "Europe/Berlin"]],
    "uk-fca": [["Europe/London", "Europe/Dublin"], ["Europe/London", "Europe/Warsaw"]],
]

func makeRequests(count: Int, rulebooks: [String], random: inout SeededGenerator) -> [(Int, PolicyRequest)] {
    (0..<count).map { index in
        let book = index % rulebooks.count
        let zones = zonePairs[rulebooks[book]]!.randomElement(using: &random)!
        // Any second of 2026, so DST, weekends, holidays and nights all occur.
        let now = Int64(1_767_225_600) + Int64.random(in: 0..<(365 * 86_400), using: &random)
        let history = (0..<20).map { _ in
            HistoryEvent(
                at: Instant(secondsSinceEpoch: now - Int64.random(in: 0..<(14 * 86_400), using: &random)),
                channel: [.call, .call, .call, .sms, .email].randomElement(using: &random)!,
                debtId: ["C-1", "C-2"].randomElement(using: &random)!,
                result: ContactResult.allCases.randomElement(using: &random)!)
        }
        var holds: [Hold] = []
        if Int.random(in: 0..<10, using: &random) == 0 {
            let kind: HoldKind = [.bereavement, .hardship, .dispute, .attorney].randomElement(using: &random)!
            holds.append(
                try! Hold(
                    kind: kind,
                    since: Instant(secondsSinceEpoch: now - 86_400 * Int64.random(in: 0..<40, using: &random))))
        }
        let debtor = try! Debtor(
            id: "D-\(index)", timeZones: zones, holds: holds,
            optOuts: Int.random(in: 0..<20, using: &random) == 0 ? [.sms] : [],
            representative: Representative(kind: "attorney", name: "R"))
        let contact = Contact(channel: [.call, .call, .sms, .email].randomElement(using: &random)!, debtId: "C-1")
        return (
            book,
            PolicyRequest(now: Instant(secondsSinceEpoch: now), contact: contact, debtor: debtor, history: history)
        )
    }
}

/// Runs `body` over the workload repeatedly for about `seconds`, returning operations per second.
func measure(seconds: Double, count: Int, _ body: (Int) -> Void) -> Double {
    let clock = ContinuousClock()
    var operations = 0
    let start = clock.now
    var elapsed = Duration.zero
    while elapsed < .seconds(seconds) {
        for index in 0..<count { body(index) }
        operations += count
        elapsed = clock.now - start
    }
    let (whole, attoseconds) = elapsed.components
    return Double(operations) / (Double(whole) + Double(attoseconds) / 1e18)
}

let arguments = CommandLine.arguments
let seconds = arguments.count > 1 ? Double(arguments[1]) ?? 2 : 2
let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 5 : 5

let loader = RulebookLoader(directory: try ConfigDirectory.locate())
let names = ["us-regf", "pl-respectful", "uk-fca"]
let engines = try names.map { try PolicyEngine(rulebook: try loader.load($0)) }
var random = SeededGenerator(seed: 2026)
let workload = makeRequests(count: 20_000, rulebooks: names, random: &random)
// A third argument `evaluate-only` skips the JSON measurement (for profiling the engine alone).
let measureJSON = !arguments.contains("evaluate-only")
let payloads = measureJSON ? workload.map { PolicyJSON.encode($0.1) } : []

// The tasks a scheduler would hand out for the same requests: a call or a reminder with its delivery details.
let worker = WorkerCore(
    topology: TactTopology(), engines: Dictionary(uniqueKeysWithValues: zip(names, engines)), workerID: "bench/1")
let tasks: [[UInt8]] =
    !measureJSON
    ? []
    : workload.enumerated().map { index, item in
        let (book, request) = item
        let task = WorkTask(
            taskId: "acme/P-\(index)/first-call", attempt: 1, creditorId: "acme", rulebook: names[book],
            channel: request.contact.channel, purpose: "first-call", template: "first-call", specialistId: "anna",
            debt: .init(id: "C-1", amount: "120.50", currency: "USD", dueDate: "2026-11-01"), debtor: request.debtor,
            history: request.history,
            delivery: .init(
                name: "Person \(index)", phone: "+15550100", sms: "+15550101", email: "p\(index)@example.com",
                language: "en"),
            priority: 5)
        return MessageCoding.encode(task)
    }
let taskNow = workload.map(\.1.now)

var mix: [PolicyDecision.Kind: Int] = [:]
for (book, request) in workload { mix[engines[book].evaluate(request).decision, default: 0] += 1 }

var sink = 0
var best = 0.0
for _ in 0..<rounds {
    best = max(
        best,
        measure(seconds: seconds, count: workload.count) { index in
            let (book, request) = workload[index]
            sink &+= engines[book].evaluate(request).reasons.count
        })
}
let jsonRate =
    !measureJSON
    ? 0
    : measure(seconds: seconds, count: workload.count) { index in
        let request = try! PolicyJSON.decode(PolicyRequest.self, from: payloads[index])
        sink &+= PolicyJSON.encode(engines[workload[index].0].evaluate(request)).count
    }

let workerRate =
    !measureJSON
    ? 0
    : measure(seconds: seconds, count: tasks.count) { index in
        let task = try! MessageCoding.decode(WorkTask.self, from: tasks[index])
        sink &+= MessageCoding.encode(worker.handle(task, at: taskNow[index])).count
    }

let shares = PolicyDecision.Kind.allCases.map { kind in
    String(format: "%@ %.0f%%", kind.rawValue, 100 * Double(mix[kind, default: 0]) / Double(workload.count))
}
print("policy engine, one core: \(workload.count) requests, 2 time zones and 20 history events each")
print("rulebooks: \(names.joined(separator: ", ")); decisions: \(shares.joined(separator: ", "))")
print(
    String(
        format: "evaluate:                      %10.0f decisions/s (best of %d runs of %.1f s)", best, rounds, seconds))
print(String(format: "JSON decode + evaluate + encode: %8.0f decisions/s (tact policy evaluate)", jsonRate))
print(String(format: "worker: task in, decision out:  %8.0f decisions/s", workerRate))
print("decisions_per_second=\(Int(best))")
if sink == 42 { print("") }  // keeps the optimiser from discarding the work
