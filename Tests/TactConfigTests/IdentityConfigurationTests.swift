import Foundation
import Testing

@testable import TactConfig

/// The `identity` section of `tact.yaml`: which broker users act for which creditor (issue 12).
@Suite struct IdentityConfigurationTests {
    private func load(_ yaml: String) throws(ConfigError) -> ServiceConfiguration {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tact-identity-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try? yaml.write(to: folder.appendingPathComponent("tact.yaml"), atomically: true, encoding: .utf8)
        return try ServiceConfiguration.load(from: ConfigDirectory(url: folder), environment: [:])
    }

    @Test func creditorsAndOperatorsAreRead() throws {
        let identity = try load(
            "identity:\n  creditors:\n    acme: [acme, acme-batch]\n    polbank: [polbank]\n  operators: [ops]\n"
        ).identity
        #expect(identity.isVerified)
        #expect(identity.creditors == ["acme": ["acme", "acme-batch"], "polbank": ["polbank"]])
        #expect(identity.operators == ["ops"])
        #expect(identity.refusal(of: "acme-batch", for: "acme") == nil)
        #expect(identity.refusal(of: "ops", for: "polbank") == nil)
        #expect(identity.refusal(of: "acme", for: "polbank") != nil)
        #expect(identity.refusal(of: nil, for: "acme") != nil)
        #expect(identity.refusal(of: "acme", for: nil) != nil, "only operators change specialists")
    }

    @Test func withoutTheSectionNothingIsVerified() throws {
        let identity = try load("store:\n  path: x.sqlite\n").identity
        #expect(!identity.isVerified && identity.refusal(of: nil, for: "acme") == nil)
    }

    @Test func aSectionThatAllowsNobodyOrNamesBadUsersIsRefused() {
        for (yaml, field) in [
            ("identity: {}\n", "identity"),
            ("identity:\n  creditors:\n    acme: []\n", "identity.creditors.acme"),
            ("identity:\n  creditors:\n    acme: [\"a b\"]\n", "identity.creditors.acme[0]"),
            ("identity:\n  operators: [\"\"]\n", "identity.operators[0]"),
            ("identity:\n  admins: [ops]\n", "identity.admins"),
        ] {
            #expect("\(field)") { try load(yaml) } throws: { error in
                (error as? ConfigError)?.field == field
            }
        }
    }
}
