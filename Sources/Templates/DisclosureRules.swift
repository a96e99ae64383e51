import Domain
import Mustache

/// What every rendered message must say, and must never say, under each rulebook (`Config/templates/rules.yaml`).
/// Checked on the message itself, after rendering, so that a value or a section that left out a disclosure is caught
/// for that message, not only for the template's sample.
public struct DisclosureRules: Sendable {
    /// When a disclosure is required.
    public enum When: String, Sendable, CaseIterable {
        /// In every message.
        case every
        /// In the first communication on a debt.
        case first
    }

    /// One required statement: each of its phrases (Mustache, rendered with the message's own values) must appear in
    /// every part of the message a reader sees, in its language.
    public struct Disclosure: Sendable {
        public var id: String
        /// The rule it comes from, e.g. `12 CFR 1006.18(e)`.
        public var source: String
        public var when: When
        public var channels: Set<Channel>
        /// Purposes it does not apply to (the amount owed, in the survey sent once a debt is closed).
        public var notFor: Set<Purpose>
        /// When not empty, the only purposes it applies to (the validation information: the first notice and the
        /// validation notice).
        public var onlyFor: Set<Purpose>
        /// Per language, the phrases; all of them must appear.
        public var phrases: [String: [String]]

        public init(
            id: String, source: String, when: When, channels: Set<Channel>, notFor: Set<Purpose> = [],
            onlyFor: Set<Purpose> = [], phrases: [String: [String]]
        ) {
            self.notFor = notFor
            self.onlyFor = onlyFor
            self.id = id
            self.source = source
            self.when = when
            self.channels = channels
            self.phrases = phrases
        }
    }

    /// One rulebook's disclosures and its own forbidden phrases (on top of everyone's).
    public struct Rulebook: Sendable {
        public var required: [Disclosure]
        public var forbidden: [String: [String]]
        public init(required: [Disclosure], forbidden: [String: [String]]) {
            self.required = required
            self.forbidden = forbidden
        }
    }

    /// The most characters an SMS may have.
    public var smsBudget: Int
    /// Phrases no message under any rulebook may contain, per language: threats of arrest or prison, of telling an
    /// employer or neighbours, false urgency.
    public var forbidden: [String: [String]]
    public var rulebooks: [String: Rulebook]
    private let phrases: [String: MustacheTemplate]

    public init(smsBudget: Int, forbidden: [String: [String]], rulebooks: [String: Rulebook]) throws(TemplateError) {
        self.smsBudget = smsBudget
        self.forbidden = forbidden
        self.rulebooks = rulebooks
        var phrases: [String: MustacheTemplate] = [:]
        for (name, rulebook) in rulebooks {
            for disclosure in rulebook.required {
                for phrase in disclosure.phrases.values.joined() where phrases[phrase] == nil {
                    do {
                        phrases[phrase] = try MustacheTemplate(string: TemplateCatalog.textPragma + phrase)
                    } catch {
                        throw TemplateError(
                            .invalidRule, "\(name): \(disclosure.id)", "phrase does not parse: \(error)")
                    }
                }
            }
        }
        self.phrases = phrases
    }

