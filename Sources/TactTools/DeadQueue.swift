import AMQP
import Contract
import Intake
import Logging

/// The messages of `<prefix>.dead`, held (unacknowledged) while a tool looks at them. AMQP has no way to read a
/// queue without taking its messages, so a tool takes them and gives back, untouched (`nack` with requeue), every
/// one it does not replay; if the tool dies meanwhile, the broker gives them back by itself.
package final class DeadQueue {
    package let connection: AMQPConnection
    package let topology: TactTopology
    package private(set) var letters: [DeadLetter] = []
    /// How many the queue held when the tool looked.
    package private(set) var count = 0

    private init(connection: AMQPConnection, topology: TactTopology) {
        self.connection = connection
        self.topology = topology
    }

    /// Takes up to `limit` messages (all when `nil`): those the queue held when asked, or fewer if they stop
    /// arriving for `quiet` (another consumer took some).
    package static func open(
        amqp: AMQPConfiguration, prefix: String, limit: Int?, quiet: Duration = .seconds(3)
    ) async throws -> DeadQueue {
        var amqp = amqp
        amqp.reconnect = .never
        let connection = try await AMQPConnection.connect(amqp, logger: Logger(label: "tact"))
        let queue = DeadQueue(connection: connection, topology: TactTopology(prefix: prefix))
        do {
            try await queue.take(limit: limit, quiet: quiet)
        } catch {
            await connection.close()
            throw error
        }
        return queue
    }

    private func take(limit: Int?, quiet: Duration) async throws {
        let name = topology.deadQueue
        let state: AMQPQueueState
        do {
            state = try await connection.queueState(name)
        } catch let error as AMQPError where error.replyCode == 404 {
            throw PlaceError("no queue \(name) on the broker: nothing was ever refused, or the prefix is not this one")
        }
        count = Int(state.messageCount)
        let wanted = min(count, limit ?? Int.max)
        guard wanted > 0 else { return }
        // Prefetch caps what the broker sends ahead; 0 (no limit) when more than a UInt16 is wanted.
        let consumer = try await connection.consume(queue: name, prefetch: UInt16(exactly: wanted) ?? 0)
        while letters.count < wanted {
            let remaining = wanted - letters.count
            let batch = try await consumer.next(upTo: remaining, timeout: quiet)
            if batch.isEmpty { break }
            letters += batch.map(DeadLetter.init)
        }
    }

    /// Gives back every message not yet settled, untouched, and closes the connection.
    package func close(givingBack: [DeadLetter]) async {
        for letter in givingBack { try? letter.delivery.nack(requeue: true) }
        // A round trip after the settlements, so they have reached the broker before the connection closes.
        _ = try? await connection.queueState(topology.deadQueue)
        await connection.close()
    }
}
