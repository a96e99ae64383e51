import Contract
import Domain
import Foundation
import Policy
import Simulation
import SimulationTestSupport
import Store
import Testing

/// The figures the simulator reports are what its timeline says, and what the scheduler's store holds.
@Suite struct SimulationTotalsTests {
    typealias F = SimulationFixtures

    @Test func summaryReportAndStoreAgreeWithTheTimeline() async throws {
        let simulation = try F.sampleSimulation(rulebook: "pl-respectful")
        try await simulation.run(until: F.days(60), responder: OutcomeModel(seed: 2))
        try await simulation.expectSound()
        let result = try await simulation.result()
        // Through the JSON lines, as a reader of `--timeline` would see it.
        let lines = result.timeline.map(\.jsonLine)
        let timeline = try lines.map { try TimelineEntry.decode(line: $0) }
        #expect(timeline == result.timeline)
        let counted = Totals(timeline)

        let summary = SimulationSummary(result)
        #expect(summary.debtors == 34)
        #expect(summary.decisions == counted.decisions)
        #expect(summary.emissions == counted.emissions)
        #expect(summary.emissionsTotal == counted.emissions.values.reduce(0, +))
        #expect(summary.outcomes == counted.outcomes)
        #expect(summary.expired == counted.expired)
        #expect(summary.events == counted.events)
        #expect(summary.debtorsContacted == counted.contacted.count)
        #expect(summary.debtorsReached == counted.reached.count)
        #expect(summary.promisesMade == counted.promises)
        #expect(summary.promisesKept + summary.promisesBroken + summary.promisesOpen == counted.promises)
        #expect(summary.contactsPerDay.map(\.total).reduce(0, +) == summary.emissionsTotal)
        #expect(summary.promisesKept > 0 && summary.debtorsReached > 0)

        // The report embeds exactly these figures.
        let report = SimulationReport(result: result, run: .init(rulebook: "pl-respectful", seed: 2))
        let embedded = try JSONDecoder().decode(SimulationReport.Embedded.self, from: Data(report.embeddedJSON.utf8))
        #expect(embedded.summary == summary)
        #expect(report.html.contains(#"<script type="application/json" id="tact-summary">"#))

        // The store: every decision is in the audit trail, every contact that reached someone in the ledger.
        let ids = simulation.debtorIDs
        let (decisions, ledger) = try await simulation.store.read { store in
            (
                try ids.map { try store.decisions(ofDebtor: "sim/\($0)").count }.reduce(0, +),
                try ids.map { try store.ledger(ofDebtor: "sim/\($0)", since: F.start).count }.reduce(0, +)
            )
        }
        #expect(decisions == counted.decisions.values.reduce(0, +))
        #expect(ledger == summary.emissionsTotal - summary.expired)
    }

    /// Counts taken straight from timeline entries.
    typealias Totals = TimelineTotals
}
