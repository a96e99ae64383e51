import AMQP
import Cadence
import Contract
import Domain
import Foundation
import Messaging
import Policy
import Testing
import Yams

/// Every message type the documents describe, by its `type`.
let documentedTypes = [
    "placement", "event", "specialist", "outcome", "reminder", "call", "contact-check", "contact-check-reply", "task",
    "decision", "call-check", "call-check-reply",
]

/// Keeps `docs/asyncapi.yaml` and `docs/amqp-api.md` true to the code: schemas against what the Swift types encode
/// and require, channels against ``TactTopology``, enums against the Swift cases, and every documented example
/// against ``MessageCoding/decode(_:from:)``.
@Suite("Contract: the AsyncAPI document and the guide match the code")
struct AsyncAPIDocumentTests {
    // MARK: Schemas against the Swift types

    /// A fully populated value of every message type encodes exactly the properties its schema lists, recursively.
    @Test(arguments: Full.messages)
    func encodedFieldsAreTheSchemaProperties(_ message: Full.Message) throws {
        let document = try Document.shared
        let encoded = try JSONSerialization.jsonObject(with: Data(message.encoded))
        var issues: [String] = []
        document.compare(encoded, with: document.payloadSchema(of: message.type), at: "", exact: true, &issues)
        #expect(issues.isEmpty, "\(message.type):\n\(issues.joined(separator: "\n"))")
    }

