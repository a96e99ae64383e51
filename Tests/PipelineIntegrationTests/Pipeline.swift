import Foundation
import TactTestKit
import Testing

/// The pipeline suites' installation: the test kit's, with a lease and attempt limit of the test's choosing and a
/// creditor (polbank) under a rulebook of its own.
typealias Pipeline = TactInstallation
typealias PipelineError = TestKitError

extension TactInstallation {
    /// - Parameter lease: seconds before a task without a decision is handed out again.
    /// - Parameter outcomeWait: seconds before a call taken without an outcome returns.
    /// - Parameter poolFallback: `specialists.poolFallback` (the file's default when `nil`).
    convenience init(
        lease: Int = 5, maxAttempts: Int = 20, outcomeWait: Int? = nil, poolFallback: Bool? = nil
    ) async throws {
        var settings = Settings()
        settings.poolFallback = poolFallback
        settings.outcomeWaitSeconds = outcomeWait
        settings.leaseSeconds = lease
        settings.maxAttempts = maxAttempts
        settings.dispatchBatch = 500
        settings.creditorRulebooks = ["polbank": "pl-respectful"]
        try await self.init(label: "t", settings: settings)
    }

    /// `kill -9` of the scheduler: no chance to finish anything.
    func killScheduler() async {
        for scheduler in services("scheduler") { await scheduler.kill9() }
    }

    func killWorker(_ index: Int) async { await services("worker")[index].kill9() }

    /// Runs `tact doctor` on the store as the scenario left it: every case against the scheduler's invariants. A
    /// violation (or a store it cannot read) is an issue of the test, with what `tact doctor` printed.
    func expectSound(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let run = try await tool(["doctor"])
        #expect(run.status == 0, "tact doctor: \(run.output)\(run.errors)", sourceLocation: sourceLocation)
    }

    /// Runs a `tact` tool to completion with this installation's configuration; returns its exit status and output.
    func tool(_ arguments: [String], home: URL? = nil) async throws -> (status: Int32, output: String, errors: String) {
        let run = try await tact(arguments, environment: home.map { ["TACT_HOME": $0.path] } ?? [:])
        return (run.status, run.stdout, run.stderr)
    }
}
