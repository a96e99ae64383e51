import Contract
import Domain
import Foundation
import Policy

/// One debtor's run as a picture: a column per local day, hours from midnight at the top to midnight at the
/// bottom, in the debtor's first time zone. Permitted call windows are shaded, Sundays and holidays tinted, holds
/// drawn as bands, contacts as marks by channel coloured by outcome, deferrals as small triangles whose tooltip
/// gives the rule and the reason, events as lines and promised dates as gold marks above their day.
struct DebtorCalendar {
    let history: DebtorHistory
    let rulebook: Rulebook?
    let engine: PolicyEngine?
    let start: Instant
    let end: Instant

    private let firstDate: LocalDate
    private let columns: Int
    private let dayWidth: Double
    private let left = 30.0
    private let top = 24.0
    private let hourHeight = 6.0

    init(history: DebtorHistory, rulebook: Rulebook?, engine: PolicyEngine?, start: Instant, end: Instant) {
        self.history = history
        self.rulebook = rulebook
        self.engine = engine
        self.start = start
        self.end = end
        firstDate = ZoneClock.date(start, history.zone)
        columns = max(1, ZoneClock.date(end.adding(seconds: -1), history.zone).dayNumber - firstDate.dayNumber + 1)
        dayWidth = min(16, max(5, 840 / Double(columns)))
    }

    static let resultColours: [Outcome.Result: String] = [
        .conversation: "#1b5e20", .promiseToPay: "#1b5e20", .noAnswer: "#757575", .voicemail: "#6a1b9a",
        .notConnected: "#bdbdbd", .delivered: "#1565c0", .failed: "#c62828",
    ]

    var svg: String {
        var canvas = SVGCanvas(
            width: left + dayWidth * Double(columns) + 8, height: top + 24 * hourHeight + 6,
            label: "Calendar of \(history.debtor.id)",
            attributes: [("class", "calendar"), ("data-debtor", history.debtor.id)])
        drawDays(&canvas)
        for (from, to) in permittedWindows() {
            for piece in pieces(from, to) {
                canvas.rect(
                    x: piece.x, y: piece.y, width: dayWidth, height: piece.height, fill: "#cdeccd",
                    style: [("class", "window")])
            }
        }
        for hold in history.holds {
            let title =
                "hold:\(hold.kind.rawValue)\(hold.debtId.map { " (debt \($0))" } ?? "") from \(local(hold.since))"
                + (hold.end.map { " until \(local($0))" } ?? ", open-ended")
            for piece in pieces(hold.since, min(hold.end ?? end, end)) {
                canvas.rect(
                    x: piece.x, y: piece.y, width: dayWidth, height: piece.height, fill: "#f5a623",
                    style: [("class", "hold"), ("fill-opacity", "0.35")], title: title)
            }
        }
        drawHourLines(&canvas)
        for event in history.events { drawEvent(event, on: &canvas) }
        for decision in history.blocked { drawDeferral(decision, on: &canvas) }
        for contact in history.contacts { drawContact(contact, on: &canvas) }
        for contact in history.contacts { drawPromise(contact, on: &canvas) }
        return canvas.markup
    }

    // MARK: Geometry

    private func column(_ instant: Instant) -> Int {
        ZoneClock.date(instant, history.zone).dayNumber - firstDate.dayNumber
    }

    private func point(_ instant: Instant) -> (x: Double, y: Double) {
        let x = left + dayWidth * (Double(column(instant)) + 0.5)
        return (x, top + Double(ZoneClock.secondOfDay(instant, history.zone)) / 3_600 * hourHeight)
    }

