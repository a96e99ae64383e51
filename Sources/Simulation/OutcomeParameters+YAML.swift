import Contract
import Foundation
import Policy
import TactConfig
import Yams

extension OutcomeParameters {
    /// Reads an outcome model file (`Config/samples/outcomes.yaml`). Fields left out keep the ``standard``
    /// values; an unknown field, a value of the wrong kind or out of range is refused with the file, the field
    /// and the problem named.
    public static func load(file: URL) throws(ConfigError) -> OutcomeParameters {
        let path = file.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw ConfigError(.notFound, file: path, "file does not exist")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else { throw ConfigError(.unreadable, file: path, "cannot read the file as UTF-8 text") }
        return try decode(yaml: text, file: path)
    }

    /// Decodes and validates outcome-model YAML; `file` only labels errors.
    public static func decode(yaml: String, file: String) throws(ConfigError) -> OutcomeParameters {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            let problem = String(describing: error).split(whereSeparator: \.isNewline).first.map(String.init)
            throw ConfigError(.invalidYAML, file: file, "not well-formed YAML: \(problem ?? "syntax error")")
        }
        var parameters = standard
        guard let root else { return parameters }
        let fields = YAMLFields(file: file)
        let top = try fields.mapping(
            root, "", allowed: ["title", "channels", "conversation", "disputes", "daily", "optOutChannels"])
        if let node = top["channels"] {
            for (key, value) in try fields.mapping(node, "channels", allowed: Channel.allCases.map(\.rawValue)) {
                let channel = Channel(rawValue: key)!
                parameters.channels[channel] = try fields.channel(
                    value, "channels.\(key)", base: parameters.channels[channel]!, isCall: channel == .call)
            }
        }
        if let node = top["conversation"] {
            parameters.conversation = try fields.conversation(node, base: parameters.conversation)
        }
        if let node = top["disputes"] {
            let map = try fields.mapping(node, "disputes", allowed: ["resolved", "resolvedIn"])
            if let value = map["resolved"] {
                parameters.disputes.resolved = try fields.probability(value, "disputes.resolved")
            }
            if let value = map["resolvedIn"] {
                parameters.disputes.resolvedIn = try fields.delay(value, "disputes.resolvedIn")
            }
        }
        if let node = top["daily"] {
            let map = try fields.mapping(node, "daily", allowed: dailyKinds.map(\.rawValue))
            for (key, value) in map {
                parameters.daily[LifeEvent.Kind(rawValue: key)!] = try fields.probability(value, "daily.\(key)")
            }
        }
        if let node = top["optOutChannels"] {
            parameters.optOutChannels = try fields.sequence(node, "optOutChannels").enumerated().map {
                (index, item) throws(ConfigError) in try fields.channelName(item, "optOutChannels[\(index)]")
            }
        }
        if (parameters.daily[.optOut] ?? 0) > 0 && parameters.optOutChannels.isEmpty {
            throw ConfigError(.invalidContent, file: file, field: "optOutChannels", "must name a channel for opt-outs")
        }
        return parameters
    }
}

/// Reads the fields of a YAML node tree, naming the dotted path of whatever is wrong.
private struct YAMLFields {
    let file: String

    func fail(_ field: String, _ problem: String) -> ConfigError {
        ConfigError(.invalidContent, file: file, field: field, problem)
    }

    func mapping(_ node: Node, _ field: String, allowed: [String]) throws(ConfigError) -> [String: Node] {
        guard let mapping = node.mapping else { throw fail(field, "must be a mapping") }
        var result: [String: Node] = [:]
        for (key, value) in mapping {
            let name = key.string ?? ""
            let path = field.isEmpty ? name : "\(field).\(name)"
            guard allowed.contains(name) else {
                throw fail(path, "unknown field; expected one of \(allowed.joined(separator: ", "))")
            }
            guard result.updateValue(value, forKey: name) == nil else { throw fail(path, "given twice") }
        }
        return result
    }

    func sequence(_ node: Node, _ field: String) throws(ConfigError) -> [Node] {
        guard let sequence = node.sequence else { throw fail(field, "must be a list") }
        return Array(sequence)
    }

    func number(_ node: Node, _ field: String) throws(ConfigError) -> Double {
        guard let text = node.scalar?.string, let value = Double(text), value.isFinite else {
            throw fail(field, "must be a number")
        }
        return value
    }

    func probability(_ node: Node, _ field: String) throws(ConfigError) -> Double {
        let value = try number(node, field)
        guard (0...1).contains(value) else { throw fail(field, "must be a probability between 0 and 1") }
        return value
    }

    /// `90s`, `5m`, `2h`, `3d`, or a number of seconds.
    func duration(_ node: Node, _ field: String) throws(ConfigError) -> Int64 {
        let text = node.scalar?.string ?? ""
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        let (digits, unit) = text.last.flatMap { units[$0] }.map { (text.dropLast(), $0) } ?? (Substring(text), 1)
        guard let count = Int64(digits), count >= 0, count <= 3_650 * 86_400 / unit else {
            throw fail(field, "must be a duration such as 90s, 5m, 2h or 3d")
        }
        return count * unit
    }