    /// Every example decodes; removing a field the schema requires fails with `missing-field` naming it, and removing
    /// any other field still decodes (unless the schema makes it conditionally required).
    @Test(arguments: documentedTypes)
    func requiredFieldsAreWhatTheDecoderRequires(_ type: String) throws {
        let document = try Document.shared
        let schema = document.payloadSchema(of: type)
        let examples = document.examples(of: type)
        #expect(!examples.isEmpty, "no example for \(type)")
        for example in examples {
            let payload = try #require(example.payload as? [String: Any])
            var issues: [String] = []
            document.compare(payload, with: schema, at: "", exact: false, &issues)
            #expect(issues.isEmpty, "\(type) example \(example.name):\n\(issues.joined(separator: "\n"))")
            #expect(throws: Never.self, "\(type) example \(example.name)") {
                try Decoding.decode(type, try JSON.bytes(payload))
            }
            let conditional = document.conditionallyRequired(in: schema)
            for path in JSON.keyPaths(in: payload) {
                let required = document.isRequired(path, in: schema)
                let body = try JSON.bytes(JSON.removing(path, from: payload))
                let label = "\(type) example \(example.name) without \(JSON.dotted(path))"
                do throws(ContractError) {
                    try Decoding.decode(type, body)
                    #expect(!required, "\(label): decoded, but the schema requires it")
                } catch {
                    let allowed =
                        required
                        ? error.field == JSON.dotted(path)
                        : conditional.contains(error.field) || error.field == JSON.dotted(path.dropLast())
                    #expect(error.code == .missingField && allowed, "\(label): \(error.reason)")
                }
            }
        }
    }

    /// Unknown fields are ignored (the versioning policy the guide promises).
    @Test func unknownFieldsAreIgnored() throws {
        for type in documentedTypes {
            for example in try Document.shared.examples(of: type) {
                var payload = try #require(example.payload as? [String: Any])
                payload["addedInAFutureMinorRelease"] = ["nested": [1, 2, 3]]
                #expect(throws: Never.self, "\(type) \(example.name)") {
                    try Decoding.decode(type, try JSON.bytes(payload))
                }
            }
        }
    }

    /// Each message names its Swift `type` and the versions Tact reads.
    @Test func messageTypesAndVersions() throws {
        let document = try Document.shared
        let types: [(String, [Int])] = [
            (Placement.messageType, Placement.supportedVersions), (LifeEvent.messageType, LifeEvent.supportedVersions),
            (SpecialistChange.messageType, SpecialistChange.supportedVersions),
            (Outcome.messageType, Outcome.supportedVersions), (Reminder.messageType, Reminder.supportedVersions),
            (Call.messageType, Call.supportedVersions),
            (ContactCheck.messageType, ContactCheck.supportedVersions),
            (ContactCheckReply.messageType, ContactCheckReply.supportedVersions),
            (WorkTask.messageType, WorkTask.supportedVersions),
            (TaskDecision.messageType, TaskDecision.supportedVersions),
            (CallCheck.messageType, CallCheck.supportedVersions),
            (CallCheckReply.messageType, CallCheckReply.supportedVersions),
        ]
        #expect(types.map(\.0) == documentedTypes)
        #expect(Full.messages.map(\.type) == documentedTypes, "a fully populated value of every message")
        for (type, versions) in types {
            let message = try #require(document.messages[type] as? [String: Any], "no message \(type)")
            #expect(JSON.path(message, "bindings", "amqp", "messageType") as? String == type)
            let properties = document.properties(of: document.payloadSchema(of: type))
            #expect(document.resolve(properties["type"] as? [String: Any] ?? [:])["enum"] as? [String] == [type])
            #expect(document.resolve(properties["version"] as? [String: Any] ?? [:])["enum"] as? [Int] == versions)
        }
    }

    /// Every dead-letter example carries exactly the reason decoding its body gives, and the guide quotes it.
    @Test func deadLetterExamplesCarryTheRealReason() throws {
        let document = try Document.shared
        let examples = document.examples(of: "deadLetter")
        #expect(examples.count >= 3)
        let pattern = try Regex(
            try #require(
                JSON.path(document.schemas, "DeadLetterHeaders", "properties", "x-tact-error", "pattern") as? String))
        for example in examples {
            let headers = try #require(example.headers)
            let reason = try #require(headers[TactTopology.errorHeader] as? String)
            let source = try #require(headers["x-tact-source"] as? String)
            let type = try #require(
                [
                    "intake:placement": "placement", "intake:event": "event", "intake:specialist": "specialist",
                    "outcomes:outcome": "outcome",
                ][source])
            let body = try (example.payload as? String).map { Array($0.utf8) } ?? JSON.bytes(example.payload)
            let error = #expect(throws: ContractError.self) { try Decoding.decode(type, body) }
            #expect(error?.reason == reason, "\(example.name)")
            #expect(reason.prefixMatch(of: pattern) != nil, "\(example.name): \(reason)")
            #expect(try Document.guide.contains(reason), "docs/amqp-api.md does not quote: \(reason)")
        }
    }

    /// The guide's example reasons for problems found while decoding are what decoding really says.
    @Test func guideQuotesRealDecodingReasons() throws {
        let document = try Document.shared
        func example(_ type: String, _ name: String) throws -> [String: Any] {
            try #require(document.examples(of: type).first { $0.name == name }?.payload as? [String: Any])
        }
        func changed(_ object: [String: Any], _ key: String, in parent: String? = nil, to value: Any?) -> [String: Any]
        {
            var object = object
            guard let parent else {
                object[key] = value
                return object
            }
            object[parent] = changed(object[parent] as? [String: Any] ?? [:], key, to: value)
            return object
        }
        let placement = try example("placement", "full")
        let bereavement = try example("event", "bereavement")
        let attorney = try example("event", "attorney")
        let promise = try example("outcome", "promise-to-pay")
        let plan = try example("event", "plan")
        let survey = try example("outcome", "survey-response")
        let away = try example("specialist", "away")
        let handover = try example("specialist", "handover")
        let retire = try example("specialist", "retire")
        let instalments = try #require(plan["instalments"] as? [Any])
        let cases: [(String, [UInt8])] = [
            ("placement", Array(repeating: UInt8(ascii: " "), count: 10 << 20)),
            ("placement", try JSON.bytes(bereavement)),
            ("placement", try JSON.bytes(changed(placement, "type", to: nil))),
            ("placement", try JSON.bytes(changed(placement, "timeZones", in: "debtor", to: nil))),
            ("placement", try JSON.bytes(changed(placement, "amount", in: "debt", to: 120.5))),
            ("placement", try JSON.bytes(changed(placement, "amount", in: "debt", to: "0.00"))),
            ("event", try JSON.bytes(changed(bereavement, "at", to: "1970-01-01T00:00:00Z"))),
            ("event", try JSON.bytes(changed(bereavement, "at", to: "yesterday"))),
            ("event", try JSON.bytes(changed(attorney, "representative", to: ["name": "Sam Counsel"]))),
            ("outcome", try JSON.bytes(changed(promise, "promise", to: nil))),
            ("event", try JSON.bytes(changed(plan, "debtId", to: nil))),
            ("event", try JSON.bytes(changed(plan, "instalments", to: []))),
            ("event", try JSON.bytes(changed(plan, "instalments", to: Array(repeating: instalments[0], count: 121)))),
            ("event", try JSON.bytes(changed(plan, "instalments", to: Array(instalments.reversed())))),
            ("outcome", try JSON.bytes(changed(survey, "score", to: nil))),
            ("outcome", try JSON.bytes(changed(survey, "score", to: 6))),
            ("outcome", try JSON.bytes(changed(survey, "comment", to: String(repeating: "x", count: 4001)))),
            ("specialist", try JSON.bytes(changed(away, "until", to: nil))),
            ("specialist", try JSON.bytes(changed(away, "specialistId", to: "pool"))),
            ("specialist", try JSON.bytes(changed(away, "backupId", to: "anna"))),
            ("specialist", try JSON.bytes(changed(handover, "debtorId", to: nil))),
            ("specialist", try JSON.bytes(changed(retire, "backupId", to: "bob"))),
            // Bounds (issue 12): what any message, and a placement's fields, may hold.
            ("placement", try JSON.bytes(changed(placement, "version", to: "1"))),
            ("placement", try JSON.bytes(changed(placement, "placementId", to: String(repeating: "P", count: 10_000)))),
            (
                "placement",
                try JSON.bytes(changed(placement, "name", in: "debtor", to: String(repeating: "n", count: 201)))
            ),
            ("placement", try JSON.bytes(changed(placement, "name", in: "debtor", to: "Ann\u{0}e"))),
            (
                "placement",
                try JSON.bytes(changed(placement, "name", in: "debtor", to: String(repeating: "n", count: 70_000)))
            ),
            (
                "placement",
                try JSON.bytes(changed(placement, "timeZones", in: "debtor", to: Array(repeating: "UTC", count: 9)))
            ),
            (
                "placement",
                try JSON.bytes(changed(placement, "timeZones", in: "debtor", to: Array(repeating: "UTC", count: 600)))
            ),
            ("placement", Array((String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)).utf8)),
        ]
        let guide = try Document.guide
        for (type, body) in cases {
            let error = #expect(throws: ContractError.self) { try Decoding.decode(type, body) }
            if let error {
                #expect(guide.contains("`\(error.reason)`"), "docs/amqp-api.md does not quote: \(error.reason)")
            }
        }
    }

    // MARK: Channels against the topology

    @Test func channelsAreTheTopologysNames() throws {
        let document = try Document.shared
        let topology = TactTopology()
        let specialistQueue = topology.callQueue(specialist: "{specialistId}")
        let shared = topology.shared
        let all = Set(shared.exchanges.map(\.name) + shared.queues.map(\.name) + [specialistQueue])
        #expect(Set(document.channels.keys) == all)

        let publicNames: Set<String> = [
            topology.intakeExchange, topology.outcomesExchange, topology.deadQueue, topology.reminderQueue(.sms),
            topology.reminderQueue(.email), topology.reminderQueue(.letter), topology.callQueue(specialist: nil),
            specialistQueue, topology.checksQueue,
        ]
        let documentedPublic = document.channels.filter { ($0.value as? [String: Any])?["x-internal"] as? Bool != true }
        #expect(Set(documentedPublic.keys) == publicNames)
        let internalNames = [
            topology.tasksQueue, topology.intakeQueue, topology.outcomesQueue, topology.decisionsQueue,
            topology.expiredExchange, topology.expiredQueue,
        ]
        #expect(Set(internalNames).isDisjoint(with: publicNames) && Set(internalNames).isSubset(of: all))
    }

    @Test func channelBindingsAreTheDeclarations() throws {
        let document = try Document.shared
        let topology = TactTopology()
        let shared = topology.shared
        for exchange in shared.exchanges {
            let binding = try document.amqpBinding(exchange.name)
            #expect(binding["is"] as? String == "routingKey", "\(exchange.name)")
            #expect(JSON.path(binding, "exchange", "type") as? String == exchange.type.name, "\(exchange.name)")
            #expect(JSON.path(binding, "exchange", "durable") as? Bool == exchange.durable, "\(exchange.name)")
            #expect(JSON.path(binding, "exchange", "autoDelete") as? Bool == exchange.autoDelete, "\(exchange.name)")
            let documented = (binding["x-bindings"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }.map {
                "\($0["queue"] as? String ?? "?") <- \($0["routingKey"] as? String ?? "?")"
            }
            let declared = shared.bindings.filter { $0.exchange == exchange.name }.map {
                "\($0.queue) <- \($0.routingKey)"
            }
            #expect(Set(documented) == Set(declared), "\(exchange.name)")
        }
        let queues = shared.queues + [topology.callQueueDeclaration(specialist: "{specialistId}")]
        for queue in queues {
            let binding = try document.amqpBinding(queue.name)
            #expect(binding["is"] as? String == "queue", "\(queue.name)")
            #expect(JSON.path(binding, "queue", "durable") as? Bool == queue.durable, "\(queue.name)")
            #expect(JSON.path(binding, "queue", "exclusive") as? Bool == queue.exclusive, "\(queue.name)")
            #expect(JSON.path(binding, "queue", "autoDelete") as? Bool == queue.autoDelete, "\(queue.name)")
            let documented = try JSON.canonical(
                try #require(binding["x-arguments"] as? [String: Any], "\(queue.name): no x-arguments"))
            let declared = try JSON.canonical(Self.plain(queue.arguments))
            #expect(documented == declared, "\(queue.name): documented \(documented), declared \(declared)")
        }
    }

    // MARK: Enums against the Swift cases

    @Test func enumsAreTheSwiftCases() throws {
        let document = try Document.shared
        func documented(_ name: String) -> [String] {
            JSON.path(document.schemas, name, "enum") as? [String] ?? []
        }
        #expect(documented("Channel") == Channel.allCases.map(\.rawValue))
        #expect(documented("EventKind") == LifeEvent.Kind.allCases.map(\.rawValue))
        #expect(documented("OutcomeResult") == Outcome.Result.allCases.map(\.rawValue))
        #expect(documented("SpecialistAction") == SpecialistChange.Action.allCases.map(\.rawValue))
        #expect(documented("ContactResult") == ContactResult.allCases.map(\.rawValue))
        #expect(documented("HoldKind") == HoldKind.allCases.map(\.rawValue))
        #expect(documented("DecisionKind") == PolicyDecision.Kind.allCases.map(\.rawValue))
        #expect(documented("Weekday") == Weekday.allCases.map(\.rawValue))
    }

    // MARK: Cadences against the strategies

    /// The guide's table of purposes lists every purpose a strategy plans: calls with the queue priorities of the
    /// shipped strategies (`default` / `gentle`), reminders without one. Every strategy setting the guide quotes as
    /// `` `section.key` (default / gentle) `` is what those files say.
    @Test func cadenceTableIsTheStrategies() throws {
        let reminders = [
            Strategy.Purpose.firstNotice, Strategy.Purpose.callBackRequest, Strategy.Purpose.promiseReminder,
            Strategy.Purpose.instalmentReminder, Strategy.Purpose.survey, Strategy.Purpose.validationNotice,
            Strategy.Purpose.planConfirmation,
        ]
        let strategies = try ["default", "gentle"].map { id in
            let url = Document.repository.appendingPathComponent("Config/strategies/\(id).yaml")
            return try YAMLDecoder().decode(Strategy.self, from: String(contentsOf: url, encoding: .utf8))
        }
        let guide = try Document.guide
        let header =
            "| purpose | contact | task id | planned by; due | priority `default` / `gentle` |\n|---|---|---|---|---|\n"
        let table = try #require(guide.components(separatedBy: header).dropFirst().first, "no table of purposes")
        let rows = table.split(separator: "\n").prefix { $0.hasPrefix("| `") }.map {
            $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        var documented: [String: [String]] = [:]
        for row in rows { documented[row[0].trimmingCharacters(in: ["`"])] = row }
        #expect(rows.count == documented.count, "a purpose listed twice")
        #expect(Set(reminders + Strategy.Purpose.calls) == Set(Strategy.Purpose.allCases))
        #expect(Set(documented.keys) == Set(Strategy.Purpose.allCases.map(\.rawValue)))
        for purpose in Strategy.Purpose.calls {
            let expected = strategies.map { String($0.priority(of: purpose)) }.joined(separator: " / ")
            #expect(documented[purpose.rawValue]?[1] == "call", "\(purpose)")
            #expect(documented[purpose.rawValue]?.last == expected, "\(purpose): priorities")
        }
        for purpose in reminders {
            #expect(documented[purpose.rawValue]?[1].hasPrefix("reminder") == true, "\(purpose)")
            #expect(documented[purpose.rawValue]?.last == "–", "\(purpose)")
        }

        let settings = try strategies.map {
            try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode($0)) as? [String: Any])
        }
        let quoted = guide.matches(of: /`(\w+)\.(\w+)`(?:-th)? \((\d+) \/ (\d+)\)/)
        #expect(quoted.count >= 7)
        for match in quoted {
            let (section, key) = (String(match.output.1), String(match.output.2))
            let values = settings.map { JSON.path($0, section, key) as? Int }
            #expect(values == [Int(match.output.3), Int(match.output.4)], "\(section).\(key)")
        }
    }

    // MARK: The guide

    /// Every ```json block of the guide is a complete message, identical to an example of the AsyncAPI document (so
    /// it decodes too).
    @Test func guideExamplesAreDocumentExamples() throws {
        let document = try Document.shared
        let blocks = try Document.guide.components(separatedBy: "```json\n").dropFirst().map {
            $0.components(separatedBy: "\n```").first ?? ""
        }
        #expect(blocks.count >= 14)
        let known = Set(
            try documentedTypes.flatMap { type in
                try document.examples(of: type).map { try JSON.canonical($0.payload) }
            })
        for block in blocks {
            let object = try JSONSerialization.jsonObject(with: Data(block.utf8))
            #expect(known.contains(try JSON.canonical(object)), "not an example of docs/asyncapi.yaml:\n\(block)")
        }
    }

    private static func plain(_ table: AMQPTable) -> [String: Any] {
        table.mapValues { value -> Any in
            if let text = value.stringValue { return text }
            if let number = value.integerValue { return Int(number) }
            if case .bool(let flag) = value { return flag }
            return "\(value)"
        }
    }
}

