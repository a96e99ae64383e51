import AMQP
import Contract
import Domain
import Policy

/// What Tact's processes declare on the broker for the names ``TactTopology`` gives. The names are the public
/// contract (`Contract`, no I/O); their declarations need the AMQP client, so they live here.
extension TactTopology {
    /// Queues the scheduler reads, with poison messages (delivered too often) going to the dead queue.
    private func input(_ name: String) -> AMQPTopology.Queue {
        .init(
            name, type: .quorum, deadLetterExchange: "", deadLetterRoutingKey: deadQueue, deliveryLimit: 10,
            deadLetterStrategy: .atLeastOnce)
    }

    /// Reminders wait for their senders in replicated queues; one that expires or is given back returns to the
    /// scheduler through `expiredExchange`, at least once, so a node lost at that moment loses no contact.
    private func reminders(_ channel: Channel) -> AMQPTopology.Queue {
        .init(
            reminderQueue(channel), type: .quorum, deadLetterExchange: expiredExchange,
            deadLetterStrategy: .atLeastOnce)
    }

    /// What every Tact process declares: all shared exchanges and queues (declaring is idempotent).
    public var shared: AMQPTopology {
        var topology = AMQPTopology(
            exchanges: [
                .init(intakeExchange, type: .topic), .init(outcomesExchange, type: .topic),
                .init(expiredExchange, type: .fanout),
            ],
            queues: [
                .init(deadQueue, type: .quorum), input(intakeQueue), input(outcomesQueue), input(decisionsQueue),
                input(expiredQueue), input(tasksQueue),
            ],
            bindings: [
                .init(queue: intakeQueue, exchange: intakeExchange, routingKey: "#"),
                .init(queue: outcomesQueue, exchange: outcomesExchange, routingKey: "#"),
                .init(queue: expiredQueue, exchange: expiredExchange),
            ])
        // Letters have no window to miss, so they never expire (they carry no expiration); one given back still
        // returns to the scheduler.
        topology.queues += [Channel.sms, .email, .letter].map(reminders)
        topology.queues.append(callQueueDeclaration(specialist: nil))
        topology.queues.append(checksQueueDeclaration)
        return topology
    }

    /// Classic: a question nobody answered in time is of no use, so nothing needs replicating.
    public var checksQueueDeclaration: AMQPTopology.Queue {
        .init(checksQueue, messageTTL: Self.callCheckTTL)
    }

    /// A specialist's call queue (declared when the first call for them is emitted). Classic, for its priorities
    /// (a gentle or promised call first), which RabbitMQ 3.x quorum queues lack: in a cluster it lives on one node
    /// (`docs/operations.md` says what that node's loss means).
    public func callQueueDeclaration(specialist: String?) -> AMQPTopology.Queue {
        .init(
            callQueue(specialist: specialist), deadLetterExchange: expiredExchange,
            maxPriority: Self.maximumCallPriority)
    }
}
