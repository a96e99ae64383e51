import Foundation
import Glibc

/// What the machine running the tests offers, for `.enabled(if:)` traits: a test that needs a broker is skipped,
/// not failed, where there is none.
public enum TestEnvironment {
    private static let variables = ProcessInfo.processInfo.environment

    /// `TACT_AMQP_URL` (scripts/test sets it), else a broker on the default local port.
    public static let brokerURL = variables["TACT_AMQP_URL"] ?? "amqp://guest:guest@127.0.0.1:5672/"

    /// A broker to test against: `TACT_AMQP_URL` is set, or something listens on the default local port.
    public static let hasBroker: Bool = variables["TACT_AMQP_URL"] != nil || listens(port: 5672)

    /// The test broker's port and folder (scripts/test sets them), which `scripts/broker ctl` needs to act on it.
    public static let brokerControl: (port: String, directory: String)? = {
        guard let port = variables["TACT_BROKER_PORT"], let directory = variables["TACT_BROKER_DIR"] else { return nil }
        return (port, directory)
    }()

    /// Whether the broker can be controlled (connections closed, users added): only a broker scripts/test started.
    public static var controlsBroker: Bool { brokerControl != nil }

    /// Tests that close every connection on the broker, run alone (scripts/test sets TACT_FAULT_TESTS=1 for them).
    public static let faultTests = variables["TACT_FAULT_TESTS"] == "1"

    /// Whether something accepts connections on 127.0.0.1:`port` (loopback: refused at once when nothing does).
    static func listens(port: UInt16) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = port.bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
