import Domain

extension HolidayCalendar {
    /// England and Wales bank holidays moved or added by royal proclamation (Banking and Financial Dealings
    /// Act 1971, s. 1(2)–(3)). These cannot be computed; a new one is added here when proclaimed (rulebooks can
    /// also close a date at once with `closedDates`).
    enum Proclamation {
        private struct Change {
            var removed: (month: Int, day: Int)?
            var added: (month: Int, day: Int)
            var name: String
        }

        private static let changes: [Int: [Change]] = [
            1995: [Change(removed: (5, 1), added: (5, 8), name: "Early May bank holiday (VE Day)")],
            1999: [Change(removed: nil, added: (12, 31), name: "Millennium Eve")],
            2002: [
                Change(removed: (5, 27), added: (6, 4), name: "Spring bank holiday"),
                Change(removed: nil, added: (6, 3), name: "Golden Jubilee"),
            ],
            2011: [Change(removed: nil, added: (4, 29), name: "Royal wedding")],
            2012: [
                Change(removed: (5, 28), added: (6, 4), name: "Spring bank holiday"),
                Change(removed: nil, added: (6, 5), name: "Diamond Jubilee"),
            ],
            2020: [Change(removed: (5, 4), added: (5, 8), name: "Early May bank holiday (VE Day)")],
            2022: [
                Change(removed: (5, 30), added: (6, 2), name: "Spring bank holiday"),
                Change(removed: nil, added: (6, 3), name: "Platinum Jubilee"),
                Change(removed: nil, added: (9, 19), name: "State funeral of Queen Elizabeth II"),
            ],
            2023: [Change(removed: nil, added: (5, 8), name: "Coronation of King Charles III")],
        ]

        static func apply(to holidays: [Holiday], year: Int) -> [Holiday] {
            var result = holidays
            for change in changes[year] ?? [] {
                if let removed = change.removed,
                    let date = LocalDate(year: year, month: removed.month, day: removed.day)
                {
                    result.removeAll { $0.date == date }
                }
                if let date = LocalDate(year: year, month: change.added.month, day: change.added.day) {
                    result.append(Holiday(date: date, name: change.name))
                }
            }
            return result
        }
    }
}
