import CRabbitMQ
import CRabbitMQShims

/// Why a librabbitmq call failed, sorted by what the loop must do about it.
enum RMQFailure: Error {
    /// The connection is unusable (socket error, heartbeat timeout, connection.close): tear down and reconnect.
    case connection(AMQPError)
    /// The broker closed one channel; `channel.close-ok` must be sent and the channel reopened.
    case channel(UInt16, AMQPError)
    /// The request was refused before reaching the broker; nothing else is affected.
    case request(AMQPError)

    var error: AMQPError {
        switch self {
        case .connection(let error), .channel(_, let error), .request(let error): error
        }
    }

    /// Maps a library status code (negative `amqp_status_enum`).
    static func status(_ status: Int32, _ what: String) -> RMQFailure {
        let text = String(cString: amqp_error_string2(status))
        let code: AMQPError.Code
        switch status {
        case AMQP_STATUS_TIMEOUT.rawValue: code = .timeout
        case AMQP_STATUS_HOSTNAME_RESOLUTION_FAILED.rawValue, AMQP_STATUS_TCP_ERROR.rawValue,
            AMQP_STATUS_SOCKET_ERROR.rawValue:
            code = .connectionFailed
        case AMQP_STATUS_SSL_ERROR.rawValue, AMQP_STATUS_SSL_HOSTNAME_VERIFY_FAILED.rawValue,
            AMQP_STATUS_SSL_PEER_VERIFY_FAILED.rawValue, AMQP_STATUS_SSL_CONNECTION_FAILED.rawValue:
            code = .tlsFailed
        case AMQP_STATUS_CONNECTION_CLOSED.rawValue, AMQP_STATUS_SOCKET_CLOSED.rawValue,
            AMQP_STATUS_HEARTBEAT_TIMEOUT.rawValue:
            code = .connectionLost
        case AMQP_STATUS_TABLE_TOO_BIG.rawValue, AMQP_STATUS_INVALID_PARAMETER.rawValue:
            return .request(AMQPError(.invalidConfiguration, "\(what): \(text)", libraryStatus: status))
        default: code = .protocolError
        }
        return .connection(AMQPError(code, "\(what): \(text)", libraryStatus: status))
    }

    /// Maps the reply of a synchronous method (`amqp_get_rpc_reply`).
    static func reply(_ reply: amqp_rpc_reply_t, channel: UInt16, _ what: String) -> RMQFailure? {
        switch reply.reply_type {
        case AMQP_RESPONSE_NORMAL:
            return nil
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            return status(Int32(reply.library_error), what)
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            switch reply.reply.id {
            case AMQP_CONNECTION_CLOSE_METHOD:
                let close = reply.reply.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
                let code: AMQPError.Code = close.reply_code == 403 ? .authenticationFailed : .connectionClosedByServer
                return .connection(
                    AMQPError(
                        code, "\(what): the broker closed the connection", replyCode: close.reply_code,
                        replyText: String(amqp: close.reply_text)))
            case AMQP_CHANNEL_CLOSE_METHOD:
                let close = reply.reply.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
                return .channel(
                    channel,
                    AMQPError(
                        .channelClosedByServer, "\(what): the broker closed the channel",
                        replyCode: close.reply_code, replyText: String(amqp: close.reply_text)))
            default:
                return .connection(AMQPError(.protocolError, "\(what): unexpected method \(reply.reply.id)"))
            }
        default:
            return .connection(AMQPError(.protocolError, "\(what): no reply"))
        }
    }
}
