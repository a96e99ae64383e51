import Foundation
import Glibc
import Synchronization

/// Progress on stderr: a bar redrawn in place on a terminal, or one plain line per step otherwise (logs and CI
/// keep counts, not carriage returns).
package final class PlaceProgress: Sendable {
    private struct State {
        var label = ""
        var lastDraw = ContinuousClock.now - .seconds(1)
        var drawn = false
    }

    package let isTerminal: Bool
    private let state = Mutex(State())

    package init(isTerminal: Bool = isatty(STDERR_FILENO) == 1) { self.isTerminal = isTerminal }

    /// Starts a step, e.g. "checking"; on a terminal the bar follows.
    package func begin(_ label: String) {
        state.withLock { $0 = State(label: label) }
    }

    /// `done` of `total` units (bytes, messages); on a terminal, redrawn at most ten times a second.
    package func update(_ done: Int, of total: Int, unit: String) {
        guard isTerminal else { return }
        state.withLock { state in
            let now = ContinuousClock.now
            guard done >= total || now - state.lastDraw >= .milliseconds(100) else { return }
            state.lastDraw = now
            state.drawn = true
            let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
            let width = 30
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            let counts =
                unit == "bytes"
                ? String(format: "%.1f/%.1f MB", Double(done) / 1e6, Double(total) / 1e6) : "\(done)/\(total) \(unit)"
            let text = "\r\(state.label) [\(bar)] \(Int(fraction * 100))% \(counts)"
            FileHandle.standardError.write(Data(text.utf8))
        }
    }

    /// Ends the step with a plain line of counts (which also ends the bar's line on a terminal).
    package func end(_ summary: String) {
        let drawn = state.withLock { $0.drawn }
        let prefix = isTerminal && drawn ? "\r\u{1B}[K" : ""
        FileHandle.standardError.write(Data("\(prefix)tact place: \(summary)\n".utf8))
    }
}
