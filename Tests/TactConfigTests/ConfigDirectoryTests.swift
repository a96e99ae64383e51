import Foundation
import TactConfig
import Testing

@Suite struct ConfigDirectoryTests {
    @Test func optionWinsOverEnvironmentAndWorkingDirectory() throws {
        let option = try temporaryDirectory()
        let environment = try temporaryDirectory()
        defer {
            cleanUp(option)
            cleanUp(environment)
        }
        let found = try ConfigDirectory.locate(
            option: option.path, environment: [ConfigDirectory.environmentVariable: environment.path],
            workingDirectory: repositoryRoot.path, executable: nil)
        #expect(found.source == .option)
        #expect(found.url.path == option.standardizedFileURL.path)
    }

    @Test func environmentComesNext() throws {
        let environment = try temporaryDirectory()
        defer { cleanUp(environment) }
        let found = try ConfigDirectory.locate(
            environment: [ConfigDirectory.environmentVariable: environment.path], workingDirectory: repositoryRoot.path,
            executable: nil)
        #expect(found.source == .environment)
    }

    @Test func thenConfigInTheWorkingDirectory() throws {
        let found = try ConfigDirectory.locate(environment: [:], workingDirectory: repositoryRoot.path, executable: nil)
        #expect(found.source == .workingDirectory)
        #expect(found.url.path == repositoryRoot.appendingPathComponent("Config").path)
    }

    @Test func thenWalksUpFromTheExecutable() throws {
        let elsewhere = try temporaryDirectory()
        defer { cleanUp(elsewhere) }
        let executable = repositoryRoot.appendingPathComponent(".build/release/tact")
        let found = try ConfigDirectory.locate(
            environment: [:], workingDirectory: elsewhere.path, executable: executable)
        #expect(found.source == .executable)
        #expect(found.url.path == repositoryRoot.appendingPathComponent("Config").path)
    }

    @Test func aMissingExplicitDirectoryIsAnErrorNotAFallthrough() {
        #expect(throws: ConfigError.self) {
            try ConfigDirectory.locate(
                option: "/nonexistent/tact-config", environment: [:], workingDirectory: repositoryRoot.path)
        }
        #expect(throws: ConfigError.self) {
            try ConfigDirectory.locate(
                environment: [ConfigDirectory.environmentVariable: "/nonexistent/tact-config"],
                workingDirectory: repositoryRoot.path)
        }
    }

    @Test func nothingFoundIsAnError() throws {
        let elsewhere = try temporaryDirectory()
        defer { cleanUp(elsewhere) }
        #expect(throws: ConfigError.self) {
            try ConfigDirectory.locate(
                environment: [:], workingDirectory: elsewhere.path, executable: elsewhere.appendingPathComponent("tact")
            )
        }
    }
}