// MARK: - Decoding by type name

enum Decoding {
    static func decode(_ type: String, _ body: [UInt8]) throws(ContractError) {
        switch type {
        case "placement": _ = try MessageCoding.decode(Placement.self, from: body)
        case "event": _ = try MessageCoding.decode(LifeEvent.self, from: body)
        case "specialist": _ = try MessageCoding.decode(SpecialistChange.self, from: body)
        case "outcome": _ = try MessageCoding.decode(Outcome.self, from: body)
        case "reminder": _ = try MessageCoding.decode(Reminder.self, from: body)
        case "call": _ = try MessageCoding.decode(Call.self, from: body)
        case "task": _ = try MessageCoding.decode(WorkTask.self, from: body)
        case "decision": _ = try MessageCoding.decode(TaskDecision.self, from: body)
        case "contact-check": _ = try MessageCoding.decode(ContactCheck.self, from: body)
        case "contact-check-reply": _ = try MessageCoding.decode(ContactCheckReply.self, from: body)
        case "call-check": _ = try MessageCoding.decode(CallCheck.self, from: body)
        case "call-check-reply": _ = try MessageCoding.decode(CallCheckReply.self, from: body)
        default: throw ContractError(.unexpectedType, "no message type \(type)")
        }
    }
}

// MARK: - The documents

