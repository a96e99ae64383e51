extension RMQLoop {
    /// Carries out callers' commands in order. Settlements are gathered, so that a batch of acknowledgements
    /// becomes a few frames, and sent before the next cancel or close and at the end. A cancel resumes its caller
    /// at once: gathered acknowledgements sent after it could be lost with a process that exits then (`tact next`
    /// acknowledges its call, cancels and exits; under load the broker delivered the call again). Without a
    /// connection, work is kept for the next one.
    func execute(_ commands: [RMQCommand]) {
        var settlements: [Int: [RMQSettlement]] = [:]
        func sendGathered() {
            for (consumerID, batch) in settlements {
                guard let consumer = consumers[consumerID], consumer.active else { continue }
                // Settlements from a channel that has since closed are dropped: the broker redelivers those
                // messages.
                sendSettlements(batch.filter { $0.generation == consumer.generation }, consumer)
            }
            settlements = [:]
        }
        for command in commands {
            switch command {
            case .settle(let settlement):
                settlements[settlement.consumerID, default: []].append(settlement)
            case .cancel, .close:
                sendGathered()
                execute(command)
            default:
                execute(command)
            }
        }
        sendGathered()
    }

    private func execute(_ command: RMQCommand) {
        switch command {
        case .publish(let messages, let continuation):
            publishes.enqueue(PublishPipeline.Batch(messages, continuation: continuation))
        case .operation(let operation, let continuation):
            run(PendingOperation(operation: operation, continuation: continuation))
        case .consume(let request, let continuation):
            let channel = (consumers.values.map(\.channel).max() ?? Self.firstConsumerChannel - 1) + 1
            let consumer = Consumer(request, channel: channel, start: continuation)
            consumers[request.consumerID] = consumer
            consumerChannels[channel] = request.consumerID
            if handle != nil { startConsumer(consumer) }
        case .cancel(let consumerID, let continuation):
            cancelConsumer(consumerID)
            continuation?.resume()
        case .settle:
            break  // Gathered by execute(_:) above.
        case .close(let continuation):
            if let continuation { closeWaiters.append(continuation) }
            guard closeDeadline == nil else { return }
            closeDeadline = .now + configuration.rpcTimeout
            // Commands queued after the close are refused; the ones before it still run.
            for late in inbox.close(with: AMQPError(.connectionClosed, "the connection is closing")) {
                fail(late, AMQPError(.connectionClosed, "the connection is closing"))
            }
        }
    }

    func run(_ pending: PendingOperation) {
        guard handle != nil else {
            operations.append(pending)
            return
        }
        let channel = Self.controlChannel
        let result = attempt { handle throws(RMQFailure) -> RMQOperationResult in
            switch pending.operation {
            case .declare(let topology):
                try handle.declare(topology, channel: channel)
                return .done
            case .queueState(let name): return .queueState(try handle.queueState(name, channel: channel))
            case .deleteQueue(let name): return .messageCount(try handle.deleteQueue(name, channel: channel))
            case .purgeQueue(let name): return .messageCount(try handle.purgeQueue(name, channel: channel))
            case .deleteExchange(let name):
                try handle.deleteExchange(name, channel: channel)
                return .done
            }
        }
        switch result {
        case .success(let value):
            if case .declare(let topology) = pending.operation { topologies.append(topology) }
            pending.continuation.resume(returning: value)
        case .failure(.connection(let error)):
            var retry = pending
            retry.attempts += 1
            if retry.attempts < 3 && pending.operation.isIdempotent {
                operations.append(retry)
            } else {
                pending.continuation.resume(throwing: error)
            }
        case .failure(let failure):
            pending.continuation.resume(throwing: failure.error)
        }
    }

    /// Sends queued publishes while the confirm window has room.
    func sendPublishes() {
        let window = configuration.maxUnconfirmedPublishes
        while let handle, let entry = publishes.nextToSend(window: window) {
            // Counted as sent first: if the socket fails mid-publish, connectionLost() requeues it with the rest.
            publishes.sent(entry)
            do throws(RMQFailure) {
                try handle.publish(entry.message, channel: Self.publishChannel)
            } catch .request(let error) {
                // Refused while encoding, possibly after the method frame went out: fail this one message and
                // start a fresh connection rather than trust the stream.
                publishes.unsend(error)
                connectionLost(error)
            } catch {
                connectionLost(error.error)
            }
        }
    }

    func startConsumer(_ consumer: Consumer) {
        consumer.generation = nextGeneration()
        consumer.request.buffer.beginGeneration(consumer.generation)
        consumer.tracker.reset()
        consumer.arrived.removeAll()
        let request = consumer.request
        let result = attempt { handle throws(RMQFailure) in
            try handle.openChannel(consumer.channel)
            try handle.consume(
                request.queue, tag: consumer.tag, prefetch: request.prefetch, exclusive: request.exclusive,
                arguments: request.arguments, channel: consumer.channel)
        }
        switch result {
        case .success:
            consumer.active = true
            consumer.pendingStart?.resume(returning: consumer.tag)
            consumer.pendingStart = nil
        case .failure(.connection):
            break  // Started again after the reconnect.
        case .failure(let failure):
            // The broker refused the consume (missing queue, exclusive use, access): nothing to renew.
            endConsumer(consumer, failure: failure.error)
        }
    }

    func cancelConsumer(_ consumerID: Int) {
        guard let consumer = consumers[consumerID], !consumer.cancelled else { return }
        consumer.cancelled = true
        if consumer.active {
            _ = attempt { handle throws(RMQFailure) in try handle.cancel(tag: consumer.tag, channel: consumer.channel) }
        }
        let unused = consumer.request.buffer.finish(failure: nil)
        giveBack(unused, consumer)
    }

    /// Removes a consumer that cannot continue and ends its sequence with `failure`.
    func endConsumer(_ consumer: Consumer, failure: AMQPError?) {
        consumer.active = false
        consumer.cancelled = true
        consumer.pendingStart?.resume(throwing: failure ?? AMQPError(.consumerCancelled, "the consumer was cancelled"))
        consumer.pendingStart = nil
        consumer.request.buffer.finish(failure: failure)
        consumers[consumer.request.consumerID] = nil
        consumerChannels[consumer.channel] = nil
    }

    /// Returns deliveries nobody will process to the queue, so they need not wait for the channel to close.
    func giveBack(_ tags: [UInt64], _ consumer: Consumer) {
        let settlements = tags.map {
            RMQSettlement(
                consumerID: consumer.request.consumerID, generation: consumer.generation, deliveryTag: $0,
                kind: .nack(requeue: true), multiple: false)
        }
        sendSettlements(settlements, consumer)
    }

    private func sendSettlements(_ settlements: [RMQSettlement], _ consumer: Consumer) {
        guard consumer.active, !settlements.isEmpty else { return }
        for frame in consumer.tracker.settle(settlements) {
            guard
                case .success = attempt({ handle throws(RMQFailure) in
                    try handle.settle(frame, channel: consumer.channel)
                })
            else { return }
        }
    }

    /// Runs librabbitmq calls on the live connection and deals with failures the same way everywhere: a closed
    /// channel is acknowledged and reopened, a broken connection is dropped for the reconnect loop.
    func attempt<T>(
        _ body: (RMQConnectionHandle) throws(RMQFailure) -> T
    ) -> Result<T, RMQFailure> {
        guard let handle else { return .failure(.connection(AMQPError(.connectionLost, "not connected"))) }
        do throws(RMQFailure) {
            return .success(try body(handle))
        } catch {
            switch error {
            case .connection(let cause):
                handle.sendConnectionCloseOKIfNeeded(error)
                connectionLost(cause)
            case .channel(let channel, let cause):
                recoverChannel(channel, after: cause)
            case .request:
                break
            }
            return .failure(error)
        }
    }
}
