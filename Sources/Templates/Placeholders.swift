import Foundation

/// The tags of a Mustache text, read to check that every name a template uses is one Tact fills in. Rendering is
/// swift-mustache's; this only lists names.
enum Placeholders {
    enum Tag: Equatable {
        case variable(String)
        case section(String)
        case inverted(String)
        case close(String)
        case partial(String)
    }

    /// The tags in order; throws for a tag that is never closed or changes the delimiters (not supported, so that
    /// every template reads the same way).
    static func tags(in text: String) throws(TemplateError) -> [Tag] {
        var tags: [Tag] = []
        var rest = text[...]
        while let open = rest.range(of: "{{") {
            let afterOpen = rest[open.upperBound...]
            let triple = afterOpen.hasPrefix("{")
            let closing = triple ? "}}}" : "}}"
            guard let close = afterOpen.range(of: closing) else {
                throw TemplateError(.syntax, "", "a tag opened with {{ is never closed")
            }
            var body = afterOpen[..<close.lowerBound]
            if triple { body = body.dropFirst() }
            rest = afterOpen[close.upperBound...]
            let trimmed = body.trimmingWhitespace()
            guard let first = trimmed.first else { throw TemplateError(.syntax, "", "an empty tag {{}}") }
            let name = String(trimmed.dropFirst().trimmingWhitespace())
            switch first {
            case "!": continue
            case "%": continue
            case "=": throw TemplateError(.syntax, "", "changing the delimiters is not supported")
            case "#": tags.append(.section(name))
            case "^": tags.append(.inverted(name))
            case "/": tags.append(.close(name))
            case ">": tags.append(.partial(name))
            case "&": tags.append(.variable(name))
            case "<", "$": throw TemplateError(.syntax, "", "template inheritance is not supported")
            default: tags.append(.variable(String(trimmed)))
            }
        }
        return tags
    }

    /// The names in `text` that resolve nowhere in `context` (the root, or a section's value), and sections closed
    /// out of order; each problem once, in order.
    static func unknownNames(in text: String, context: [String: Any], partials: Set<String>) throws(TemplateError)
        -> [String]
    {
        var problems: [String] = []
        var sections: [String] = []
        // What each open section names, when it is a set of values (a bool or a missing value adds none).
        var scopes: [[String: Any]] = [context]
        var pushed: [Bool] = []
        func note(_ problem: String) { if !problems.contains(problem) { problems.append(problem) } }
        // Innermost scope first, as Mustache looks names up.
        func resolve(_ name: String) -> Any? {
            if name == "." { return sections.isEmpty ? nil : "" }
            let path = name.split(separator: ".").map(String.init)
            for scope in scopes.reversed() {
                guard let head = scope[path[0]] else { continue }
                return lookup(path.dropFirst().joined(separator: "."), in: head)
            }
            return nil
        }
        for tag in try tags(in: text) {
            switch tag {
            case .variable(let name):
                if resolve(name) == nil { note("unknown placeholder {{\(name)}}") }
            case .section(let name), .inverted(let name):
                let value = resolve(name)
                if value == nil { note("unknown section {{#\(name)}}") }
                sections.append(name)
                // An inverted section shows when its value is absent: names inside it cannot come from it.
                if case .section = tag, let values = value as? [String: Any] {
                    scopes.append(values)
                    pushed.append(true)
                } else {
                    pushed.append(false)
                }
            case .close(let name):
                guard sections.last == name else {
                    note("{{/\(name)}} closes no open section of that name")
                    continue
                }
                sections.removeLast()
                if pushed.removeLast() { scopes.removeLast() }
            case .partial(let name):
                if !partials.contains(name) { note("unknown partial {{> \(name)}}") }
            }
        }
        if let open = sections.last { note("section {{#\(open)}} is never closed") }
        return problems
    }

    /// The value at a dotted path below `value` (the empty path is `value` itself).
    private static func lookup(_ path: String, in value: Any) -> Any? {
        var current = value
        for key in path.split(separator: ".") {
            guard let dictionary = current as? [String: Any], let next = dictionary[String(key)] else { return nil }
            current = next
        }
        return current
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        var text = self
        while text.first?.isWhitespace == true { text = text.dropFirst() }
        while text.last?.isWhitespace == true { text = text.dropLast() }
        return text
    }
}
