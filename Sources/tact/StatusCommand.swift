import AMQP
import ArgumentParser
import Contract
import Domain
import Foundation
import Glibc
import Intake
import Logging
import Policy
import Store
import TactConfig
import TactTools

/// `tact status`: one screen for operators — queue depths and consumers, the backlog of due tasks, what is in
/// flight, pending and deferred, dead letters, and which scheduler and workers are at work. Reads the broker
/// (passive declarations only) and the store (read-only), so it runs beside the services without disturbing them.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show queues, consumers, due and deferred tasks, dead letters and the processes at work.",
        discussion: """
            Broker: TACT_AMQP_URL; store: store.path in tact.yaml, or TACT_STORE. A broker that cannot be reached \
            or a store that does not exist yet is one line of the output; without --watch the exit status is then 1.
            """)

    @Flag(help: "Refresh until interrupted (Ctrl-C), every SECONDS.") var watch = false
    @Argument(help: "Seconds between refreshes with --watch (default 2).") var seconds: Int?
    @Flag(help: "JSON instead of text: one document (one line) per refresh.") var json = false
    @OptionGroup var options: ServiceOptions

    func validate() throws {
        guard let seconds else { return }
        guard watch else { throw ValidationError("SECONDS goes with --watch") }
        guard seconds >= 1 else { throw ValidationError("SECONDS must be 1 or more") }
    }

    func run() async throws {
        let reader: StatusReader
        do {
            reader = try StatusReader(ServiceEnvironment(options))
        } catch {
            throw fail("status", error)
        }
        // On a terminal each refresh replaces the screen; into a file or a pipe the blocks follow each other.
        let clearScreen = watch && !json && isatty(STDOUT_FILENO) == 1
        while true {
            let snapshot = await reader.read()
            var text = json ? StatusJSON.line(snapshot) + "\n" : StatusText.render(snapshot)
            if clearScreen { text = "\u{1B}[H\u{1B}[2J" + text } else if watch && !json { text += "\n" }
            // Written at once, unbuffered, so that a pipe sees each refresh as it happens.
            FileHandle.standardOutput.write(Data(text.utf8))
            guard watch else { break }
            try await Task.sleep(for: .seconds(seconds ?? 2))
        }
        await reader.close()
        if reader.failed { throw ExitCode(1) }
    }
}

/// Reads status snapshots, keeping the broker connection and the store open between refreshes and opening them
/// again when they fail (a broker restarted, a store created meanwhile).
final class StatusReader {
    private let amqp: Result<AMQPConfiguration, any Error>
    private let storePath: String
    private let topology: TactTopology
    private let identity: Identity
    /// The longest time any rulebook gives a validation notice.
    private let validationDays: Int?
    private var connection: AMQPConnection?
    private var store: SQLiteReadOnlyStore?
    /// Whether the last snapshot lacks the broker's or the store's half.
    private(set) var failed = false

    init(_ environment: ServiceEnvironment) {
        storePath = environment.configuration.storePath
        topology = TactTopology(prefix: environment.configuration.exchangePrefix)
        identity = environment.configuration.identity
        validationDays = environment.rulebooks.values.compactMap(\.validationNotice?.days).max()
        amqp = Result {
            var amqp = try environment.amqp(connectionName: "tact-status")
            // A status screen says at once that the broker is down, rather than waiting for it.
            amqp.reconnect = .never
            amqp.connectTimeout = .seconds(3)
            return amqp
        }
    }

    func read() async -> StatusSnapshot {
        let now = Instant(Date())
        var snapshot = StatusSnapshot(at: now, prefix: topology.prefix)
        snapshot.identity = StatusSnapshot.describe(identity)
        var specialists: [String] = []
        do {
            let store = try self.store ?? SQLiteReadOnlyStore(path: storePath)
            self.store = store
            (snapshot.store, specialists) = try await StatusSnapshot.readStore(
                store, at: now, validationDays: validationDays)
        } catch {
            snapshot.storeError = oneLine(error)
            try? store?.close()
            store = nil
        }
        do {
            let connection = try await connect()
            snapshot.broker = try await StatusSnapshot.readBroker(
                connection, topology: topology, specialists: specialists)
        } catch {
            snapshot.brokerError = oneLine(error)
            await connection?.close()
            connection = nil
        }
        failed = snapshot.brokerError != nil || snapshot.storeError != nil
        return snapshot
    }

    func close() async {
        await connection?.close()
        try? store?.close()
    }

    private func connect() async throws -> AMQPConnection {
        if let connection, connection.isConnected { return connection }
        await connection?.close()
        connection = nil
        let fresh = try await AMQPConnection.connect(try amqp.get(), logger: Logger(label: "tact"))
        connection = fresh
        return fresh
    }

    private func oneLine(_ error: any Error) -> String {
        "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
