import Cadence
import Contract
import Domain
import Foundation
import Intake
import Policy
import SchedulerCore
import Simulation
import SimulationTestSupport
import TactConfig

/// Shared inputs of the simulator's tests: the repository's rulebooks and sample files, fixed instants.
enum SimulationFixtures {
    /// Tuesday 2026-12-01 00:00 UTC: December has Sundays and, in Poland, 24–26 December.
    static let start = Instant(rfc3339: "2026-12-01T00:00:00Z")!

    static let configURL = SimulationSamples.config
    static let sampleDebtors = SimulationSamples.debtors
    static let sampleOutcomes = SimulationSamples.outcomes
    /// The column mapping `tact place` and `tact simulate` use by default.
    static let mapping = try! IntakeMappingFile.load("default", directory: ConfigDirectory(url: configURL))

    static let rulebooks: [String: Rulebook] = {
        let loader = RulebookLoader(directory: ConfigDirectory(url: configURL))
        var books: [String: Rulebook] = [:]
        for name in ["us-regf", "pl-respectful", "uk-fca"] { books[name] = try! loader.load(name) }
        return books
    }()

    static let strategies: [String: Strategy] = try! StrategyLoader(directory: ConfigDirectory(url: configURL))
        .loadAll()

    /// The service configuration of the simulator's tests: its roster names the specialists the sample debtors
    /// and the tests place debtors for.
    static var configuration: ServiceConfiguration {
        var configuration = ServiceConfiguration()
        configuration.specialists.roster = ["anna", "bob", "carol", "marta", "piotr"]
        return configuration
    }

    static func days(_ count: Int) -> Instant { start.adding(seconds: Int64(count) * 86_400) }

    /// The sample debtors, all under `rulebook`.
    static func sampleSimulation(rulebook: String) throws -> Simulation {
        var configuration = configuration
        configuration.defaultRulebook = rulebook
        let simulation = try Simulation(
            configuration: configuration, rulebooks: rulebooks, strategies: strategies, start: start)
        for var placement in try DebtorFile.read(sampleDebtors, mapping: mapping) {
            placement.rulebook = rulebook
            simulation.schedule(.placement(placement, userID: nil), at: start)
        }
        return simulation
    }

    static func placement(
        debtor: String = "D-1", zones: [String] = ["Europe/Warsaw"], email: String? = "d@example.com",
        sms: String? = nil, specialist: String? = nil, rulebook: String = "pl-respectful"
    ) -> Placement {
        Placement(
            placementId: "P-\(debtor)", creditorId: "sim", rulebook: rulebook, specialistId: specialist,
            debtor: .init(
                id: debtor, name: "Test Person", timeZones: zones, phone: "+48000000000", sms: sms, email: email,
                language: "pl"),
            debt: .init(id: "C-\(debtor)", amount: "120.50", currency: "PLN", dueDate: "2026-11-01"))
    }
}
