import Cadence
import Doctor
import Domain
import Foundation
import Store
import Testing

@testable import SchedulerCore

/// The scheduler core driven by seeded random inputs (``RandomRun``): four debtors, 4,200 mixed inputs over twelve
/// seeds in random order at a virtual clock, and after every step `tact doctor`'s invariants and the reference
/// model's properties. A failure names the seed and the step, with ids only; the same seed replays the same run, and
/// `TACT_RANDOM_TRACE=1` prints every step of it and what the run did:
///
///     TACT_RANDOM_SEEDS=7 TACT_RANDOM_STEPS=400 swift test --skip-build --filter SchedulerRandomTests
///
/// `TACT_RANDOM_SEEDS` takes a list and ranges (`1-500,900`), to sweep more seeds than a test run can afford. A
/// violation one of the bugs found and not fixed yet explains (``KnownBug``) is a known issue, named by its bug.
@Suite("Scheduler: seeded random runs keep the invariants")
struct SchedulerRandomTests {
    static let environment = ProcessInfo.processInfo.environment
    static let seeds = environment["TACT_RANDOM_SEEDS"].flatMap(seedList) ?? Array(1...12)
    static let steps = environment["TACT_RANDOM_STEPS"].flatMap { Int($0) } ?? 350

    @Test("tact doctor and the reference model hold after every input", arguments: seeds)
    func randomRun(seed: UInt64) async throws {
        try await RandomRun(seed: seed).run(steps: Self.steps)
    }

    /// `1-3,9` → `[1, 2, 3, 9]`; `nil` when malformed.
    static func seedList(_ text: String) -> [UInt64]? {
        var seeds: [UInt64] = []
        for part in text.split(separator: ",") {
            let bounds = part.split(separator: "-").map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
            guard let low = bounds.first ?? nil, let high = bounds.last ?? nil, bounds.count <= 2, low <= high
            else { return nil }
            seeds += Array(low...high)
        }
        return seeds.isEmpty ? nil : seeds
    }
}

/// SplitMix64 (Steele, Lea and Flood, 2014). The run draws only from it and never iterates a dictionary or a set
/// unsorted, so that a seed names the same run in every process (Swift seeds its hashing per process).
struct SplitMix {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (the modulo bias is far below anything a run of a few thousand draws can notice).
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }

    mutating func number(in range: ClosedRange<Int>) -> Int { range.lowerBound + below(range.count) }

    /// `true` `percent` times in a hundred.
    mutating func chance(_ percent: Int) -> Bool { below(100) < percent }

    mutating func pick<T>(_ items: [T]) -> T? { items.isEmpty ? nil : items[below(items.count)] }

    /// One of `choices`, each as likely as its weight.
    mutating func weighted<T>(_ choices: [(T, Int)]) -> T {
        var draw = below(choices.reduce(0) { $0 + $1.1 })
        for (choice, weight) in choices {
            if draw < weight { return choice }
            draw -= weight
        }
        return choices[choices.count - 1].0
    }
}

/// Bugs the random runs found that are not fixed yet, each told apart from any other violation by what the store
/// holds: a violation one of them explains is a known issue, not a failure. Remove a bug from ``allCases`` when it is
/// fixed: the runs then fail on any violation it matched. None is known now. A bug is a `static let` listed in
/// ``allCases``: its `title` is the known issue's comment, and its matcher tells its violations apart (by the tasks
/// the violation names, `store.task`, and the debtor's records, `store.cases`). A list rather than an enum's cases:
/// with every bug fixed it is empty, where an enum without cases would leave the code that records known issues
/// unreachable.
struct KnownBug: Hashable, Sendable {
    /// What goes wrong, in a line: the known issue's comment, and the bug's identity.
    let title: String
    let matcher: @Sendable (Violation, RandomRun.Snapshot) -> Bool

    static let allCases: [KnownBug] = []

    func matches(_ violation: Violation, in store: RandomRun.Snapshot) -> Bool { matcher(violation, store) }

    static func == (lhs: KnownBug, rhs: KnownBug) -> Bool { lhs.title == rhs.title }

    func hash(into hasher: inout Hasher) { hasher.combine(title) }
}
