/// Runs work every so often until cancelled: how services refresh gauges that are read rather than counted.
public enum PeriodicTask {
    /// Starts running `body` now and then every `interval`; cancel the task to stop it (it stops at once, even
    /// in the middle of a wait).
    public static func start(
        every interval: Duration, _ body: @escaping @Sendable () async -> Void
    ) -> Task<Void, Never> {
        Task {
            while !Task.isCancelled {
                await body()
                try? await Task.sleep(for: interval)
            }
        }
    }
}
