import Domain

/// A public-holiday calendar, computed from its rules (fixed dates, Easter offsets, nth-weekday rules,
/// substitute days) rather than listed per year.
///
/// Each calendar contains the holiday itself and, where the law moves the day off, the substitute or
/// observed day as well: for contact purposes both are days on which people do not expect to be chased.
public enum HolidayCalendar: String, Sendable, Hashable, CaseIterable, Codable, Vocabulary {
    /// Poland: Ustawa z 18 stycznia 1951 r. o dniach wolnych od pracy, art. 1 (24 December from 2025).
    case poland = "pl"
    /// United States federal legal public holidays, 5 U.S.C. 6103, with the weekend "observed" days.
    case usFederal = "us-federal"
    /// England and Wales bank holidays: Banking and Financial Dealings Act 1971, Sch. 1, with substitute days
    /// and royal proclamations.
    case englandAndWales = "england-wales"

    /// A holiday on a given date.
    public struct Holiday: Sendable, Hashable, CustomStringConvertible {
        /// The date the day off falls on.
        public var date: LocalDate
        /// The holiday's English name (with "(substitute day)" or "(observed)" where moved).
        public var name: String

        /// `2026-12-28 Boxing Day (substitute day)`.
        public var description: String { "\(date) \(name)" }
    }

    public init(from decoder: any Decoder) throws { self = try Self.decode(from: decoder, noun: "holiday calendar") }

    /// Every holiday falling in `year`, sorted by date.
    public func holidays(in year: Int) -> [Holiday] {
        let all: [Holiday] =
            switch self {
            case .poland: Self.poland(year)
            case .usFederal: Self.usFederal(year) + Self.usFederal(year + 1)
            case .englandAndWales: Self.englandAndWales(year)
            }
        var seen = Set<LocalDate>()
        return all.filter { $0.date.components.year == year && seen.insert($0.date).inserted }
            .sorted { $0.date < $1.date }
    }

    /// The holiday on `date`, if any.
    public func holiday(on date: LocalDate) -> Holiday? {
        guard isHoliday(dayNumber: date.dayNumber) else { return nil }
        return holidays(in: date.components.year).first { $0.date == date }
    }

    /// Hot-path membership test: a bit lookup for 1950–2149, computed on the spot outside that span.
    func isHoliday(dayNumber: Int) -> Bool {
        let table = HolidayTable.tables[index]
        let offset = dayNumber - table.firstDay
        guard offset >= 0, offset < table.bits.count * 64 else {
            let year = LocalDate(dayNumber: dayNumber).components.year
            return holidays(in: year).contains { $0.date.dayNumber == dayNumber }
        }
        return table.bits[offset >> 6] & (1 << UInt64(offset & 63)) != 0
    }

    private var index: Int { Self.allCases.firstIndex(of: self) ?? 0 }

    // MARK: - Rules

    private static func poland(_ year: Int) -> [Holiday] {
        let easter = easterSunday(year)
        var days: [(LocalDate?, String)] = [
            (date(year, 1, 1), "Nowy Rok"), (date(year, 5, 1), "Święto Pracy"),
            (date(year, 5, 3), "Święto Konstytucji 3 Maja"), (date(year, 8, 15), "Wniebowzięcie NMP"),
            (date(year, 11, 1), "Wszystkich Świętych"), (date(year, 11, 11), "Narodowe Święto Niepodległości"),
            (date(year, 12, 25), "Boże Narodzenie (pierwszy dzień)"),
            (date(year, 12, 26), "Boże Narodzenie (drugi dzień)"),
            (easter, "Wielkanoc"), (easter.adding(days: 1), "Poniedziałek Wielkanocny"),
            (easter.adding(days: 49), "Zielone Świątki"), (easter.adding(days: 60), "Boże Ciało"),
        ]
        if year >= 2011 { days.append((date(year, 1, 6), "Trzech Króli")) }  // Dz.U. 2010 nr 224 poz. 1459
        if year >= 2025 { days.append((date(year, 12, 24), "Wigilia Bożego Narodzenia")) }  // Dz.U. 2025 poz. 296
        return days.compactMap { day, name in day.map { Holiday(date: $0, name: name) } }
    }

