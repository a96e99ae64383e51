/// Why the metrics and health endpoint could not be served.
public struct ObservabilityError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The address is not an IPv4 address.
        case invalidAddress = "invalid-address"
        /// No socket could be created (too many open files, …).
        case cannotCreateSocket = "cannot-create-socket"
        /// Another process listens on the port.
        case portInUse = "port-in-use"
        /// The port needs privileges, or the address is not this host's.
        case cannotBind = "cannot-bind"
        case cannotListen = "cannot-listen"
    }

    public var code: Code
    /// One line for operators: the address and what the system said.
    public var reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "metrics endpoint: \(code.rawValue): \(reason)" }
}
