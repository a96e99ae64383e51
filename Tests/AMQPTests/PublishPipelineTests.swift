import Testing

@testable import AMQP

/// Drives the confirm bookkeeping with the frames a broker could send, without a broker.
@Suite struct PublishPipelineTests {
    private func messages(_ count: Int, mandatory: Bool = false) -> [AMQPMessage] {
        (0..<count).map {
            AMQPMessage(
                exchange: "x", routingKey: $0 % 2 == 0 ? "even" : "odd", body: [UInt8($0)],
                properties: AMQPProperties(messageID: "\($0)"), mandatory: mandatory)
        }
    }

    /// Enqueues one batch, sends everything the window allows, then applies `broker` to the pipeline.
    private func run(
        _ batch: [AMQPMessage], window: Int = 100, broker: (inout PublishPipeline) -> Void
    ) async -> [Result<Void, AMQPError>] {
        await withCheckedContinuation { continuation in
            var pipeline = PublishPipeline()
            pipeline.enqueue(PublishPipeline.Batch(batch, continuation: continuation))
            while let entry = pipeline.nextToSend(window: window) { pipeline.sent(entry) }
            broker(&pipeline)
        }
    }

    private func outcome(_ results: [Result<Void, AMQPError>]) -> [String] {
        results.map {
            switch $0 {
            case .success: "ok"
            case .failure(let error): "\(error.code)"
            }
        }
    }

    @Test func singleAndMultipleAcksConfirmInAnyOrder() async {
        let results = await run(messages(5)) { pipeline in
            pipeline.confirm(tag: 3, multiple: false, positive: true)
            pipeline.confirm(tag: 2, multiple: true, positive: true)
            #expect(pipeline.unconfirmedCount == 2)
            pipeline.confirm(tag: 5, multiple: false, positive: true)
            pipeline.confirm(tag: 4, multiple: false, positive: true)
            #expect(pipeline.isIdle)
        }
        #expect(outcome(results) == ["ok", "ok", "ok", "ok", "ok"])
    }

    @Test func nacksFailOnlyTheirMessages() async {
        let results = await run(messages(4)) { pipeline in
            pipeline.confirm(tag: 2, multiple: false, positive: false)
            pipeline.confirm(tag: 4, multiple: true, positive: true)
            // A duplicate or stale confirm changes nothing.
            pipeline.confirm(tag: 1, multiple: false, positive: false)
        }
        #expect(outcome(results) == ["ok", "publishNacked", "ok", "ok"])
    }

    @Test func aReturnFailsTheEarliestMatchingMandatoryPublish() async {
        let results = await run(messages(4, mandatory: true)) { pipeline in
            let returned = AMQPError(.unroutable, "no route", replyCode: 312)
            pipeline.returned(exchange: "x", routingKey: "odd", messageID: nil, error: returned)
            pipeline.returned(exchange: "x", routingKey: "even", messageID: "2", error: returned)
            pipeline.confirm(tag: 4, multiple: true, positive: true)
        }
        #expect(outcome(results) == ["ok", "unroutable", "unroutable", "ok"])
    }

    @Test func theWindowLimitsUnconfirmedMessages() async {
        let results = await run(messages(10), window: 3) { pipeline in
            #expect(pipeline.unconfirmedCount == 3)
            #expect(pipeline.nextToSend(window: 3) == nil)
            pipeline.confirm(tag: 2, multiple: true, positive: true)
            var sent = 0
            while let entry = pipeline.nextToSend(window: 3) {
                pipeline.sent(entry)
                sent += 1
            }
            #expect(sent == 2)
            pipeline.confirm(tag: 5, multiple: true, positive: true)
            while let entry = pipeline.nextToSend(window: 10) { pipeline.sent(entry) }
            pipeline.confirm(tag: 10, multiple: true, positive: true)
        }
        #expect(outcome(results) == Array(repeating: "ok", count: 10))
    }

    @Test func aClosedChannelFailsWhatWasUnconfirmedAndKeepsTheRest() async {
        let results = await run(messages(6), window: 4) { pipeline in
            pipeline.confirm(tag: 1, multiple: false, positive: true)
            pipeline.channelClosed(AMQPError(.channelClosedByServer, "404", replyCode: 404))
            // Tags restart at 1 on the reopened channel.
            while let entry = pipeline.nextToSend(window: 4) { pipeline.sent(entry) }
            pipeline.confirm(tag: 2, multiple: true, positive: true)
        }
        #expect(
            outcome(results) == [
                "ok", "channelClosedByServer", "channelClosedByServer", "channelClosedByServer", "ok", "ok",
            ])
    }

    @Test func aLostConnectionSendsUnconfirmedMessagesAgainFirst() async {
        var resent: [String] = []
        let results = await run(messages(5), window: 3) { pipeline in
            pipeline.confirm(tag: 2, multiple: false, positive: true)
            pipeline.connectionLost()
            while let entry = pipeline.nextToSend(window: 10) {
                resent.append(entry.message.properties.messageID ?? "?")
                pipeline.sent(entry)
            }
            pipeline.confirm(tag: 4, multiple: true, positive: true)
        }
        #expect(resent == ["0", "2", "3", "4"])
        #expect(outcome(results) == ["ok", "ok", "ok", "ok", "ok"])
    }

    @Test func failAllReportsEveryOutstandingMessage() async {
        let results = await run(messages(4), window: 2) { pipeline in
            pipeline.confirm(tag: 1, multiple: false, positive: true)
            pipeline.failAll(AMQPError(.connectionClosed, "closed"))
            #expect(pipeline.isIdle)
        }
        #expect(outcome(results) == ["ok", "connectionClosed", "connectionClosed", "connectionClosed"])
    }

    @Test func anEmptyBatchCompletesAtOnce() async {
        #expect(await run([]) { _ in }.isEmpty)
    }
}

@Suite struct FIFOTests {
    @Test func keepsOrderAcrossCompactionAndPrepend() {
        var fifo = FIFO<Int>()
        for value in 0..<5000 { fifo.append(value) }
        var popped: [Int] = []
        for _ in 0..<3000 { popped.append(fifo.popFirst()!) }
        fifo.prepend(contentsOf: [-2, -1])
        #expect(fifo.count == 2002)
        #expect(fifo.first == -2)
        #expect(fifo.removeLast() == 4999)
        let rest = fifo.removeAll()
        #expect(popped == Array(0..<3000))
        #expect(rest == [-2, -1] + Array(3000..<4999))
        #expect(fifo.isEmpty)
        #expect(fifo.popFirst() == nil)
    }
}