    private static func usFederal(_ year: Int) -> [Holiday] {
        var result: [Holiday] = []
        // Fixed-date holidays move to Friday when on a Saturday, to Monday when on a Sunday (5 U.S.C. 6103(b)).
        func fixed(_ month: Int, _ day: Int, _ name: String) {
            guard let actual = date(year, month, day) else { return }
            result.append(Holiday(date: actual, name: name))
            switch actual.weekday {
            case .sat: result.append(Holiday(date: actual.adding(days: -1), name: name + " (observed)"))
            case .sun: result.append(Holiday(date: actual.adding(days: 1), name: name + " (observed)"))
            default: break
            }
        }
        fixed(1, 1, "New Year's Day")
        if year >= 2021 { fixed(6, 19, "Juneteenth National Independence Day") }
        fixed(7, 4, "Independence Day")
        fixed(11, 11, "Veterans Day")
        fixed(12, 25, "Christmas Day")
        if year >= 1986 {
            result.append(Holiday(date: nth(1, .mon, 3, year), name: "Birthday of Martin Luther King, Jr."))
        }
        result.append(Holiday(date: nth(2, .mon, 3, year), name: "Washington's Birthday"))
        result.append(Holiday(date: last(5, .mon, year), name: "Memorial Day"))
        result.append(Holiday(date: nth(9, .mon, 1, year), name: "Labor Day"))
        result.append(Holiday(date: nth(10, .mon, 2, year), name: "Columbus Day"))
        result.append(Holiday(date: nth(11, .thu, 4, year), name: "Thanksgiving Day"))
        return result
    }

    private static func englandAndWales(_ year: Int) -> [Holiday] {
        let easter = easterSunday(year)
        var result = [
            Holiday(date: easter.adding(days: -2), name: "Good Friday"),
            Holiday(date: easter.adding(days: 1), name: "Easter Monday"),
            Holiday(date: nth(5, .mon, 1, year), name: "Early May bank holiday"),
            Holiday(date: last(5, .mon, year), name: "Spring bank holiday"),
            Holiday(date: last(8, .mon, year), name: "Summer bank holiday"),
        ]
        // Weekend holidays get the next free weekday as a substitute (Christmas before Boxing Day).
        let fixed = [(1, 1, "New Year's Day"), (12, 25, "Christmas Day"), (12, 26, "Boxing Day")].compactMap {
            month, day, name in date(year, month, day).map { Holiday(date: $0, name: name) }
        }
        var taken = Set(fixed.map(\.date))
        for holiday in fixed {
            let actual = holiday.date
            let name = holiday.name
            result.append(holiday)
            guard actual.weekday == .sat || actual.weekday == .sun else { continue }
            var substitute = actual.adding(days: 1)
            while substitute.weekday == .sat || substitute.weekday == .sun || taken.contains(substitute) {
                substitute = substitute.adding(days: 1)
            }
            taken.insert(substitute)
            result.append(Holiday(date: substitute, name: name + " (substitute day)"))
        }
        return Proclamation.apply(to: result, year: year)
    }

    // MARK: - Date helpers

    private static func date(_ year: Int, _ month: Int, _ day: Int) -> LocalDate? {
        LocalDate(year: year, month: month, day: day)
    }

    /// The `n`th given weekday of a month.
    private static func nth(_ month: Int, _ weekday: Weekday, _ n: Int, _ year: Int) -> LocalDate {
        let first = LocalDate.days(year: year, month: month, day: 1)
        let shift = (weekday.index - Weekday.index(ofDay: first) + 7) % 7
        return LocalDate(dayNumber: first + shift + 7 * (n - 1))
    }

    /// The last given weekday of a month.
    private static func last(_ month: Int, _ weekday: Weekday, _ year: Int) -> LocalDate {
        let lastDay = LocalDate.days(year: year, month: month, day: LocalDate.daysIn(month: month, year: year))
        let shift = (Weekday.index(ofDay: lastDay) - weekday.index + 7) % 7
        return LocalDate(dayNumber: lastDay - shift)
    }

    /// Easter Sunday, Gregorian calendar (the anonymous "Meeus/Jones/Butcher" algorithm).
    static func easterSunday(_ year: Int) -> LocalDate {
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = (h + l - 7 * m + 114) % 31 + 1
        return LocalDate(dayNumber: LocalDate.days(year: year, month: month, day: day))
    }
}

/// Membership bitsets per calendar, built once (a `static let` is initialised lazily and thread-safely).
private struct HolidayTable: Sendable {
    let firstDay: Int
    let bits: [UInt64]

    static let tables: [HolidayTable] = HolidayCalendar.allCases.map { calendar in
        let firstDay = LocalDate.days(year: 1950, month: 1, day: 1)
        let lastDay = LocalDate.days(year: 2150, month: 1, day: 1)
        var bits = [UInt64](repeating: 0, count: (lastDay - firstDay + 63) / 64)
        for year in 1950..<2150 {
            for holiday in calendar.holidays(in: year) {
                let offset = holiday.date.dayNumber - firstDay
                bits[offset >> 6] |= 1 << UInt64(offset & 63)
            }
        }
        return HolidayTable(firstDay: firstDay, bits: bits)
    }
}
