import Foundation
import Simulation
import Testing

/// Reads figures back out of a report, as written or as a browser rendered it.
enum ReportDOM {
    static func embedded(_ html: String) throws -> SimulationReport.Embedded {
        let opening = #"<script type="application/json" id="tact-summary">"#
        let start = try #require(html.range(of: opening)).upperBound
        let end = try #require(html.range(of: "</script>", range: start..<html.endIndex)).lowerBound
        return try JSONDecoder().decode(SimulationReport.Embedded.self, from: Data(html[start..<end].utf8))
    }

    /// The figures table the page's script builds: `data-figure` → number.
    static func figures(_ dom: String) -> [String: Int] {
        var figures: [String: Int] = [:]
        for match in dom.matches(of: /<tr data-figure="([^"]+)"><th>[^<]*<\/th><td>(\d+)<\/td><\/tr>/) {
            figures[String(match.1)] = Int(match.2)
        }
        return figures
    }

    /// Sum of `data-count` over the bars of the contacts-per-day chart, by channel.
    static func chartedContacts(_ dom: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for match in dom.matches(of: /data-channel="([a-z]+)" data-count="(\d+)"/) {
            counts[String(match.1), default: 0] += Int(match.2)!
        }
        return counts
    }

    /// The value of an attribute of `<body>`.
    static func bodyAttribute(_ name: String, in dom: String) -> String? {
        guard let body = dom.firstMatch(of: /<body[^>]*>/) else { return nil }
        let tag = String(body.0)
        guard let range = tag.range(of: "\(name)=\"") else { return nil }
        return String(tag[range.upperBound...].prefix { $0 != "\"" })
    }
}
