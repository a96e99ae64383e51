import Foundation
import TactTestKit
import Testing

/// `tact report` pages through every task and never stops silently (issue 11: it stopped after 10,000).
@Suite("Tools: tact report", .enabled(if: TestEnvironment.hasBroker), .timeLimit(.minutes(3)))
struct ToolsReportTests {
    @Test func theReportPagesThroughEveryTaskAndSaysHowManyAreLeft() async throws {
        try await ToolInstallation.with { tact in
            try tact.startScheduler()
            try tact.startWorker()
            let rows = (1...5).map { ToolsPlaceTests.row($0) }
            let path = try tact.file("debtors.csv", ([ToolsPlaceTests.header] + rows).joined(separator: "\n"))
            #expect(try await tact.tact(["place", path]).status == 0)
            try await tact.waitUntilSettled(debtors: true)

            var seen: [String] = []
            var arguments = ["report", "--limit", "4"]
            for _ in 1...5 {
                let report = try await tact.tact(arguments)
                #expect(report.status == 0, "\(report.stderr)")
                let lines = report.stdout.split(separator: "\n")
                seen += lines.filter { $0.hasPrefix("  acme/D-") }.map(String.init)
                let summary = try #require(lines.last)
                guard let range = summary.range(of: "--after '") else {
                    #expect(summary.hasSuffix("shown; no more."), "\(summary)")
                    break
                }
                #expect(summary.contains(" more: tact report --after '") && summary.hasSuffix("' --limit 4"))
                let after = summary[range.upperBound...].prefix { $0 != "'" }
                arguments = ["report", "--limit", "4", "--after", String(after)]
            }
            #expect(seen.count == 10, "a first notice and a first call per debtor, each once: \(seen)")
            #expect(Set(seen).count == 10)

            let oneDebtor = try await tact.tact(["report", "--debtor", "D-3", "--state", "pending", "--state", "done"])
            let lines = oneDebtor.stdout.split(separator: "\n").filter { $0.hasPrefix("  acme/D-") }
            #expect(!lines.isEmpty && lines.allSatisfy { $0.hasPrefix("  acme/D-3 ") }, "\(oneDebtor.stdout)")
            let badState = try await tact.tact(["report", "--state", "asleep"])
            #expect(badState.status == 2 && badState.stderr.contains("--state must be one of"))
            let badAfter = try await tact.tact(["report", "--after", "no-such-task"])
            #expect(badAfter.status == 2 && badAfter.stderr.contains("--after: no task with this id"))
        }
    }
}
