import Contract
import Domain
import Policy

/// The fixed parts of the report page and the text around its pictures.
enum ReportPage {
    static let style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:1.5em auto;max-width:1100px;\
        padding:0 1em;color:#222}h1{font-size:1.5em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;\
        margin-top:2em}h3{font-size:1em;margin:1.2em 0 .3em}ul.checks{list-style:none;padding:0}\
        ul.checks li{margin:.25em 0}li.pass::before{content:"\\2713  ";color:#2e7d32;font-weight:bold}\
        li.fail::before{content:"\\2717  ";color:#c62828;font-weight:bold}li.info::before{content:"\\2022  "}\
        table{border-collapse:collapse}th,td{padding:.15em .8em;border-bottom:1px solid #eee;text-align:left}\
        td{text-align:right;font-variant-numeric:tabular-nums}figure{margin:1em 0}figcaption{font-weight:600}\
        svg{display:block;max-width:100%;height:auto}svg text{font-family:inherit;fill:#333}\
        .findings{color:#c62828}.setup{color:#555}article.debtor{break-inside:avoid}
        """

    static func setup(run: SimulationReport.Run, summary: SimulationSummary) -> String {
        var facts = [
            "\(summary.debtors) debtors",
            "from \(summary.start) to \(summary.end) (\(summary.days) days, virtual time)",
        ]
        if let rulebook = run.rulebook { facts.append("rulebook <b>\(SVGCanvas.escape(rulebook))</b>") }
        if let strategy = run.strategy { facts.append("strategy \(SVGCanvas.escape(strategy))") }
        if let outcomes = run.outcomes { facts.append("outcome model \(SVGCanvas.escape(outcomes))") }
        if let seed = run.seed { facts.append("seed \(seed)") }
        if let file = run.debtorsFile { facts.append("debtors from \(SVGCanvas.escape(file))") }
        return "<p class=\"setup\">" + facts.joined(separator: " · ")
            + ". The real scheduler and worker logic ran on a virtual clock; outcomes are simulated.</p>"
    }

    static func checks(_ checks: ComplianceChecks) -> String {
        func item(_ key: String, _ value: Int, _ text: String, pass: Bool?) -> String {
            let state = pass.map { $0 ? "pass" : "fail" } ?? "info"
            return "<li class=\"\(state)\" data-check=\"\(key)\" data-value=\"\(value)\">\(SVGCanvas.escape(text))</li>"
        }
        var items = [
            item(
                "redirectedContacts", checks.redirectedContacts,
                "Contacts redirected to a representative: \(checks.redirectedContacts). The policy engine lets them "
                    + "through at any hour, so they are exempt from every check below but the engine's own; the other "
                    + "checks count contacts with the debtor", pass: nil),
            item(
                "callsOnSundays", checks.callsOnSundays,
                "Calls on Sundays (the debtor's local time, in any of their zones): \(checks.callsOnSundays)"
                    + (checks.sundayCallsPermitted
                        ? " (the rulebook permits Sunday calls)"
                        : ", \(checks.callsOnForbiddenSundays) under a rulebook without Sunday contact hours"),
                pass: checks.sundayCallsPermitted ? nil : checks.callsOnForbiddenSundays == 0),
            item(
                "contactsOnClosedDays", checks.contactsOnClosedDays,
                "Contacts on holidays and closed days: \(checks.contactsOnClosedDays)",
                pass: checks.contactsOnClosedDays == 0),
            item(
                "contactsOutsideHours", checks.contactsOutsideHours,
                "Contacts outside contact hours: \(checks.contactsOutsideHours)", pass: checks.contactsOutsideHours == 0
            ),
            item(
                "contactsDuringHolds", checks.contactsDuringHolds,
                "Contacts with the debtor during a hold (bereavement, hardship, dispute, …): \(checks.contactsDuringHolds)",
                pass: checks.contactsDuringHolds == 0),
            item(
                "contactsAfterConversation", checks.contactsAfterConversation,
                "Contacts within the pause after a conversation: \(checks.contactsAfterConversation)",
                pass: checks.contactsAfterConversation == 0),
        ]
        for cap in checks.caps {
            items.append(
                item(
                    "cap:\(cap.rulebook)/\(cap.id)", cap.maximum,
                    "Most \(cap.channels.joined(separator: "/")) contacts counted per \(cap.scope) in any \(cap.days)-day "
                        + "window: \(cap.maximum) \(cap.exceeded ? ">" : "≤") \(cap.limit) (\(cap.rulebook) \(cap.id))",
                    pass: !cap.exceeded))
        }
        let permitted = checks.policyRechecked - checks.policyRecheckFailures
        items.append(
            item(
                "policyRecheck", checks.policyRecheckFailures,
                "Emissions decided again by the policy engine at their instant: \(permitted) of \(checks.policyRechecked) "
                    + "permitted", pass: checks.policyRecheckFailures == 0))
        items.append(
            item(
                "rechecked", checks.policyRechecked,
                "Emissions audited: rechecked \(checks.policyRechecked) of \(checks.emissions) emissions"
                    + (checks.unaudited == 0 ? "" : " (\(checks.unaudited) not checked: see below)"),
                pass: checks.unaudited == 0))
        var html = "<ul class=\"checks\">" + items.joined() + "</ul>"
        if !checks.findings.isEmpty {
            let shown =
                checks.findings.count < checks.findingCount
                ? "The first \(checks.findings.count) of \(checks.findingCount) findings:"
                : "\(checks.findingCount) finding(s):"
            html +=
                "<p class=\"findings\" data-findings=\"\(checks.findingCount)\">\(shown)</p><ul class=\"findings\">"
                + checks.findings.map { "<li>\(SVGCanvas.escape($0))</li>" }.joined() + "</ul>"
        }
        return html
    }

    static func heading(_ history: DebtorHistory) -> String {
        let debtor = history.debtor
        let contacts = history.contacts.filter { $0.expiredAt == nil }
        var counts: [String] = []
        for channel in Channel.allCases {
            let count = contacts.filter { $0.entry.channel == channel }.count
            if count > 0 { counts.append("\(count) \(channel.rawValue)") }
        }
        var parts = [
            "<b>\(SVGCanvas.escape(debtor.id))</b>",
            SVGCanvas.escape(
                debtor.timeZones.isEmpty
                    ? "zone unknown (\(history.zone) assumed)" : debtor.timeZones.joined(separator: ", ")),
            SVGCanvas.escape(debtor.rulebook),
            debtor.specialistId.map { "specialist \(SVGCanvas.escape($0))" } ?? "pool",
            counts.isEmpty ? "no contact" : counts.joined(separator: ", "),
        ]
        if contacts.contains(where: { $0.result?.contactResult == .conversation }) { parts.append("reached") }
        if history.events.contains(where: { $0.event == .payment }) { parts.append("paid") }
        if !history.holds.isEmpty {
            parts.append(history.holds.map { "hold:\($0.kind.rawValue)" }.joined(separator: ", "))
        }
        return parts.joined(separator: " · ")
    }

    /// What the calendar marks mean.
    static var legend: String {
        var svg = SVGCanvas(width: 830, height: 66, label: "Legend", attributes: [("id", "legend")])
        var x = 4.0
        func swatch(_ fill: String, _ text: String, opacity: String = "1") {
            svg.rect(
                x: x, y: 4, width: 12, height: 12, fill: fill, style: [("fill-opacity", opacity), ("stroke", "#999")])
            svg.text(text, x: x + 16, y: 14)
            x += 16 + Double(text.count) * 6 + 14
        }
        swatch("#cdeccd", "permitted call window")
        swatch("#e4e4e4", "Sunday")
        swatch("#f8c9c2", "holiday / closed date")
        swatch("#f5a623", "hold", opacity: "0.35")
        svg.polygon([(4, 24), (12, 24), (8, 31)], style: [("fill", "#ef8c00")])
        svg.text("deferred (tooltip: why)", x: 16, y: 32)
        svg.rect(x: 170, y: 27, width: 12, height: 2, fill: "#000000")
        svg.text("event (green: payment)", x: 186, y: 32)
        svg.rect(x: 340, y: 24, width: 12, height: 6, fill: "#c9a227", style: [("stroke", "#c9a227")])
        svg.text("promised day (hollow: not paid)", x: 356, y: 32)
        x = 4
        for (shape, name) in [("●", "call"), ("■", "SMS"), ("◆", "e-mail"), ("▲", "letter")] {
            svg.text("\(shape) \(name)", x: x, y: 56)
            x += 62
        }
        let colours = [
            ("conversation", "#1b5e20"), ("no answer", "#757575"), ("voicemail", "#6a1b9a"), ("delivered", "#1565c0"),
            ("failed", "#c62828"), ("pending", "#000000"),
        ]
        for (result, colour) in colours {
            svg.add("circle", [("cx", x + 4), ("cy", 52), ("r", 4)], style: [("fill", colour)])
            svg.text(result, x: x + 11, y: 56)
            x += 20 + Double(result.count) * 6
        }
        svg.add("circle", [("cx", x + 4), ("cy", 52), ("r", 4)], style: [("fill", "#fff"), ("stroke", "#c62828")])
        svg.text("expired unread", x: x + 11, y: 56)
        return svg.markup
    }

    /// Fills the figures table from the embedded JSON, checks the charts against it, and marks the page rendered
    /// (or names the error), so that a headless browser can tell.
    static let script = """
        (function () {
          "use strict";
          var body = document.body;
          window.addEventListener("error", function (event) { body.setAttribute("data-error", String(event.message)); });
          try {
            var data = JSON.parse(document.getElementById("tact-summary").textContent);
            var s = data.summary;
            var rows = [["debtors", "Debtors placed", s.debtors], ["emissionsTotal", "Contacts emitted", s.emissionsTotal]];
            ["call", "sms", "email", "letter"].forEach(function (c) {
              rows.push(["emissions." + c, "  by " + c, s.emissions[c] || 0]);
            });
            ["allow", "defer", "suppress", "redirect"].forEach(function (k) {
              rows.push(["decisions." + k, "Decisions: " + k, s.decisions[k] || 0]);
            });
            Object.keys(s.outcomes).sort().forEach(function (r) {
              rows.push(["outcomes." + r, "Outcomes: " + r, s.outcomes[r]]);
            });
            rows.push(["expired", "Contacts expired unread", s.expired], ["refused", "Inputs refused", s.refused],
              ["debtorsContacted", "Debtors contacted", s.debtorsContacted],
              ["debtorsReached", "Debtors reached", s.debtorsReached], ["debtorsPaid", "Debtors who paid", s.debtorsPaid],
              ["promisesMade", "Promises made", s.promisesMade], ["promisesKept", "Promises kept", s.promisesKept],
              ["promisesBroken", "Promises broken", s.promisesBroken]);
            var tbody = document.querySelector("#tact-figures tbody");
            rows.forEach(function (row) {
              var tr = document.createElement("tr");
              tr.setAttribute("data-figure", row[0]);
              var th = document.createElement("th");
              th.textContent = row[1];
              var td = document.createElement("td");
              td.textContent = String(row[2]);
              tr.appendChild(th);
              tr.appendChild(td);
              tbody.appendChild(tr);
            });
            var charted = 0;
            document.querySelectorAll("#chart-contacts-per-day rect.bar").forEach(function (bar) {
              charted += Number(bar.getAttribute("data-count"));
            });
            if (charted !== s.emissionsTotal) {
              throw new Error("the chart shows " + charted + " contacts, the summary " + s.emissionsTotal);
            }
            var filter = document.getElementById("debtor-filter");
            filter.addEventListener("input", function () {
              var wanted = filter.value.trim().toLowerCase();
              document.querySelectorAll("article.debtor").forEach(function (article) {
                article.hidden = wanted !== "" && article.getAttribute("data-debtor").toLowerCase().indexOf(wanted) < 0;
              });
            });
            body.setAttribute("data-svg-count", String(document.querySelectorAll("svg").length));
            body.setAttribute("data-rendered", "true");
          } catch (error) {
            body.setAttribute("data-error", String(error && error.message || error));
          }
        })();
        """
}