    /// What `message` lacks or contains against the rules of `values.rulebook`, in words an operator can act on:
    /// `missing debt-collector (12 CFR 1006.18(e)) in text: "from a debt collector"`. Empty when it may be sent.
    public func problems(in message: RenderedMessage, values: MessageValues, language: String) -> [String] {
        var problems: [String] = []
        let parts = message.readableParts.map { (name: $0.name, text: Searchable($0.text)) }
        // Forbidden phrases are the template's to avoid: the person's and the creditor's names and addresses are
        // blanked out first, so that nobody called Kubik or living on Prison Lane is refused a message.
        let everything = Searchable(
            ([message.subject ?? ""] + message.readableParts.map(\.text)).joined(separator: "\n")
        ).blanking(values.personalValues.map(Searchable.init))
        if message.channel == .sms, message.text.count > smsBudget {
            problems.append("the text has \(message.text.count) characters, more than the SMS budget of \(smsBudget)")
        }
        let rulebook = rulebooks[values.rulebook]
        if rulebook == nil { problems.append("no disclosure rules for rulebook \(values.rulebook)") }
        for phrase in (forbidden[language] ?? []) + (rulebook?.forbidden[language] ?? []) {
            if everything.contains(Searchable(phrase)) { problems.append("forbidden phrase \"\(phrase)\"") }
        }
        let context = values.context(language: language)
        for disclosure in rulebook?.required ?? [] {
            guard disclosure.channels.contains(message.channel), !disclosure.notFor.contains(values.purpose),
                disclosure.onlyFor.isEmpty || disclosure.onlyFor.contains(values.purpose)
            else { continue }
            guard disclosure.when == .every || values.firstCommunication else { continue }
            guard let wanted = disclosure.phrases[language] else {
                problems.append("no wording of \(disclosure.id) in language \(language)")
                continue
            }
            for phrase in wanted {
                let text = Searchable(phrases[phrase]?.render(context) ?? phrase)
                for part in parts where !part.text.contains(text) {
                    problems.append("missing \(disclosure.id) (\(disclosure.source)) in \(part.name): \"\(phrase)\"")
                }
            }
        }
        return problems
    }

    /// Lower case, one space for any run of white space (no-break spaces too), straight quotes: how the check reads
    /// both the phrase and the message, as UTF-8.
    static func normalized(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        var space = false
        for scalar in text.lowercased().unicodeScalars {
            let white =
                scalar.isASCII
                ? scalar == " " || scalar == "\n" || scalar == "\t" || scalar == "\r"
                : scalar.properties.isWhitespace
            if white {
                space = true
                continue
            }
            if space, !out.isEmpty { out.append(UInt8(ascii: " ")) }
            space = false
            switch scalar {
            case "\u{2019}", "\u{2018}": out.append(UInt8(ascii: "'"))
            case "\u{201C}", "\u{201D}", "\u{201E}": out.append(UInt8(ascii: "\""))
            default: out.append(contentsOf: UTF8.encode(scalar)!)
            }
        }
        return out
    }
}

/// Text as the check reads it (``DisclosureRules/normalized(_:)``), as UTF-8 bytes searched byte by byte: the
/// check runs on every message a sender sends, and `String.contains` costs a hundred times more.
struct Searchable {
    let bytes: [UInt8]

    init(_ text: String) { bytes = DisclosureRules.normalized(text) }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    /// Whether `needle` occurs in it. Normalised UTF-8 matches at byte level exactly where the text does.
    func contains(_ needle: Searchable) -> Bool { firstIndex(of: needle, from: 0) != nil }

    /// Where `needle` next occurs at or after `start`.
    private func firstIndex(of needle: Searchable, from start: Int) -> Int? {
        let n = needle.bytes
        guard let first = n.first else { return start }
        guard n.count <= bytes.count else { return nil }
        return bytes.withUnsafeBufferPointer { haystack in
            n.withUnsafeBufferPointer { pattern in
                var index = start
                let last = haystack.count - pattern.count
                while index <= last {
                    if haystack[index] == first {
                        var matched = 1
                        while matched < pattern.count, haystack[index + matched] == pattern[matched] { matched += 1 }
                        if matched == pattern.count { return index }
                    }
                    index += 1
                }
                return nil
            }
        }
    }

    /// The text with every occurrence of `values` turned into spaces.
    func blanking(_ values: [Searchable]) -> Searchable {
        var bytes = self.bytes
        for value in values where !value.bytes.isEmpty {
            var from = 0
            let current = Searchable(bytes: bytes)
            while let index = current.firstIndex(of: value, from: from) {
                for offset in index..<(index + value.bytes.count) { bytes[offset] = UInt8(ascii: " ") }
                from = index + value.bytes.count
            }
        }
        return Searchable(bytes: bytes)
    }
}