/// `docs/asyncapi.yaml` as plain JSON-compatible values, with the schema helpers the tests need.
struct Document: @unchecked Sendable {
    let root: [String: Any]

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var shared: Document {
        get throws {
            let text = try String(contentsOf: repository.appendingPathComponent("docs/asyncapi.yaml"), encoding: .utf8)
            let loaded = try #require(try Yams.load(yaml: text))
            return Document(root: try #require(try JSON.plain(loaded) as? [String: Any]))
        }
    }

    static var guide: String {
        get throws { try String(contentsOf: repository.appendingPathComponent("docs/amqp-api.md"), encoding: .utf8) }
    }

    var channels: [String: Any] { root["channels"] as? [String: Any] ?? [:] }
    var messages: [String: Any] { JSON.path(root, "components", "messages") as? [String: Any] ?? [:] }
    var schemas: [String: Any] { JSON.path(root, "components", "schemas") as? [String: Any] ?? [:] }

    func amqpBinding(_ channel: String) throws -> [String: Any] {
        try #require(JSON.path(channels, channel, "bindings", "amqp") as? [String: Any], "no channel \(channel)")
    }

    func payloadSchema(of type: String) -> [String: Any] {
        resolve(JSON.path(messages, type, "payload") as? [String: Any] ?? [:])
    }

    struct Example {
        let name: String
        let payload: Any
        let headers: [String: Any]?
    }

    func examples(of message: String) -> [Example] {
        (JSON.path(messages, message, "examples") as? [Any] ?? []).compactMap { $0 as? [String: Any] }.map {
            Example(
                name: $0["name"] as? String ?? "?", payload: $0["payload"] ?? NSNull(),
                headers: $0["headers"] as? [String: Any])
        }
    }

    /// The schema with `$ref`s followed and `allOf` members (other than `if`/`then` rules) merged in.
    func resolve(_ schema: [String: Any]) -> [String: Any] {
        if let reference = schema["$ref"] as? String {
            let path = reference.dropFirst(2).split(separator: "/").map(String.init)
            var node: Any? = root
            for part in path { node = (node as? [String: Any])?[part] }
            return resolve(node as? [String: Any] ?? [:])
        }
        guard let members = schema["allOf"] as? [Any] else { return schema }
        var merged: [String: Any] = [:]
        for case let member as [String: Any] in members where member["if"] == nil {
            merged.merge(resolve(member)) { _, new in new }
        }
        merged.merge(schema) { _, new in new }  // keeps `allOf`, for its `if`/`then` rules
        return merged
    }

    func properties(of schema: [String: Any]) -> [String: Any] {
        resolve(schema)["properties"] as? [String: Any] ?? [:]
    }

    /// Fields the schema's `if`/`then` rules require in some cases.
    func conditionallyRequired(in schema: [String: Any]) -> Set<String> {
        let rules = (schema["allOf"] as? [Any] ?? []).compactMap { $0 as? [String: Any] }
        return Set(rules.flatMap { JSON.path($0, "then", "required") as? [String] ?? [] })
    }

    /// Whether the schema requires the last key of `path` in the object the rest of the path leads to.
    func isRequired(_ path: [JSON.Step], in schema: [String: Any]) -> Bool {
        var current = resolve(schema)
        for step in path.dropLast() {
            switch step {
            case .key(let key): current = resolve(properties(of: current)[key] as? [String: Any] ?? [:])
            case .index: current = resolve(current["items"] as? [String: Any] ?? [:])
            }
        }
        guard case .key(let key) = path.last else { return false }
        return (current["required"] as? [String] ?? []).contains(key)
    }

    /// Checks `value` against `schema`: JSON types, enums, and object keys — exactly the schema's properties when
    /// `exact`, otherwise a subset of them.
    func compare(_ value: Any, with schema: [String: Any], at path: String, exact: Bool, _ issues: inout [String]) {
        let schema = resolve(schema)
        let type = schema["type"] as? String
        let label = path.isEmpty ? "(root)" : path
        if let object = value as? [String: Any] {
            guard type == "object" else {
                return issues.append("\(label): an object where the schema says \(type ?? "-")")
            }
            let properties = schema["properties"] as? [String: Any] ?? [:]
            // A map (`additionalProperties` with a schema) takes other keys too, each value checked against it; but
            // a fully populated Swift value encodes only the keys the schema lists, if it lists any.
            let others = schema["additionalProperties"] as? [String: Any]
            let undocumented = Set(object.keys).subtracting(properties.keys)
            if !undocumented.isEmpty && (others == nil || (exact && !properties.isEmpty)) {
                issues.append("\(label): not in the schema: \(undocumented.sorted())")
            }
            // `oneOf` alternatives that each require a property: exactly one is carried, and the others' are not
            // missing.
            let alternatives = (schema["oneOf"] as? [Any] ?? []).compactMap {
                ($0 as? [String: Any])?["required"] as? [String]
            }
            let carried = alternatives.filter { Set($0).isSubset(of: object.keys) }
            if !alternatives.isEmpty && carried.count != 1 {
                issues.append("\(label): carries \(carried.count) of the alternatives \(alternatives)")
            }
            let missing = Set(properties.keys).subtracting(object.keys).subtracting(alternatives.joined())
            if exact && !missing.isEmpty {
                issues.append("\(label): in the schema, never encoded: \(missing.sorted())")
            }
            for (key, child) in object {
                guard let property = properties[key] as? [String: Any] ?? others else { continue }
                compare(child, with: property, at: path.isEmpty ? key : "\(path).\(key)", exact: exact, &issues)
            }
        } else if let array = value as? [Any] {
            guard type == "array" else {
                return issues.append("\(label): an array where the schema says \(type ?? "-")")
            }
            for (index, element) in array.enumerated() {
                compare(
                    element, with: schema["items"] as? [String: Any] ?? [:], at: "\(path)[\(index)]", exact: exact,
                    &issues)
            }
        } else if let text = value as? String {
            if type != "string" { issues.append("\(label): a string where the schema says \(type ?? "-")") }
            if let options = schema["enum"] as? [Any], !options.contains(where: { $0 as? String == text }) {
                issues.append("\(label): \(text) is not in the schema's enum")
            }
        } else if value is Int || value is NSNumber {
            if type != "integer" { issues.append("\(label): a number where the schema says \(type ?? "-")") }
        } else {
            issues.append("\(label): unexpected JSON value")
        }
    }
}

// MARK: - JSON helpers

enum JSON {
    enum Step: Equatable {
        case key(String)
        case index(Int)
    }