    /// `{min: …, max: …}` as numbers.
    func range(_ node: Node, _ field: String) throws(ConfigError) -> (Double, Double) {
        let map = try mapping(node, field, allowed: ["min", "max"])
        guard let low = map["min"], let high = map["max"] else { throw fail(field, "needs min and max") }
        return (try number(low, "\(field).min"), try number(high, "\(field).max"))
    }

    func delay(_ node: Node, _ field: String) throws(ConfigError) -> OutcomeParameters.Delay {
        let map = try mapping(node, field, allowed: ["min", "max"])
        guard let low = map["min"], let high = map["max"] else { throw fail(field, "needs min and max") }
        let delay = OutcomeParameters.Delay(
            min: try duration(low, "\(field).min"), max: try duration(high, "\(field).max"))
        guard delay.min <= delay.max else { throw fail(field, "min must not exceed max") }
        return delay
    }

    func channelName(_ node: Node, _ field: String) throws(ConfigError) -> Channel {
        guard let channel = node.scalar.flatMap({ Channel(rawValue: $0.string) }) else {
            throw fail(field, "unknown channel; expected one of call, sms, email, letter")
        }
        return channel
    }

    func bands(_ node: Node, _ field: String) throws(ConfigError) -> [OutcomeParameters.Band] {
        var bands: [OutcomeParameters.Band] = []
        for (index, item) in try sequence(node, field).enumerated() {
            let path = "\(field)[\(index)]"
            let map = try mapping(item, path, allowed: ["from", "to", "rate"])
            guard let from = map["from"], let to = map["to"], let rate = map["rate"] else {
                throw fail(path, "needs from, to and rate")
            }
            let band = OutcomeParameters.Band(
                from: try time(from, "\(path).from"), to: try time(to, "\(path).to"),
                rate: try probability(rate, "\(path).rate"))
            guard band.from < band.to else { throw fail(path, "must end after it starts") }
            guard bands.last.map({ $0.to <= band.from }) ?? true else {
                throw fail(path, "bands must be in order and must not overlap")
            }
            bands.append(band)
        }
        return bands
    }

    func time(_ node: Node, _ field: String) throws(ConfigError) -> Int {
        guard let time = node.scalar.flatMap({ LocalTime($0.string) }) else {
            throw fail(field, "must be a local time HH:MM between 00:00 and 24:00")
        }
        return time.secondOfDay
    }

    func channel(
        _ node: Node, _ field: String, base: OutcomeParameters.ChannelModel, isCall: Bool
    ) throws(ConfigError) -> OutcomeParameters.ChannelModel {
        let allowed =
            isCall
            ? ["answer", "otherwise", "voicemail", "notConnected", "givenBack", "delay"]
            : ["answer", "otherwise", "delivered", "givenBack", "delay"]
        var model = base
        for (key, value) in try mapping(node, field, allowed: allowed) {
            let path = "\(field).\(key)"
            switch key {
            case "answer": model.answer = try bands(value, path)
            case "otherwise": model.otherwise = try probability(value, path)
            case "voicemail": model.voicemail = try probability(value, path)
            case "notConnected": model.notConnected = try probability(value, path)
            case "delivered": model.delivered = try probability(value, path)
            case "givenBack": model.givenBack = try probability(value, path)
            default: model.delay = try delay(value, path)
            }
        }
        return model
    }

    func conversation(
        _ node: Node, base: OutcomeParameters.Conversation
    ) throws(ConfigError) -> OutcomeParameters.Conversation {
        let field = "conversation"
        let allowed = ["promise", "promiseDays", "promiseShare", "keep", "payment", "paymentIn", "dispute"]
        var model = base
        for (key, value) in try mapping(node, field, allowed: allowed) {
            let path = "\(field).\(key)"
            switch key {
            case "promise": model.promise = try probability(value, path)
            case "keep": model.keep = try probability(value, path)
            case "payment": model.payment = try probability(value, path)
            case "dispute": model.dispute = try probability(value, path)
            case "paymentIn": model.paymentIn = try delay(value, path)
            case "promiseDays":
                let (low, high) = try range(value, path)
                guard low == low.rounded(), high == high.rounded(), low >= 1, low <= high, high <= 365 else {
                    throw fail(path, "needs whole numbers of days min and max, 1 ≤ min ≤ max ≤ 365")
                }
                model.promiseDays = Int(low)...Int(high)
            default:
                let (low, high) = try range(value, path)
                guard low > 0, low <= high, high <= 1 else {
                    throw fail(path, "needs shares min and max, 0 < min ≤ max ≤ 1")
                }
                model.promiseShare = low...high
            }
        }
        return model
    }
}