    /// The parts of `[from, to)` in each day's column.
    private func pieces(_ from: Instant, _ to: Instant) -> [(x: Double, y: Double, height: Double)] {
        guard from < to else { return [] }
        var result: [(x: Double, y: Double, height: Double)] = []
        let (first, last) = (max(0, column(from)), min(columns - 1, column(to.adding(seconds: -1))))
        guard first <= last else { return [] }
        for index in first...last {
            let date = firstDate.adding(days: index)
            let dayStart = ZoneClock.start(of: date, history.zone)
            let dayEnd = ZoneClock.start(of: date.adding(days: 1), history.zone)
            let (low, high) = (max(from, dayStart), min(to, dayEnd))
            guard low < high else { continue }
            let y0 = Double(ZoneClock.secondOfDay(low, history.zone))
            let y1 = high == dayEnd ? 86_400 : Double(ZoneClock.secondOfDay(high, history.zone))
            result.append(
                (left + dayWidth * Double(index), top + y0 / 3_600 * hourHeight, (y1 - y0) / 3_600 * hourHeight))
        }
        return result
    }

    private func local(_ instant: Instant) -> String { LocalDay.describe(instant, inZone: history.zone) }

    // MARK: Layers

    private func drawDays(_ canvas: inout SVGCanvas) {
        for index in 0..<columns {
            let date = firstDate.adding(days: index)
            let x = left + dayWidth * Double(index)
            let holiday = rulebook?.holidayCalendars.lazy.compactMap { $0.holiday(on: date) }.first
            if let holiday {
                canvas.rect(
                    x: x, y: top, width: dayWidth, height: 24 * hourHeight, fill: "#f8c9c2",
                    style: [("class", "holiday"), ("data-date", date.description)],
                    title: "\(holiday.date) \(holiday.name)")
            } else if rulebook?.closedDates.contains(date) == true {
                canvas.rect(
                    x: x, y: top, width: dayWidth, height: 24 * hourHeight, fill: "#f8c9c2",
                    style: [("class", "holiday"), ("data-date", date.description)], title: "\(date) closed date")
            } else if date.weekday == .sun || date.weekday == .sat {
                canvas.rect(
                    x: x, y: top, width: dayWidth, height: 24 * hourHeight,
                    fill: date.weekday == .sun ? "#e4e4e4" : "#f1f1f1",
                    style: [("class", date.weekday == .sun ? "sunday" : "saturday")],
                    title: "\(date.weekday.rawValue.capitalized) \(date)")
            }
            if date.weekday == .mon || index == 0 {
                let parts = date.description.split(separator: "-")
                canvas.text("\(parts[1])-\(parts[2])", x: x, y: top - 12, size: 9)
                canvas.rect(x: x, y: top - 10, width: 0.5, height: 10, fill: "#999")
            }
        }
    }

    private func drawHourLines(_ canvas: inout SVGCanvas) {
        for hour in stride(from: 0, through: 24, by: 6) {
            let y = top + Double(hour) * hourHeight
            canvas.rect(x: left, y: y, width: dayWidth * Double(columns), height: 0.4, fill: "#999")
            canvas.text((hour < 10 ? "0" : "") + "\(hour):00", x: left - 3, y: y + 3, anchor: "end", size: 8)
        }
    }

    private func drawContact(_ contact: DebtorHistory.Contact, on canvas: inout SVGCanvas) {
        let entry = contact.entry
        let (x, y) = point(entry.at)
        let r = min(dayWidth / 2 - 0.5, 4.5)
        let state = contact.expiredAt != nil ? "expired" : contact.result?.rawValue ?? "pending"
        let fill = contact.expiredAt != nil ? "#ffffff" : contact.result.flatMap { Self.resultColours[$0] } ?? "#000000"
        let style = [
            ("fill", fill), ("stroke", contact.expiredAt != nil ? "#c62828" : "#000000"), ("stroke-width", "0.6"),
            ("class", "contact"), ("data-channel", entry.channel?.rawValue ?? ""), ("data-result", state),
        ]
        let title =
            "\(local(entry.at)) — \(entry.channel?.rawValue ?? "?") \(entry.purpose ?? "") (attempt \(entry.attempt ?? 1))"
            + (entry.cause == "representative" ? " to the representative" : "") + ": \(state)"
            + (entry.validUntil.map { "; valid until \(local($0))" } ?? "")
        switch entry.channel ?? .call {
        case .call: canvas.add("circle", [("cx", x), ("cy", y), ("r", r)], style: style, title: title)
        case .sms:
            canvas.add(
                "rect", [("x", x - r), ("y", y - r), ("width", 2 * r), ("height", 2 * r)], style: style, title: title)
        case .email:
            canvas.polygon(
                [(x, y - r - 0.5), (x + r + 0.5, y), (x, y + r + 0.5), (x - r - 0.5, y)], style: style, title: title)
        case .letter:
            canvas.polygon([(x, y - r - 0.5), (x + r + 0.5, y + r), (x - r - 0.5, y + r)], style: style, title: title)
        }
    }

