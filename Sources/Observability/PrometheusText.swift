/// The Prometheus text exposition format, version 0.0.4.
enum PrometheusText {
    /// What `/metrics` answers with.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    static func append(_ family: MetricFamily, to text: inout String) {
        text += "# HELP \(family.name) \(escapeHelp(family.help))\n"
        text += "# TYPE \(family.name) \(family.kind.rawValue)\n"
        for (values, series) in family.snapshot() {
            let labels = Array(zip(family.labelNames, values))
            switch family.kind {
            case .counter, .gauge:
                text += sample(family.name, labels, series.value)
            case .histogram:
                var cumulative: UInt64 = 0
                for (bound, count) in zip(family.buckets, series.bucketCounts) {
                    cumulative += count
                    text += sample("\(family.name)_bucket", labels + [("le", format(bound))], Double(cumulative))
                }
                text += sample("\(family.name)_bucket", labels + [("le", "+Inf")], Double(series.count))
                text += sample("\(family.name)_sum", labels, series.value)
                text += sample("\(family.name)_count", labels, Double(series.count))
            }
        }
    }

    private static func sample(_ name: String, _ labels: [(String, String)], _ value: Double) -> String {
        guard !labels.isEmpty else { return "\(name) \(format(value))\n" }
        let pairs = labels.map { "\($0.0)=\"\(escapeLabelValue($0.1))\"" }.joined(separator: ",")
        return "\(name){\(pairs)} \(format(value))\n"
    }

    /// Whole numbers without a fraction (`3`, not `3.0`); `+Inf`, `-Inf` and `NaN` as Prometheus spells them.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return String(value)
    }

    /// In HELP lines, a backslash and a line feed are escaped.
    static func escapeHelp(_ text: String) -> String { escape(text, quotes: false) }

    /// In label values, a backslash, a double quote and a line feed are escaped.
    static func escapeLabelValue(_ text: String) -> String { escape(text, quotes: true) }

    /// By scalar, not by character: `\r\n` is one Swift character, and its line feed must still be escaped.
    private static func escape(_ text: String, quotes: Bool) -> String {
        var escaped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": escaped.append(contentsOf: "\\\\".unicodeScalars)
            case "\n": escaped.append(contentsOf: "\\n".unicodeScalars)
            case "\"" where quotes: escaped.append(contentsOf: "\\\"".unicodeScalars)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }

    static func isValidMetricName(_ name: String) -> Bool {
        name.wholeMatch(of: /[a-zA-Z_:][a-zA-Z0-9_:]*/) != nil
    }

    /// Names starting with `__` are reserved for Prometheus itself.
    static func isValidLabelName(_ name: String) -> Bool {
        name.wholeMatch(of: /[a-zA-Z_][a-zA-Z0-9_]*/) != nil && !name.hasPrefix("__")
    }
}
