import Domain
import Policy

/// The report's summary pictures, as inline SVG. Every bar carries its figure in `data-count`, so a test (or a
/// reader's tool) can add them up and compare them with the timeline.
enum SummaryCharts {
    static let channelColours: [(Channel, String)] = [
        (.call, "#1f77b4"), (.sms, "#2ca02c"), (.email, "#9467bd"), (.letter, "#8c564b"),
    ]

    /// Contacts per simulated day, stacked by channel.
    static func contactsPerDay(_ summary: SimulationSummary) -> String {
        let days = summary.contactsPerDay
        let peak = max(days.map(\.total).max() ?? 0, 1)
        let barWidth = min(18, max(4, 760 / Double(max(days.count, 1))))
        let (left, top, plot) = (36.0, 10.0, 160.0)
        var svg = SVGCanvas(
            width: left + barWidth * Double(days.count) + 10, height: top + plot + 34,
            label: "Contacts per day by channel", attributes: [("id", "chart-contacts-per-day")])
        for tick in ticks(upTo: peak) {
            let y = top + plot - plot * Double(tick) / Double(peak)
            svg.rect(x: left, y: y, width: barWidth * Double(days.count), height: 0.5, fill: "#ccc")
            svg.text(String(tick), x: left - 4, y: y + 3, anchor: "end", size: 9)
        }
        for day in days {
            var y = top + plot
            let x = left + barWidth * Double(day.day)
            for (channel, colour) in channelColours where day.count(channel) > 0 {
                let height = plot * Double(day.count(channel)) / Double(peak)
                y -= height
                svg.rect(
                    x: x + 0.5, y: y, width: barWidth - 1, height: height, fill: colour,
                    style: [
                        ("class", "bar"), ("data-day", String(day.day)), ("data-channel", channel.rawValue),
                        ("data-count", String(day.count(channel))),
                    ],
                    title: "day \(day.day + 1): \(day.count(channel)) \(channel.rawValue)")
            }
            if day.day % 7 == 0 { svg.text("day \(day.day + 1)", x: x, y: top + plot + 12, size: 9) }
        }
        var x = left
        for (channel, colour) in channelColours {
            svg.rect(x: x, y: top + plot + 20, width: 10, height: 10, fill: colour)
            svg.text(channel.rawValue, x: x + 14, y: top + plot + 29, size: 10)
            x += 70
        }
        return svg.markup
    }

    /// Horizontal bars, one per labelled figure, scaled to `scale` (the largest figure when nil).
    static func bars(
        _ rows: [(key: String, label: String, count: Int)], id: String, label: String, colour: String,
        scale: Int? = nil, attribute: String
    ) -> String {
        let peak = max(scale ?? rows.map(\.count).max() ?? 0, 1)
        let (left, width, rowHeight) = (170.0, 330.0, 20.0)
        var svg = SVGCanvas(
            width: left + width + 60, height: rowHeight * Double(rows.count) + 10, label: label,
            attributes: [("id", id)])
        for (index, row) in rows.enumerated() {
            let y = 5 + rowHeight * Double(index)
            svg.text(row.label, x: left - 6, y: y + 13, anchor: "end")
            svg.rect(x: left, y: y + 2, width: width, height: rowHeight - 6, fill: "#f2f2f2")
            svg.rect(
                x: left, y: y + 2, width: width * Double(row.count) / Double(peak), height: rowHeight - 6,
                fill: colour, style: [("class", "bar"), (attribute, row.key), ("data-count", String(row.count))],
                title: "\(row.label): \(row.count)")
            let share = scale.map { " (\(percent(row.count, of: $0)))" } ?? ""
            svg.text("\(row.count)\(share)", x: left + width + 6, y: y + 13)
        }
        return svg.markup
    }

    static func decisionsByRule(_ summary: SimulationSummary) -> String {
        let kinds = PolicyDecision.Kind.allCases.map {
            (key: "decision:\($0.rawValue)", label: $0.rawValue, count: summary.decisions[$0.rawValue] ?? 0)
        }
        let rules = summary.decisionsByRule.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map {
            (key: $0.key, label: "blocked by \($0.key)", count: $0.value)
        }
        return bars(
            kinds + rules, id: "chart-decisions", label: "Decisions by kind and by blocking rule", colour: "#ef8c00",
            attribute: "data-rule")
    }

    static func reach(_ summary: SimulationSummary) -> String {
        bars(
            [
                (key: "debtorsContacted", label: "contacted", count: summary.debtorsContacted),
                (key: "debtorsReached", label: "reached (a conversation)", count: summary.debtorsReached),
                (key: "debtorsPaid", label: "paid", count: summary.debtorsPaid),
            ], id: "chart-reach", label: "Share of debtors reached", colour: "#2e7d32", scale: summary.debtors,
            attribute: "data-figure")
    }

    static func promises(_ summary: SimulationSummary) -> String {
        bars(
            [
                (key: "promisesMade", label: "promises made", count: summary.promisesMade),
                (key: "promisesKept", label: "kept", count: summary.promisesKept),
                (key: "promisesBroken", label: "broken", count: summary.promisesBroken),
                (key: "promisesOpen", label: "not yet due", count: summary.promisesOpen),
            ], id: "chart-promises", label: "Promises to pay", colour: "#c9a227", attribute: "data-figure")
    }

    static func percent(_ count: Int, of total: Int) -> String {
        guard total > 0 else { return "0%" }
        return "\(Int((Double(count) * 100 / Double(total)).rounded()))%"
    }

    /// Round gridline values from 0 to `peak`.
    static func ticks(upTo peak: Int) -> [Int] {
        let step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000].first { peak / $0 <= 5 } ?? 10_000
        return Array(stride(from: 0, through: peak, by: step))
    }
}
