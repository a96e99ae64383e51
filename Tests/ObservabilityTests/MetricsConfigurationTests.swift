import Foundation
import TactConfig
import Testing

/// The `metrics` section of `tact.yaml`: its ports, its defaults, and the errors a wrong one gets.
@Suite("Metrics configuration")
struct MetricsConfigurationTests {
    private func load(_ yaml: String) throws(ConfigError) -> ServiceConfiguration {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tact-metrics-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try? yaml.write(to: folder.appendingPathComponent("tact.yaml"), atomically: true, encoding: .utf8)
        return try ServiceConfiguration.load(from: ConfigDirectory(url: folder), environment: [:])
    }

    @Test("ports are read; a file without the section serves no metrics")
    func ports() throws {
        let configured = try load("metrics:\n  schedulerPort: 9470\n  workerPort: 0\n")
        #expect(configured.metrics.schedulerPort == 9470)
        #expect(configured.metrics.workerPort == 0)
        let without = try load("store:\n  path: x.sqlite\n")
        #expect(without.metrics.schedulerPort == 0 && without.metrics.workerPort == 0)
    }

    @Test("endpoints listen on loopback unless the file names another IPv4 address")
    func host() throws {
        #expect(try load("metrics:\n  schedulerPort: 9470\n").metrics.host == "127.0.0.1")
        #expect(try load("metrics:\n  host: 0.0.0.0\n").metrics.host == "0.0.0.0")
        for wrong in ["localhost", "256.1.1.1", "10.0.0", "::1", "1.2.3.4.5", "１.2.3.4", "127.000.0.1"] {
            #expect("\(wrong)") { try load("metrics:\n  host: \"\(wrong)\"\n") } throws: { error in
                let error = error as? ConfigError
                return error?.field == "metrics.host" && error?.code == .invalidContent
            }
        }
    }

    @Test("the shipped Config/tact.yaml serves the scheduler on 9470 and workers from 9471")
    func shipped() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let shipped = try ServiceConfiguration.load(
            from: ConfigDirectory(url: repository.appendingPathComponent("Config")), environment: [:])
        #expect(shipped.metrics.schedulerPort == 9470 && shipped.metrics.workerPort == 9471)
        #expect(shipped.metrics.host == "127.0.0.1")
    }

    @Test("a port out of range or a misspelt key is refused with the field named")
    func errors() {
        #expect { try load("metrics:\n  workerPort: 70000\n") } throws: { error in
            let error = error as? ConfigError
            return error?.field == "metrics.workerPort" && error?.code == .invalidContent
        }
        #expect { try load("metrics:\n  schedulerPort: -1\n") } throws: { error in
            (error as? ConfigError)?.field == "metrics.schedulerPort"
        }
        #expect { try load("metrics:\n  port: 9470\n") } throws: { error in
            let error = error as? ConfigError
            return error?.field == "metrics.port" && error?.problem.contains("host, schedulerPort, workerPort") == true
        }
    }
}
