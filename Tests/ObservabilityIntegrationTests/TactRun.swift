import Contract
import Foundation
import TactTestKit

/// The metrics suites' installation: the test kit's, with metrics off in its file so that each service serves
/// them on a port of its own, given with --metrics-port.
typealias TactRun = TactInstallation

extension TactInstallation {
    /// Runs `body` with a fresh installation, torn down afterwards whatever happened.
    static func with(_ body: (TactInstallation) async throws -> Void) async throws {
        var settings = Settings()
        settings.maxAttempts = nil
        settings.workerPrefetch = 20
        settings.defaultRulebook = nil
        settings.metricsOff = true
        try await with(label: "obs", settings: settings) { run in
            run.deleteOnTearDown(run.topology.callQueue(specialist: "anna"))
            try await body(run)
        }
    }

    /// Starts `tact ROLE --metrics-port PORT` and returns the port.
    @discardableResult
    func serve(_ role: String) throws -> UInt16 {
        let port = try HTTPTestClient.freePort()
        try start(role, ["--metrics-port", String(port)])
        return port
    }

    /// `GET path` on a service's port, retried while the service is starting.
    func scrape(_ path: String, port: UInt16, timeout: Duration = .seconds(20)) async throws -> HTTPTestClient.Response
    {
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                return try HTTPTestClient.request(path, port: port)
            } catch  where ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    /// Waits until `/health` says ready (the broker connected, and for the scheduler the store written).
    func waitUntilReady(port: UInt16) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while try await scrape("/health", port: port).status != 200 {
            guard ContinuousClock.now < deadline else { throw HTTPTestClient.Failure(description: "never ready") }
            try await Task.sleep(for: .milliseconds(300))
        }
    }
}

/// Placements whose debtors are inside their contact window now, or outside it, whatever the time of day.
enum Debtors {
    static func placement(_ number: Int, localHour: Int, specialist: String? = nil) -> Placement {
        Placement(
            placementId: "P-\(number)", creditorId: "acme", rulebook: nil, specialistId: specialist,
            debtor: .init(
                id: "D-\(number)", name: "Name \(number)", timeZones: [Sample.zone(localHour: localHour)],
                phone: "+15550100",
                sms: number.isMultiple(of: 2) ? "+15550101" : nil, email: "d\(number)@example.com", language: "en"),
            debt: .init(id: "C-\(number)", amount: "50.00", currency: "USD", dueDate: "2026-11-01"))
    }
}