    struct NotJSON: Error, CustomStringConvertible {
        let description: String
    }

    /// YAML values as JSON values: `[String: Any]`, `[Any]`, `String`, `Int`, `Double`, `Bool`, `NSNull`. A YAML
    /// timestamp or binary (an unquoted date, say) is an error, since JSON has no such value.
    static func plain(_ value: Any) throws -> Any {
        switch value {
        case let map as [AnyHashable: Any]:
            var result: [String: Any] = [:]
            for (key, child) in map {
                guard let key = key.base as? String else { throw NotJSON(description: "non-string key \(key)") }
                result[key] = try plain(child)
            }
            return result
        case let list as [Any]: return try list.map(plain)
        case is String, is Int, is Double, is Bool, is NSNull: return value
        default: throw NotJSON(description: "\(type(of: value)) \(value) is not a JSON value (quote it in the YAML)")
        }
    }

    static func bytes(_ value: Any) throws -> [UInt8] { Array(try JSONSerialization.data(withJSONObject: value)) }

    /// Sorted-key serialization, for comparing documents.
    static func canonical(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
    }

    static func path(_ value: Any, _ keys: String...) -> Any? {
        var node: Any? = value
        for key in keys { node = (node as? [String: Any])?[key] }
        return node
    }

    /// The path of every key of every object in `value`.
    static func keyPaths(in value: Any, prefix: [Step] = []) -> [[Step]] {
        if let object = value as? [String: Any] {
            return object.keys.sorted().flatMap { key in
                [prefix + [.key(key)]] + keyPaths(in: object[key]!, prefix: prefix + [.key(key)])
            }
        }
        if let array = value as? [Any] {
            return array.enumerated().flatMap { keyPaths(in: $1, prefix: prefix + [.index($0)]) }
        }
        return []
    }

