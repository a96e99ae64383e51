import Foundation

/// A RabbitMQ cluster of its own on loopback (`scripts/broker cluster`), for a test that stops one of its nodes.
/// Ports are picked at random so that runs side by side do not meet; ``stop()`` stops every node and removes the
/// folder.
public struct BrokerCluster: Sendable {
    public let nodes: Int
    /// The first node's AMQP port; node `i` listens on `basePort + i`.
    public let basePort: Int
    public let folder: URL
    /// Every node's URL, comma-separated, in node order (what `cluster start` printed).
    public let urls: String

    /// Starts `nodes` nodes and joins them.
    public static func start(nodes: Int = 3) async throws -> BrokerCluster {
        let base = Int.random(in: 36_000...43_000)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tact-cluster-\(base)")
        let started = try await run([
            "cluster", "start", "--nodes", "\(nodes)", "--port", "\(base)", "--dir", folder.path,
        ])
        let cluster = BrokerCluster(
            nodes: nodes, basePort: base, folder: folder,
            urls: started.stdout.split(separator: "\n").last.map(String.init) ?? "")
        guard started.status == 0, !cluster.urls.isEmpty else {
            await cluster.stop()
            throw TestKitError("the cluster did not start: \(started.output)")
        }
        return cluster
    }

    /// The URLs of the nodes in the given order, comma-separated: where a client connects first, and then.
    public func urls(order: [Int]) -> String {
        let list = urls.split(separator: ",").map(String.init)
        return order.map { list[$0] }.joined(separator: ",")
    }

    /// Stops node `index` (0-based), as its host going away would.
    public func stopNode(_ index: Int) async throws {
        let port = basePort + index
        let stopped = try await Self.run([
            "stop", "--port", "\(port)", "--dir", folder.appendingPathComponent("node-\(port)").path,
        ])
        guard stopped.status == 0 else { throw TestKitError("node \(index) did not stop: \(stopped.output)") }
    }

    /// Stops every node still running and removes the folder.
    public func stop() async {
        _ = try? await Self.run([
            "cluster", "stop", "--nodes", "\(nodes)", "--port", "\(basePort)", "--dir", folder.path,
        ])
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs `body` with a cluster, stopped whatever happens: nodes left running would outlive the test run.
    public static func with<T>(nodes: Int = 3, _ body: (BrokerCluster) async throws -> T) async throws -> T {
        let cluster = try await start(nodes: nodes)
        do {
            let result = try await body(cluster)
            await cluster.stop()
            return result
        } catch {
            await cluster.stop()
            throw error
        }
    }

    private static func run(_ arguments: [String]) async throws -> ChildProcess.Result {
        try await ChildProcess.run(Repository.path("scripts/broker"), arguments, timeout: .seconds(240))
    }
}
