import Domain

extension Rulebook {
    /// Checks the rulebook as a whole; throws `invalid-rulebook` naming the first offending field.
    ///
    /// Limits are generous but finite (windows of at most a year, holds of at most ten years) so that a typo
    /// such as `days: 70000` is caught instead of silently pausing contact for two centuries.
    public func validate() throws(PolicyError) {
        try check(id.wholeMatch(of: /[a-z0-9][a-z0-9-]*/) != nil, "id", "must be kebab-case (a-z, 0-9, -)")
        try check(!title.isEmpty, "title", "must not be empty")
        try validateContactHours()
        try checkUnique(holidayCalendars.map(\.rawValue), "holidayCalendars")
        for (index, cap) in frequencyCaps.enumerated() {
            let field = "frequencyCaps[\(index)]"
            try check(cap.id.wholeMatch(of: /[a-z0-9][a-z0-9-]*/) != nil, field + ".id", "must be kebab-case")
            try checkChannels(cap.channels, field + ".channels")
            try check(cap.limit >= 1, field + ".limit", "must be at least 1")
            try check((1...366).contains(cap.days), field + ".days", "must be between 1 and 366")
            try check(!cap.counting.isEmpty, field + ".counting", "must name at least one result")
            try checkUnique(cap.counting.map(\.rawValue), field + ".counting")
        }
        try checkUnique(frequencyCaps.map(\.id), "frequencyCaps", noun: "cap id")
        if let pause = afterConversation {
            try check((1...366).contains(pause.days), "afterConversation.days", "must be between 1 and 366")
            try checkChannels(pause.channels, "afterConversation.channels")
        }
        for (kind, days) in holdDurations {
            try check(
                HoldKind.withDefaultDuration.contains(kind), "holdDurations.\(kind.rawValue)",
                "this hold kind has no default duration")
            try check((1...3660).contains(days), "holdDurations.\(kind.rawValue)", "must be between 1 and 3660 days")
        }
        if let notice = validationNotice {
            try check((1...30).contains(notice.days), "validationNotice.days", "must be between 1 and 30")
            try check(!notice.channels.isEmpty, "validationNotice.channels", "must name at least one channel")
            try check(
                notice.channels.allSatisfy { [.email, .letter].contains($0) }, "validationNotice.channels",
                "must be email or letter: a text cannot carry the validation information")
            try checkUnique(notice.channels.map(\.rawValue), "validationNotice.channels")
        }
        if case .fallback(let zones) = unknownTimeZone {
            try check(!zones.isEmpty, "unknownTimeZone.zones", "must name at least one zone")
            for (index, zone) in zones.enumerated() where ZoneTable.named(zone) == nil {
                throw PolicyError(.unknownTimeZone, field: "unknownTimeZone.zones[\(index)]", "unknown time-zone id")
            }
        }
    }

    private func validateContactHours() throws(PolicyError) {
        try checkChannels(contactHours.channels, "contactHours.channels")
        var anyWindow = false
        for day in Weekday.allCases {
            let list = contactHours.windows[day] ?? []
            for (index, window) in list.enumerated() {
                let field = "contactHours.\(day.rawValue)[\(index)]"
                try check(window.from < window.to, field, "window must end after it starts")
                if index > 0 {
                    try check(list[index - 1].to <= window.from, field, "windows must be sorted and must not overlap")
                }
                anyWindow = true
            }
        }
        try check(anyWindow, "contactHours", "no weekday has a contact window, so contact would never be allowed")
    }

    private func checkChannels(_ channels: [Channel], _ field: String) throws(PolicyError) {
        try check(!channels.isEmpty, field, "must name at least one channel")
        try checkUnique(channels.map(\.rawValue), field)
    }

    private func checkUnique(_ values: [String], _ field: String, noun: String = "entry") throws(PolicyError) {
        var seen = Set<String>()
        for (index, value) in values.enumerated() where !seen.insert(value).inserted {
            throw PolicyError(.invalidRulebook, field: "\(field)[\(index)]", "duplicate \(noun)")
        }
    }

    private func check(_ condition: Bool, _ field: String, _ problem: String) throws(PolicyError) {
        if !condition { throw PolicyError(.invalidRulebook, field: field, problem) }
    }
}
