import Contract
import Domain
import Foundation
import Policy
import TactConfig

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

    /// Decodes and validates outcome-model YAML through the one strict decoder; `file` only labels errors.
    public static func decode(yaml: String, file: String) throws(ConfigError) -> OutcomeParameters {
        guard !ConfigYAML.isEmpty(yaml) else { return standard }
        let parameters = try ConfigYAML.decode(OutcomeFile.self, yaml: yaml, file: file).parameters
        if (parameters.daily[.optOut] ?? 0) > 0 && parameters.optOutChannels.isEmpty {
            throw ConfigError(.invalidContent, file: file, field: "optOutChannels", "must name a channel for opt-outs")
        }
        return parameters
    }
}

/// An outcome model file: each field present replaces the ``OutcomeParameters/standard`` value.
private struct OutcomeFile: Decodable {
    var parameters = OutcomeParameters.standard

    private enum Keys: String, CodingKey, CaseIterable {
        case title, channels, conversation, disputes, daily, optOutChannels
    }
    private enum CallKeys: String, CodingKey, CaseIterable {
        case answer, otherwise, voicemail, notConnected, givenBack, delay
    }
    private enum MessageKeys: String, CodingKey, CaseIterable { case answer, otherwise, delivered, givenBack, delay }
    private enum ConversationKeys: String, CodingKey, CaseIterable {
        case promise, promiseDays, promiseShare, keep, payment, paymentIn, dispute
    }
    private enum DisputeKeys: String, CodingKey, CaseIterable { case resolved, resolvedIn }
    private enum BandKeys: String, CodingKey, CaseIterable { case from, to, rate }
    private enum RangeKeys: String, CodingKey, CaseIterable { case min, max }

    init(from decoder: any Decoder) throws {
        let top = try decoder.container(keyedBy: Keys.self)
        _ = try top.decodeIfPresent(String.self, forKey: .title)
        if top.contains(.channels) {
            let channels = try top.nestedContainer(keyedBy: FieldKey.self, forKey: .channels)
            for key in channels.allKeys {
                guard let channel = Channel(rawValue: key.stringValue) else {
                    throw PolicyError.unknownField(
                        at: channels.codingPath + [key], accepted: Channel.allCases.map(\.rawValue))
                }
                let section = try channels.superDecoder(forKey: key)
                let base = parameters.channels[channel]!
                parameters.channels[channel] =
                    channel == .call
                    ? try Self.channel(section, keys: CallKeys.self, base: base)
                    : try Self.channel(section, keys: MessageKeys.self, base: base)
            }
        }
        if top.contains(.conversation) {
            try decodeConversation(try top.nestedContainer(keyedBy: ConversationKeys.self, forKey: .conversation))
        }
        if top.contains(.disputes) {
            let c = try top.nestedContainer(keyedBy: DisputeKeys.self, forKey: .disputes)
            if c.contains(.resolved) { parameters.disputes.resolved = try Self.probability(c, .resolved) }
            if c.contains(.resolvedIn) { parameters.disputes.resolvedIn = try Self.delay(c, .resolvedIn) }
        }
        if top.contains(.daily) {
            let daily = try top.nestedContainer(keyedBy: FieldKey.self, forKey: .daily)
            let kinds = OutcomeParameters.dailyKinds.map(\.rawValue)
            for key in daily.allKeys {
                guard let kind = LifeEvent.Kind(rawValue: key.stringValue), kinds.contains(key.stringValue) else {
                    throw PolicyError.unknownField(at: daily.codingPath + [key], accepted: kinds)
                }
                parameters.daily[kind] = try Self.probability(daily, key)
            }
        }
        if top.contains(.optOutChannels) {
            var list = try top.nestedUnkeyedContainer(forKey: .optOutChannels)
            var channels: [Channel] = []
            while !list.isAtEnd {
                let path = list.codingPath + [FieldKey(index: list.currentIndex)]
                guard let channel = (try? list.decode(String.self)).flatMap(Channel.init(rawValue:)) else {
                    throw Self.fail("unknown channel; expected one of call, sms, email, letter", at: path)
                }
                channels.append(channel)
            }
            parameters.optOutChannels = channels
        }
    }

    private mutating func decodeConversation(_ c: KeyedDecodingContainer<ConversationKeys>) throws {
        var model = parameters.conversation
        if c.contains(.promise) { model.promise = try Self.probability(c, .promise) }
        if c.contains(.keep) { model.keep = try Self.probability(c, .keep) }
        if c.contains(.payment) { model.payment = try Self.probability(c, .payment) }
        if c.contains(.dispute) { model.dispute = try Self.probability(c, .dispute) }
        if c.contains(.paymentIn) { model.paymentIn = try Self.delay(c, .paymentIn) }
        if c.contains(.promiseDays) {
            let (low, high) = try Self.range(c, .promiseDays)
            guard low == low.rounded(), high == high.rounded(), low >= 1, low <= high, high <= 365 else {
                throw Self.fail(
                    "needs whole numbers of days min and max, 1 ≤ min ≤ max ≤ 365",
                    at: c.codingPath + [ConversationKeys.promiseDays])
            }
            model.promiseDays = Int(low)...Int(high)
        }
        if c.contains(.promiseShare) {
            let (low, high) = try Self.range(c, .promiseShare)
            guard low > 0, low <= high, high <= 1 else {
                throw Self.fail(
                    "needs shares min and max, 0 < min ≤ max ≤ 1", at: c.codingPath + [ConversationKeys.promiseShare])
            }
            model.promiseShare = low...high
        }
        parameters.conversation = model
    }

