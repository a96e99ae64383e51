/// The one error type of the AMQP module.
///
/// Its ``description`` is a single line that names what failed and, where the broker said why, the broker's reply
/// code and text. It never contains message bodies, headers or credentials, so it is safe to log.
public struct AMQPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is. New codes can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case invalidURL, invalidConfiguration, connectionFailed, tlsFailed, authenticationFailed
            case connectionClosedByServer, channelClosedByServer, connectionLost, connectionClosed, timeout
            case protocolError, publishNacked, unroutable, staleDelivery, alreadySettled, consumerCancelled
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The URL could not be parsed; the description says which part is wrong (never the password).
        public static let invalidURL = Code(.invalidURL)
        /// A configuration value is out of range or inconsistent.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The TCP connection or the AMQP handshake could not be established.
        public static let connectionFailed = Code(.connectionFailed)
        /// The TLS handshake or certificate verification failed, or TLS files could not be loaded.
        public static let tlsFailed = Code(.tlsFailed)
        /// The broker refused the credentials.
        public static let authenticationFailed = Code(.authenticationFailed)
        /// The broker closed the connection (for example: unknown virtual host, or an operator closed it).
        public static let connectionClosedByServer = Code(.connectionClosedByServer)
        /// The broker closed the channel an operation ran on (for example: a missing exchange or queue).
        public static let channelClosedByServer = Code(.channelClosedByServer)
        /// The connection was lost and could not be re-established within the reconnect policy.
        public static let connectionLost = Code(.connectionLost)
        /// The connection was closed by this process; the operation was not carried out.
        public static let connectionClosed = Code(.connectionClosed)
        /// An operation did not complete within its configured timeout.
        public static let timeout = Code(.timeout)
        /// The broker sent something the client did not expect.
        public static let protocolError = Code(.protocolError)
        /// The broker refused responsibility for a published message (`basic.nack`).
        public static let publishNacked = Code(.publishNacked)
        /// A mandatory message could not be routed to any queue (`basic.return`).
        public static let unroutable = Code(.unroutable)
        /// The delivery came from a channel that has since closed; the broker will deliver the message again.
        public static let staleDelivery = Code(.staleDelivery)
        /// The delivery was already acknowledged, rejected or covered by a multiple acknowledgement.
        public static let alreadySettled = Code(.alreadySettled)
        /// The broker cancelled the consumer (for example because its queue was deleted).
        public static let consumerCancelled = Code(.consumerCancelled)

        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public let code: Code
    /// A short account written by this module, free of personal data.
    public let reason: String
    /// The broker's reply code (e.g. 404, 403, 406), when the broker closed something.
    public let replyCode: UInt16?
    /// The broker's reply text, when the broker closed something.
    public let replyText: String?
    /// librabbitmq's status code, when the failure came from the library.
    public let libraryStatus: Int32?

    /// Creates an error. Used by the module itself and by tests.
    public init(
        _ code: Code,
        _ reason: String,
        replyCode: UInt16? = nil,
        replyText: String? = nil,
        libraryStatus: Int32? = nil
    ) {
        self.code = code
        self.reason = reason
        self.replyCode = replyCode
        self.replyText = replyText
        self.libraryStatus = libraryStatus
    }

    public var description: String {
        var text = "AMQP \(code): \(reason)"
        if let replyCode {
            text += " (broker \(replyCode)\(replyText.map { " \($0)" } ?? ""))"
        }
        return text
    }

    /// Whether retrying the same operation later may succeed (the connection, not the request, was at fault).
    public var isTransient: Bool {
        [.connectionFailed, .connectionLost, .timeout, .connectionClosedByServer].contains(code)
    }
}
