import Foundation
import TactTools
import Testing

@Suite struct TactVersionTests {
    /// A version `tact --version` prints has its entry in the changelog.
    @Test func theChangelogHasAnEntryForTheCurrentVersion() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let changelog = try String(contentsOf: root.appendingPathComponent("CHANGELOG.md"), encoding: .utf8)
        #expect(changelog.contains("\n## \(TactVersion.current) — "))
    }
}
