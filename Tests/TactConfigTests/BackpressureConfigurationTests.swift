import Domain
import Foundation
import Testing

@testable import TactConfig

/// `scheduler.callQueueDepth` and `scheduler.remindersPerSecond`: backpressure, read strictly.
@Suite("Backpressure configuration")
struct BackpressureConfigurationTests {
    private func load(_ yaml: String) throws(ConfigError) -> ServiceConfiguration {
        try ServiceConfiguration.decode(yaml: yaml, file: "tact.yaml")
    }

    @Test func theDepthAndTheRatesAreReadAndUnboundedWithout() throws {
        let configured = try load(
            "scheduler:\n  callQueueDepth: 40\n  remindersPerSecond: { email: 50, sms: 2.5, letter: 1 }\n")
        #expect(configured.scheduler.callQueueDepth == 40)
        #expect(configured.scheduler.remindersPerSecond == [.email: 50, .sms: 2.5, .letter: 1])
        let without = try load("scheduler:\n  leaseSeconds: 30\n")
        #expect(without.scheduler.callQueueDepth == nil && without.scheduler.remindersPerSecond.isEmpty)
    }

    @Test(arguments: [
        ("scheduler:\n  callQueueDepth: 0\n", "scheduler.callQueueDepth", "must be 1…1000000"),
        ("scheduler:\n  callQueueDepth: many\n", "scheduler.callQueueDepth", ""),
        (
            "scheduler:\n  remindersPerSecond: { call: 5 }\n", "scheduler.remindersPerSecond.call",
            "sms, email or letter"
        ),
        ("scheduler:\n  remindersPerSecond: { fax: 5 }\n", "scheduler.remindersPerSecond.fax", "sms, email or letter"),
        ("scheduler:\n  remindersPerSecond: { email: 0 }\n", "scheduler.remindersPerSecond.email", "more than 0"),
        ("scheduler:\n  remindersPerSecond: { sms: -1 }\n", "scheduler.remindersPerSecond.sms", "more than 0"),
        ("scheduler:\n  remindersPerSecond: { sms: 1e9 }\n", "scheduler.remindersPerSecond.sms", "at most 100000"),
        ("scheduler:\n  remindersPerSecond: 50\n", "scheduler.remindersPerSecond", ""),
    ])
    func aWrongValueIsRefusedWithTheField(yaml: String, field: String, problem: String) {
        #expect {
            try load(yaml)
        } throws: { error in
            let error = error as? ConfigError
            return error?.code == .invalidContent && error?.field == field
                && (problem.isEmpty || error?.problem.contains(problem) == true)
        }
    }
}
