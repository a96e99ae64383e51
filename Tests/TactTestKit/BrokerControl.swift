import Foundation

/// Acts on the test broker through `scripts/broker` (as rabbitmqctl): only on a broker scripts/test started, whose
/// port and folder it exports (`TestEnvironment.controlsBroker`; tests that need this are enabled only then).
public enum BrokerControl {
    /// `scripts/broker ctl -- ARGUMENTS`; returns what rabbitmqctl wrote.
    @discardableResult
    public static func ctl(_ arguments: [String]) async throws -> String {
        let run = try await broker(["ctl"], after: ["--"] + arguments)
        guard run.status == 0 else { throw TestKitError("rabbitmqctl \(arguments) failed: \(run.stderr)") }
        return run.stdout
    }

    /// A broker user for creditor `name` that may only publish to `prefix`.intake (`scripts/broker add-creditor`).
    public static func addCreditor(_ name: String, password: String, prefix: String) async throws {
        let run = try await broker(["add-creditor", name, "--prefix", prefix], input: Data(password.utf8))
        guard run.status == 0 else { throw TestKitError("add-creditor failed: \(run.stderr)") }
    }

    private static func broker(_ arguments: [String], after: [String] = [], input: Data? = nil) async throws
        -> ChildProcess.Result
    {
        guard let (port, directory) = TestEnvironment.brokerControl else {
            throw TestKitError("TACT_BROKER_PORT and TACT_BROKER_DIR are not set (scripts/test sets them)")
        }
        return try await ChildProcess.run(
            Repository.path("scripts/broker"), arguments + ["--port", port, "--dir", directory] + after, input: input)
    }
}
