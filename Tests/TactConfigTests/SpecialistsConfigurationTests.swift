import Foundation
import Testing

@testable import TactConfig

/// The `specialists` section of `tact.yaml`: the roster and the pool fallback, read strictly.
@Suite("Specialists configuration")
struct SpecialistsConfigurationTests {
    private func load(_ yaml: String) throws(ConfigError) -> ServiceConfiguration {
        try ServiceConfiguration.decode(yaml: yaml, file: "tact.yaml")
    }

    @Test func theRosterAndTheFallbackAreRead() throws {
        let configured = try load("specialists:\n  roster: [anna, bob]\n  poolFallback: false\n")
        #expect(configured.specialists.roster == ["anna", "bob"])
        #expect(configured.specialists.poolFallback == false)
        let without = try load("store:\n  path: x.sqlite\n")
        #expect(without.specialists.roster.isEmpty && without.specialists.poolFallback)
    }

    @Test func theShippedFileListsTheSamplesSpecialists() throws {
        let shipped = try ServiceConfiguration.load(
            from: ConfigDirectory(url: repositoryRoot.appendingPathComponent("Config")), environment: [:])
        #expect(shipped.specialists.roster == ["anna", "bob", "carol", "marta", "piotr"])
        #expect(shipped.specialists.poolFallback)
    }

    @Test(arguments: [
        (
            "specialists:\n  roster: [anna, pool]\n", "specialists.roster[1]",
            "\"pool\" is reserved for the shared queue"
        ),
        ("specialists:\n  roster: [anna, anna]\n", "specialists.roster[1]", "listed twice"),
        ("specialists:\n  roster: ['an na']\n", "specialists.roster[0]", "printable ASCII characters without spaces"),
        ("specialists:\n  roster: ['']\n", "specialists.roster[0]", "printable ASCII characters without spaces"),
        ("specialists:\n  rooster: [anna]\n", "specialists.rooster", "expected one of roster, poolFallback"),
        ("specialists:\n  roster: anna\n", "specialists.roster", ""),
        ("specialists:\n  poolFallback: maybe\n", "specialists.poolFallback", ""),
    ])
    func aWrongSectionIsRefusedWithTheField(yaml: String, field: String, problem: String) {
        #expect {
            try load(yaml)
        } throws: { error in
            let error = error as? ConfigError
            return error?.code == .invalidContent && error?.field == field
                && (problem.isEmpty || error?.problem.contains(problem) == true)
        }
    }
}
