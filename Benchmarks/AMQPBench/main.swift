// The Swift side of scripts/bench amqp: the same workload as Benchmarks/amqp-c/amqp_bench.c through the AMQP
// module.
//
//   AMQPBench URL QUEUE declare|declare-classic|delete|count
//   AMQPBench URL QUEUE publish|consume MESSAGES SIZE WINDOW|PREFETCH
//
// Prints the rate in messages per second for publish and consume.
import AMQP
import Foundation
import Logging

let arguments = CommandLine.arguments
guard arguments.count == 4 || arguments.count == 7 else {
    FileHandle.standardError.write(
        Data("usage: AMQPBench URL QUEUE declare|delete|publish|consume [N SIZE LIMIT]\n".utf8))
    exit(2)
}
let queue = arguments[2]
var configuration = try AMQPConfiguration(url: arguments[1])
configuration.connectionName = "amqp-bench"
if arguments.count == 7 { configuration.maxUnconfirmedPublishes = Int(arguments[6])! }
let connection = try await AMQPConnection.connect(configuration, logger: Logger(label: "bench"))

switch arguments[3] {
case "declare":
    try await connection.declare(AMQPTopology(queues: [.init(queue, type: .quorum)]))
case "declare-classic":
    try await connection.declare(AMQPTopology(queues: [.init(queue)]))
case "count":
    // Several queues, comma-separated: the sum of their ready messages (0 for a queue that does not exist).
    var total: UInt32 = 0
    for name in queue.split(separator: ",") {
        total += (try? await connection.queueState(String(name)).messageCount) ?? 0
    }
    print(total)
case "delete":
    try await connection.deleteQueue(queue)
case "publish":
    let count = Int(arguments[4])!
    let body = [UInt8](repeating: UInt8(ascii: "x"), count: Int(arguments[5])!)
    let properties = AMQPProperties(contentType: "application/octet-stream", deliveryMode: .persistent)
    let messages = [AMQPMessage](
        repeating: AMQPMessage(routingKey: queue, body: body, properties: properties), count: count)
    let start = ContinuousClock.now
    let results = await connection.publish(messages)
    let elapsed = ContinuousClock.now - start
    guard results.allSatisfy({ (try? $0.get()) != nil }) else { fatalError("a publish was not confirmed") }
    print(Int(Double(count) / elapsed.secondsDouble))
case "consume":
    let count = Int(arguments[4])!
    let start = ContinuousClock.now
    var received = 0
    for try await delivery in try await connection.consume(queue: queue, prefetch: UInt16(arguments[6])!) {
        try delivery.ack()
        received += 1
        if received == count { break }
    }
    let elapsed = ContinuousClock.now - start
    print(Int(Double(count) / elapsed.secondsDouble))
default:
    fatalError("unknown mode \(arguments[3])")
}
await connection.close()

extension Duration {
    var secondsDouble: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