    static func removing(_ path: [Step], from value: Any) -> Any {
        guard let first = path.first else { return value }
        let rest = Array(path.dropFirst())
        switch first {
        case .key(let key):
            guard var object = value as? [String: Any] else { return value }
            if rest.isEmpty {
                object[key] = nil
            } else if let child = object[key] {
                object[key] = removing(rest, from: child)
            }
            return object
        case .index(let index):
            guard var array = value as? [Any] else { return value }
            array[index] = removing(rest, from: array[index])
            return array
        }
    }

    /// `debtor.inconvenient[0].days`, as ``ContractError/field`` spells paths.
    static func dotted(_ path: some Collection<Step>) -> String {
        var result = ""
        for step in path {
            switch step {
            case .key(let key): result += result.isEmpty ? key : ".\(key)"
            case .index(let index): result += "[\(index)]"
            }
        }
        return result
    }
}

// MARK: - Fully populated values

/// One value of each message type with every optional field set, so its encoding shows every property.
enum Full {
    struct Message: Sendable, CustomTestStringConvertible {
        let type: String
        let encoded: [UInt8]
        var testDescription: String { type }
    }

    static let messages: [Message] = {
        let at = Instant(rfc3339: "2026-12-01T15:30:00Z")!
        let later = Instant(rfc3339: "2026-12-01T18:00:00Z")!
        let debt = Placement.Debt(id: "C-1", amount: "120.50", currency: "USD", dueDate: "2026-11-01")
        let inconvenient = try! InconvenientTime(days: [.mon], from: LocalTime("12:00")!, to: LocalTime("13:00")!)
        let representative = Representative(
            kind: "attorney", name: "Sam Counsel", phone: "+15550199", email: "c@example.org")
        let hold = try! Hold(kind: .hardship, since: at, until: later)
        let history = HistoryEvent(at: at, channel: .email, debtId: "C-1", result: .delivered)
        let placement = Placement(
            placementId: "P-1", creditorId: "acme", rulebook: "us-regf", strategy: "standard", specialistId: "anna",
            debtor: .init(
                id: "D-1", name: "Jordan Example", timeZones: ["America/Chicago"], phone: "+15550101", sms: "+15550101",
                email: "j@example.com", address: "1 Example Way", language: "en", inconvenient: [inconvenient],
                personKey: "pk-7f3a"),
            debt: debt)
        let instalments = [
            LifeEvent.Instalment(amount: "60.00", dueDate: "2026-12-15"),
            LifeEvent.Instalment(amount: "60.50", dueDate: "2027-01-15"),
        ]
        let event = LifeEvent(
            eventId: "E-1", creditorId: "acme", debtorId: "D-1", debtId: "C-1", kind: .attorney, at: at, channel: .sms,
            until: later,
            representative: representative, instalments: instalments, amount: "40.00", currency: "USD",
            promise: .init(amount: "50.00", date: "2026-12-10"))
        let change = SpecialistChange(
            changeId: "S-1", action: .away, specialistId: "anna", until: later, backupId: "bob", creditorId: "acme",
            debtorId: "D-1")
        var outcome = Outcome(
            outcomeId: "O-1", taskId: "P-1/first-call", creditorId: "acme", debtorId: "D-1", debtId: "C-1",
            channel: .call, at: at,
            result: .promiseToPay, promise: .init(amount: "50.00", date: "2026-12-10"), score: 4, comment: "Fair.",
            corrects: "O-0")
        // Every field, even those no valid outcome carries together: this is about the encoding.
        outcome.reason = "bounced"
        let reminder = Reminder(
            taskId: "P-1/first-notice", creditorId: "acme", debtorId: "D-1", debtId: "C-1", channel: .email,
            to: "j@example.com",
            template: "first-notice", language: "en", validUntil: later, attempt: 1,
            parameters: [
                "amount": "120.50", "currency": "USD", "dueDate": "2026-11-01", "promisedAmount": "50.00",
                "promisedDate": "2026-12-10", "instalmentAmount": "60.00", "instalmentDate": "2026-12-15",
                "instalmentNumber": "1", "instalmentCount": "2",
            ], rulebook: "us-regf", name: "Jordan Example", specialistId: "anna")
        let debtor = try! Debtor(
            id: "D-1", timeZones: ["America/Chicago"], inconvenient: [inconvenient], holds: [hold], optOuts: [.sms],
            representative: representative)
        let promise = TaskContext.PromiseSummary(amount: "50.00", date: "2026-12-10", status: "broken")
        let plan = TaskContext.PlanSummary(instalments: instalments, paid: 1, current: 1)
        let call = Call(
            taskId: "P-1/first-call", creditorId: "acme", debtorId: "D-1", debtId: "C-1", phone: "+15550101",
            purpose: "first-call",
            validUntil: later,
            context: .init(
                name: "Jordan Example", language: "en", debt: debt, recentContacts: [history], holds: [hold],
                tone: "gentle", assignedSpecialist: "anna", promise: promise, plan: plan, lastOutcome: history,
                policy: .init(rulebook: "us-regf", debtor: debtor, history: [history])),
            attempt: 1)
        let task = WorkTask(
            taskId: "P-1/first-call", attempt: 1, creditorId: "acme", rulebook: "us-regf", channel: .call,
            purpose: "first-call",
            template: "first-call", specialistId: "anna", debt: debt, debtor: debtor,
            history: [history],
            delivery: .init(
                name: "Jordan Example", phone: "+15550101", sms: "+15550101", email: "j@example.com",
                address: "1 Example Way", language: "en"),
            priority: 5,
            context: .init(
                assignedSpecialist: "anna", tone: "gentle", promise: promise, plan: plan, lastOutcome: history))
        let decision = TaskDecision(
            taskId: "P-1/first-call", attempt: 1, debtorId: "D-1", decidedAt: at,
            decision: PolicyDecision(
                decision: .redirect, earliest: at, validUntil: later,
                reasons: [.init(rule: .hold(.attorney), until: later, detail: "an attorney represents the debtor")],
                redirectTo: representative),
            contact: ProposedContact(queue: "tact.calls.anna", call: call, expiresAt: later, priority: 5),
            worker: "host/1")
        return [
            Message(type: "placement", encoded: MessageCoding.encode(placement)),
            Message(type: "event", encoded: MessageCoding.encode(event)),
            Message(type: "specialist", encoded: MessageCoding.encode(change)),
            Message(type: "outcome", encoded: MessageCoding.encode(outcome)),
            Message(type: "reminder", encoded: MessageCoding.encode(reminder)),
            Message(type: "call", encoded: MessageCoding.encode(call)),
            Message(
                type: "contact-check",
                encoded: MessageCoding.encode(
                    ContactCheck(
                        taskId: "acme/P-1/first-notice", attempt: 1, senderId: "mailer-1",
                        validUntil: Instant(rfc3339: "2026-12-01T20:00:00Z")))),
            Message(
                type: "contact-check-reply",
                encoded: MessageCoding.encode(
                    ContactCheckReply(
                        taskId: "acme/P-1/first-notice", verdict: .notPermitted,
                        reasons: [.init(rule: .contactHours, until: later, detail: "outside the debtor's hours")],
                        reportBy: later))),
            Message(type: "task", encoded: MessageCoding.encode(task)),
            Message(type: "decision", encoded: MessageCoding.encode(decision)),
            Message(
                type: "call-check",
                encoded: MessageCoding.encode(
                    CallCheck(
                        taskId: "P-1/first-call", attempt: 2, specialistId: "anna",
                        validUntil: Instant(rfc3339: "2026-12-01T20:00:00Z")))),
            Message(
                type: "call-check-reply",
                encoded: MessageCoding.encode(
                    CallCheckReply(
                        taskId: "P-1/first-call", refusal: "superseded",
                        policy: .init(rulebook: "us-regf", debtor: debtor, history: [history]),
                        outcomeDue: Instant(rfc3339: "2026-12-01T20:00:00Z")))),
        ]
    }()
}
