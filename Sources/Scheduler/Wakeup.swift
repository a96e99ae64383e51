import Synchronization

/// Wakes one loop that waits for work. A signal while the loop is busy is kept for its next wait, so no work is
/// missed between a check and a wait; signals are not counted.
final class Wakeup: Sendable {
    private struct State {
        var pending = false
        var waiter: CheckedContinuation<Void, Never>?
        /// Changes whenever a wait ends, so a late timer cannot end the next one.
        var round = 0
    }

    private let state = Mutex(State())

    func signal() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.pending = true
                return nil
            }
            state.waiter = nil
            state.round += 1
            return waiter
        }
        waiter?.resume()
    }

    /// Returns at the next signal (at once if one is pending) or after `timeout`, whichever comes first.
    func wait(timeout: Duration) async {
        let round = state.withLock { state -> Int? in
            if state.pending {
                state.pending = false
                return nil
            }
            return state.round
        }
        guard let round else { return }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.expire(round)
            }
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    if state.pending || state.round != round {
                        state.pending = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
            group.cancelAll()
        }
    }

    private func expire(_ round: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard state.round == round else { return nil }
            state.round += 1
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}
