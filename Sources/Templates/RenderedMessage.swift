import Domain
import Foundation

/// One message as the debtor (or their representative) will read it.
public struct RenderedMessage: Sendable, Equatable {
    public var channel: Channel
    /// E-mail only.
    public var subject: String?
    /// The text: the SMS, the e-mail's plain-text part, or the letter.
    public var text: String
    /// E-mail and letter: the same text as HTML.
    public var html: String?

    public init(channel: Channel, subject: String?, text: String, html: String?) {
        self.channel = channel
        self.subject = subject
        self.text = text
        self.html = html
    }

    /// Every part a reader sees, each as plain text, for the disclosure check: a disclosure must be in each.
    public var readableParts: [(name: String, text: String)] {
        var parts = [(name: "text", text: text)]
        if let html { parts.append((name: "html", text: HTMLText.plain(html))) }
        return parts
    }
}

/// HTML made from the plain text, and read back as plain text.
enum HTMLText {
    /// Paragraphs (blank-line separated) become `<p>`, lines within one `<br>`; everything is escaped; web addresses
    /// become links.
    static func html(fromPlain text: String, title: String) -> String {
        let paragraphs = text.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .newlines) }
            .filter { !$0.isEmpty }
        let body = paragraphs.map { paragraph in
            let lines = paragraph.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.split(separator: " ", omittingEmptySubsequences: false).map(linked).joined(separator: " ")
            }
            return "<p>" + lines.joined(separator: "<br>\n") + "</p>"
        }
        return """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>\(escape(title))</title></head>
            <body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">
            \(body.joined(separator: "\n"))
            </body></html>

            """
    }

    /// A word, escaped; a link when it is an https address (punctuation after it stays outside).
    private static func linked(_ word: Substring) -> String {
        guard word.hasPrefix("https://") else { return escape(String(word)) }
        var address = word
        var trailing = ""
        while let last = address.last, ".,;:)".contains(last) {
            trailing = String(last) + trailing
            address = address.dropLast()
        }
        let escaped = escape(String(address))
        return "<a href=\"\(escaped)\">\(escaped)</a>" + escape(trailing)
    }

    static func escape(_ text: String) -> String { MarkupText.escape(text) }

    /// The text a reader of `html` sees: tags dropped (a block tag ends a line), entities read.
    static func plain(_ html: String) -> String {
        var out = ""
        var inTag = false
        var tag = ""
        for character in html {
            if inTag {
                if character == ">" {
                    inTag = false
                    let name = tag.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "/ "))
                    if ["p", "br", "div", "li", "tr", "h1", "h2", "h3"].contains(where: { name.hasPrefix($0) }) {
                        out += "\n"
                    }
                    tag = ""
                } else {
                    tag.append(character)
                }
            } else if character == "<" {
                inTag = true
            } else {
                out.append(character)
            }
        }
        return decodingEntities(out)
    }

    /// `&lt;` `&gt;` `&quot;` `&#39;` `&nbsp;` `&amp;` read, in one pass.
    private static func decodingEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        let entities: [Substring: String] = [
            "&lt;": "<", "&gt;": ">", "&quot;": "\"", "&#39;": "'", "&nbsp;": " ", "&amp;": "&",
        ]
        var out = ""
        var rest = text[...]
        while let ampersand = rest.firstIndex(of: "&") {
            out += rest[..<ampersand]
            let candidate = rest[ampersand...].prefix(6)
            if let end = candidate.firstIndex(of: ";"), let character = entities[rest[ampersand...end]] {
                out += character
                rest = rest[rest.index(after: end)...]
            } else {
                out += "&"
                rest = rest[rest.index(after: ampersand)...]
            }
        }
        out += rest
        return out
    }
}
