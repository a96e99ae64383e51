import CRabbitMQ
import CRabbitMQShims
import Logging

extension RMQLoop {
    /// Most frames read in one turn before the loop looks at its inbox again.
    private static let framesPerTurn = 4096

    /// Reads and handles every frame that has arrived, without blocking.
    func readFrames() {
        inputMayBePending = false
        var channels: Set<UInt16> = []
        var count = 0
        while count < Self.framesPerTurn, handle != nil {
            let frame = attempt { handle throws(RMQFailure) in try handle.nextFrame() }
            guard case .success(let next) = frame, let next else { break }
            count += 1
            channels.insert(next.channel)
            dispatch(next)
        }
        inputMayBePending = count == Self.framesPerTurn
        for consumer in consumers.values where !consumer.arrived.isEmpty {
            let batch = consumer.arrived
            consumer.arrived.removeAll(keepingCapacity: true)
            let unwanted = consumer.request.buffer.push(batch, generation: consumer.generation)
            // Arrived after the consumer was cancelled: back to the queue at once.
            giveBack(unwanted, consumer)
        }
        if let handle {
            for channel in channels { handle.releaseBuffers(channel: channel) }
        }
    }

    private func dispatch(_ frame: amqp_frame_t) {
        guard frame.frame_type == AMQP_FRAME_METHOD else {
            // Content frames are read together with their method; a stray one means the stream is out of step.
            logger.debug("Ignoring a content frame without its method", metadata: ["amqp.channel": "\(frame.channel)"])
            return
        }
        let method = frame.payload.method
        let channel = frame.channel
        switch method.id {
        case AMQP_BASIC_DELIVER_METHOD:
            let header = method.decoded.assumingMemoryBound(to: amqp_basic_deliver_t.self).pointee
            let tag = header.delivery_tag
            let exchange = String(amqp: header.exchange)
            let routingKey = String(amqp: header.routing_key)
            let redelivered = header.redelivered != 0
            guard
                case .success(let (properties, body)) = attempt({ handle throws(RMQFailure) in
                    try handle.readContent(channel: channel)
                })
            else {
                return
            }
            deliver(
                DeliveryBuffer.Incoming(
                    body: body, properties: properties, exchange: exchange, routingKey: routingKey,
                    redelivered: redelivered, deliveryTag: tag),
                channel: channel)
        case AMQP_BASIC_ACK_METHOD:
            let ack = method.decoded.assumingMemoryBound(to: amqp_basic_ack_t.self).pointee
            publishes.confirm(tag: ack.delivery_tag, multiple: ack.multiple != 0, positive: true)
        case AMQP_BASIC_NACK_METHOD:
            let nack = method.decoded.assumingMemoryBound(to: amqp_basic_nack_t.self).pointee
            publishes.confirm(tag: nack.delivery_tag, multiple: nack.multiple != 0, positive: false)
        case AMQP_BASIC_RETURN_METHOD:
            let returned = method.decoded.assumingMemoryBound(to: amqp_basic_return_t.self).pointee
            let error = AMQPError(
                .unroutable, "no queue is bound for the message's routing key", replyCode: returned.reply_code,
                replyText: String(amqp: returned.reply_text))
            let exchange = String(amqp: returned.exchange)
            let routingKey = String(amqp: returned.routing_key)
            guard
                case .success(let (properties, _)) = attempt({ handle throws(RMQFailure) in
                    try handle.readContent(channel: channel)
                })
            else {
                return
            }
            publishes.returned(
                exchange: exchange, routingKey: routingKey, messageID: properties.messageID, error: error)
        case AMQP_BASIC_CANCEL_METHOD:
            // The broker cancelled a consumer, typically because its queue was deleted.
            if let id = consumerChannels[channel], let consumer = consumers[id] {
                endConsumer(consumer, failure: AMQPError(.consumerCancelled, "the broker cancelled the consumer"))
            }
        case AMQP_CHANNEL_CLOSE_METHOD:
            let close = method.decoded.assumingMemoryBound(to: amqp_channel_close_t.self).pointee
            recoverChannel(
                channel,
                after: AMQPError(
                    .channelClosedByServer, "the broker closed channel \(channel)", replyCode: close.reply_code,
                    replyText: String(amqp: close.reply_text)))
        case AMQP_CONNECTION_CLOSE_METHOD:
            let close = method.decoded.assumingMemoryBound(to: amqp_connection_close_t.self).pointee
            let error = AMQPError(
                .connectionClosedByServer, "the broker closed the connection", replyCode: close.reply_code,
                replyText: String(amqp: close.reply_text))
            handle?.sendConnectionCloseOKIfNeeded(.connection(error))
            connectionLost(error)
        case AMQP_CONNECTION_BLOCKED_METHOD:
            logger.info("The broker blocked publishing (resource alarm)")
        case AMQP_CONNECTION_UNBLOCKED_METHOD:
            logger.info("The broker unblocked publishing")
        default:
            logger.debug("Ignoring an unexpected method", metadata: ["amqp.method": "\(method.id)"])
        }
    }

    private func deliver(_ incoming: DeliveryBuffer.Incoming, channel: UInt16) {
        guard let id = consumerChannels[channel], let consumer = consumers[id], consumer.active else { return }
        consumer.tracker.delivered(incoming.deliveryTag)
        consumer.arrived.append(incoming)
    }

    /// Answers a broker's channel.close and restores what the channel was for.
    func recoverChannel(_ channel: UInt16, after error: AMQPError) {
        logger.debug(
            "Channel closed by the broker", metadata: ["amqp.channel": "\(channel)", "amqp.error": "\(error)"])
        if channel == Self.publishChannel { publishes.channelClosed(error) }
        let consumer = consumerChannels[channel].flatMap { consumers[$0] }
        consumer?.active = false
        guard case .success = attempt({ handle throws(RMQFailure) in try handle.acknowledgeChannelClose(channel) })
        else { return }
        switch channel {
        case Self.controlChannel:
            _ = attempt { handle throws(RMQFailure) in try handle.openChannel(channel) }
        case Self.publishChannel:
            _ = attempt { handle throws(RMQFailure) in
                try handle.openChannel(channel)
                try handle.selectConfirms(channel)
            }
        default:
            guard let consumer else { return }
            if consumer.cancelled || error.replyCode == 404 {
                endConsumer(consumer, failure: consumer.cancelled ? nil : error)
            } else {
                startConsumer(consumer)
            }
        }
    }
}
