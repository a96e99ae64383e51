import AMQP
import ServiceLifecycle

/// Runs `lane` once per consumer, side by side, until every lane returns (a lane returns when its consumer is
/// cancelled, after finishing what it holds). A graceful shutdown sets `stopping`, calls `shuttingDown` and cancels
/// every consumer: what the worker's and the senders' lanes share.
public func runLanes(
    _ consumers: [AMQPConsumer], stopping: StopFlag, shuttingDown: @escaping @Sendable () -> Void,
    lane: @escaping @Sendable (AMQPConsumer) async throws -> Void
) async throws {
    try await withGracefulShutdownHandler {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for consumer in consumers { group.addTask { try await lane(consumer) } }
            try await group.waitForAll()
        }
    } onGracefulShutdown: {
        shuttingDown()
        stopping.set()
        for consumer in consumers { consumer.requestCancel() }
    }
}
