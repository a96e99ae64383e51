import Foundation
import TactTestKit
import Testing

/// The tool suites' installation: the test kit's, with its default settings (us-regf by default).
typealias ToolInstallation = TactInstallation

extension TactInstallation {
    /// Runs `body` with a fresh installation and tears it down afterwards, whatever `body` did.
    static func with(_ body: (TactInstallation) async throws -> Void) async throws {
        try await with(label: "tool", body)
    }
}

/// Personal data the fixtures use: none of it may appear in any tool's output unless asked for.
enum PersonalData {
    static let name = "Jordan Q. Example"
    static let phone = "+13125550199"
    static let email = "jordan.example@example.com"
    static let address = "1 Example Way, Springfield"
    static var all: [String] { [name, phone, email, address] }

    /// Checks that `text` holds none of it.
    static func expectNone(in text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for value in all {
            #expect(!text.contains(value), "personal data in the output", sourceLocation: sourceLocation)
        }
    }
}

/// One line of error on stderr, named after the command, and never a crash report or stack trace.
func expectOneLineError(
    _ run: ChildProcess.Result, command: String, status: Int32, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(run.status == status, "exit status", sourceLocation: sourceLocation)
    let lines = run.stderr.split(separator: "\n")
    #expect(lines.count == 1, "one line: \(run.stderr)", sourceLocation: sourceLocation)
    #expect(run.stderr.hasPrefix("tact \(command): error: "), "\(run.stderr)", sourceLocation: sourceLocation)
    #expect(!run.output.contains("Fatal error") && !run.output.contains("Stack dump"), sourceLocation: sourceLocation)
}