    /// A gold mark above the promised day.
    private func drawPromise(_ contact: DebtorHistory.Contact, on canvas: inout SVGCanvas) {
        guard let promise = contact.promise, let date = LocalDate(iso: promise.date) else { return }
        let index = date.dayNumber - firstDate.dayNumber
        guard (0..<columns).contains(index) else { return }
        let dayEnd = ZoneClock.start(of: date.adding(days: 1), history.zone)
        let paid = history.events.contains {
            $0.event == .payment && $0.debtId == contact.entry.debtId && $0.at >= contact.entry.at && $0.at < dayEnd
        }
        let state = paid ? "kept" : dayEnd <= end ? "broken" : "not yet due"
        canvas.rect(
            x: left + dayWidth * Double(index) + 1, y: top - 8, width: dayWidth - 2, height: 6,
            fill: paid ? "#c9a227" : "#ffffff",
            style: [("stroke", "#c9a227"), ("class", "promise"), ("data-state", state)],
            title:
                "promise of \(promise.amount) \(contact.entry.debtId ?? "") for \(promise.date), made \(local(contact.entry.at)): \(state)"
        )
    }

    private func drawDeferral(_ decision: TimelineEntry, on canvas: inout SVGCanvas) {
        let (x, y) = point(decision.at)
        let reasons = (decision.reasons ?? []).map { "\($0.rule): \($0.detail)" }.joined(separator: "; ")
        let verb = decision.decision == .suppress ? "suppressed" : "deferred"
        let until = decision.earliest.map { " until \(local($0))" } ?? ""
        canvas.polygon(
            [(x - 2, y - 2), (x + 2, y - 2), (x, y + 1)],
            style: [("fill", decision.decision == .suppress ? "#c62828" : "#ef8c00"), ("class", "deferral")],
            title:
                "\(local(decision.at)) — \(verb) \(decision.channel?.rawValue ?? "") \(decision.purpose ?? "")\(until): \(reasons)"
        )
    }

    private func drawEvent(_ event: TimelineEntry, on canvas: inout SVGCanvas) {
        let (x, y) = point(event.at)
        let kind = event.event?.rawValue ?? "event"
        canvas.rect(
            x: x - dayWidth / 2, y: y - 1, width: dayWidth, height: 2,
            fill: event.event == .payment ? "#2e7d32" : "#000000",
            style: [("class", "event"), ("data-event", kind)],
            title: "\(local(event.at)) — \(kind)\(event.channel.map { " (\($0.rawValue))" } ?? "")"
                + (event.cause.map { ", \($0)" } ?? ""))
    }

    // MARK: Windows

    /// When a call would be permitted, as the policy engine answers for this debtor with no history and no holds:
    /// contact hours, holidays and the debtor's inconvenient times.
    private func permittedWindows() -> [(Instant, Instant)] {
        guard let engine,
            let debtor = try? Policy.Debtor(
                id: history.debtor.id, timeZones: history.debtor.timeZones, inconvenient: history.debtor.inconvenient)
        else { return [] }
        var windows: [(Instant, Instant)] = []
        var now = ZoneClock.start(of: firstDate, history.zone)
        while now < end, windows.count < 10_000 {
            let decision = engine.evaluate(
                PolicyRequest(now: now, contact: Contact(channel: .call, debtId: "calendar"), debtor: debtor))
            switch decision.decision {
            case .allow:
                let until = min(decision.validUntil ?? end, end)
                guard until > now else { return windows }
                windows.append((now, until))
                now = until
            case .defer:
                guard let earliest = decision.earliest, earliest > now else { return windows }
                now = earliest
            case .suppress, .redirect:
                return windows
            }
        }
        return windows
    }
}
