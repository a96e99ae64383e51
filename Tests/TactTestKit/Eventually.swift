/// Waits until `condition` holds, polling every `interval`; throws (failing the test) after `timeout`.
public func eventually(
    _ what: String, timeout: Duration = .seconds(20), every interval: Duration = .milliseconds(50),
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: interval)
    }
    throw TestKitError("\(what): not within \(timeout)")
}
