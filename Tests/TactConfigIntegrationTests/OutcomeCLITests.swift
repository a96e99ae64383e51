import Foundation
import TactTestKit
import Testing

/// `tact outcome` refuses a malformed command line in one line that names what is wrong, before it needs a broker
/// (issue 11: a malformed promised date was hidden behind "give --channel").
@Suite struct OutcomeCLITests {
    @Test(arguments: [
        ("100.00@2026-13-01", "tact outcome: error: --promise: date: must be a date YYYY-MM-DD between 1900 and 2100"),
        ("1,00@2026-12-10", "tact outcome: error: --promise: amount: must be a positive decimal such as 120.50"),
        ("100.00", "tact outcome: error: --promise must be AMOUNT@YYYY-MM-DD, e.g. 50.00@2026-12-10"),
        ("100.00@2020-11-01", "tact outcome: error: --promise: date: is in the past"),
    ])
    func aMalformedPromiseIsNamedFirst(promise: String, message: String) async throws {
        // Neither --channel nor --debtor is given: the promise's problem is still the one reported.
        let run = try await ChildProcess.run(
            try TactBinary.url(), ["outcome", "T-1", "--result", "promise-to-pay", "--promise", promise],
            environment: ProcessInfo.processInfo.environment, directory: Repository.root)
        #expect(run.status == 2)
        #expect(run.stderr == message + "\n")
    }
}
