import Contract
import Foundation
import Policy
import Scheduler
import Simulation
import Store
import TactConfig
import Testing

@Suite struct SimulationEngineTests {
    @Test func sameSeedGivesTheSameTimeline() async throws {
        let first = try SimulationFixtures.sampleSimulation(rulebook: "pl-respectful")
        let clock = ContinuousClock.now
        try await first.run(until: SimulationFixtures.days(60), responder: OutcomeModel(seed: 7))
        print("60 days:", ContinuousClock.now - clock, first.timeline.count, "entries")
        let second = try SimulationFixtures.sampleSimulation(rulebook: "pl-respectful")
        try await second.run(until: SimulationFixtures.days(60), responder: OutcomeModel(seed: 7))
        #expect(first.timeline == second.timeline)
        let other = try SimulationFixtures.sampleSimulation(rulebook: "pl-respectful")
        try await other.run(until: SimulationFixtures.days(60), responder: OutcomeModel(seed: 8))
        #expect(first.timeline != other.timeline)
        for kind in TimelineEntry.Kind.allCases {
            print(kind, first.timeline.filter { $0.kind == kind }.count)
        }
        for entry in first.timeline.filter({ $0.kind == .refused || $0.kind == .unrouted }).prefix(10) {
            print(entry.jsonLine)
        }
    }
}
