import Domain

/// Builds one inline SVG picture as text. Every piece of text is escaped; numbers are written with at most one
/// decimal, so the same run always gives the same bytes.
struct SVGCanvas {
    private(set) var body = ""
    let width: Double
    let height: Double
    let attributes: String

    init(width: Double, height: Double, label: String, attributes: [(String, String)] = []) {
        self.width = width
        self.height = height
        self.attributes =
            " role=\"img\" aria-label=\"\(SVGCanvas.escape(label))\""
            + attributes.map { " \($0.0)=\"\(SVGCanvas.escape($0.1))\"" }.joined()
    }

    /// `<svg …>…</svg>`.
    var markup: String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" "
            + "viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\"\(attributes)>\(body)</svg>"
    }

    /// Adds an element; `title` becomes its tooltip.
    mutating func add(
        _ element: String, _ geometry: [(String, Double)], style: [(String, String)] = [], title: String? = nil
    ) {
        body += "<\(element)"
        for (name, value) in geometry { body += " \(name)=\"\(Self.number(value))\"" }
        for (name, value) in style { body += " \(name)=\"\(Self.escape(value))\"" }
        if let title {
            body += "><title>\(Self.escape(title))</title></\(element)>"
        } else {
            body += "/>"
        }
    }

    mutating func rect(
        x: Double, y: Double, width: Double, height: Double, fill: String, style: [(String, String)] = [],
        title: String? = nil
    ) {
        add(
            "rect", [("x", x), ("y", y), ("width", max(width, 0)), ("height", max(height, 0))],
            style: [("fill", fill)] + style, title: title)
    }

    mutating func text(_ content: String, x: Double, y: Double, anchor: String = "start", size: Double = 10) {
        body +=
            "<text x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" font-size=\"\(Self.number(size))\" "
            + "text-anchor=\"\(anchor)\">\(Self.escape(content))</text>"
    }

    mutating func polygon(_ points: [(Double, Double)], style: [(String, String)], title: String? = nil) {
        let list = points.map { "\(Self.number($0.0)),\(Self.number($0.1))" }.joined(separator: " ")
        body += "<polygon points=\"\(list)\""
        for (name, value) in style { body += " \(name)=\"\(Self.escape(value))\"" }
        body += title.map { "><title>\(Self.escape($0))</title></polygon>" } ?? "/>"
    }

    static func escape(_ text: String) -> String { MarkupText.escape(text) }

    static func number(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? String(Int(tenths / 10)) : String(tenths / 10)
    }
}