    // MARK: Values

    private static func fail(_ problem: String, at path: [any CodingKey]) -> DecodingError {
        PolicyError.decoding(.invalidValue, problem, at: path)
    }

    private static func channel<K: CodingKey & CaseIterable & RawRepresentable>(
        _ decoder: any Decoder, keys: K.Type, base: OutcomeParameters.ChannelModel
    ) throws -> OutcomeParameters.ChannelModel where K.RawValue == String {
        let c = try decoder.container(keyedBy: K.self)
        var model = base
        for key in c.allKeys {
            switch key.rawValue {
            case "answer": model.answer = try bands(try c.nestedUnkeyedContainer(forKey: key))
            case "otherwise": model.otherwise = try probability(c, key)
            case "voicemail": model.voicemail = try probability(c, key)
            case "notConnected": model.notConnected = try probability(c, key)
            case "delivered": model.delivered = try probability(c, key)
            case "givenBack": model.givenBack = try probability(c, key)
            default: model.delay = try delay(c, key)
            }
        }
        return model
    }

    private static func number<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Double {
        guard let value = try? c.decode(Double.self, forKey: key), value.isFinite else {
            throw fail("must be a number", at: c.codingPath + [key])
        }
        return value
    }

    private static func probability<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Double {
        let value = try number(c, key)
        guard (0...1).contains(value) else {
            throw fail("must be a probability between 0 and 1", at: c.codingPath + [key])
        }
        return value
    }

    /// `90s`, `5m`, `2h`, `3d`, or a number of seconds.
    private static func duration<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> Int64 {
        let text = (try? c.decode(String.self, forKey: key)) ?? ""
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        let (digits, unit) = text.last.flatMap { units[$0] }.map { (text.dropLast(), $0) } ?? (Substring(text), 1)
        guard let count = Int64(digits), count >= 0, count <= 3_650 * 86_400 / unit else {
            throw fail("must be a duration such as 90s, 5m, 2h or 3d", at: c.codingPath + [key])
        }
        return count * unit
    }

    /// `{min: …, max: …}` as numbers.
    private static func range<K: CodingKey>(_ c: KeyedDecodingContainer<K>, _ key: K) throws -> (Double, Double) {
        let range = try c.nestedContainer(keyedBy: RangeKeys.self, forKey: key)
        guard range.contains(.min), range.contains(.max) else { throw fail("needs min and max", at: range.codingPath) }
        return (try number(range, .min), try number(range, .max))
    }

    private static func delay<K: CodingKey>(
        _ c: KeyedDecodingContainer<K>, _ key: K
    ) throws -> OutcomeParameters.Delay {
        let range = try c.nestedContainer(keyedBy: RangeKeys.self, forKey: key)
        guard range.contains(.min), range.contains(.max) else { throw fail("needs min and max", at: range.codingPath) }
        let delay = OutcomeParameters.Delay(min: try duration(range, .min), max: try duration(range, .max))
        guard delay.min <= delay.max else { throw fail("min must not exceed max", at: range.codingPath) }
        return delay
    }

    private static func bands(_ list: some UnkeyedDecodingContainer) throws -> [OutcomeParameters.Band] {
        var list = list
        var bands: [OutcomeParameters.Band] = []
        while !list.isAtEnd {
            let band = try list.nestedContainer(keyedBy: BandKeys.self)
            guard band.contains(.from), band.contains(.to), band.contains(.rate) else {
                throw fail("needs from, to and rate", at: band.codingPath)
            }
            let value = OutcomeParameters.Band(
                from: try time(band, .from), to: try time(band, .to), rate: try probability(band, .rate))
            guard value.from < value.to else { throw fail("must end after it starts", at: band.codingPath) }
            guard bands.last.map({ $0.to <= value.from }) ?? true else {
                throw fail("bands must be in order and must not overlap", at: band.codingPath)
            }
            bands.append(value)
        }
        return bands
    }

    private static func time(_ c: KeyedDecodingContainer<BandKeys>, _ key: BandKeys) throws -> Int {
        guard let time = (try? c.decode(String.self, forKey: key)).flatMap({ LocalTime($0) }) else {
            throw fail("must be a local time HH:MM between 00:00 and 24:00", at: c.codingPath + [key])
        }
        return time.secondOfDay
    }
}
