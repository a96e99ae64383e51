import Domain
import Policy
import Testing

/// Known holiday dates 2024–2030 as published (gov.uk bank holidays, OPM federal holidays, Polish statute),
/// including the weekend date itself where a substitute/observed day is given.
@Suite struct HolidayCalendarTests {
    static let known: [HolidayCalendar: [Int: String]] = [
        .poland: [
            2024: "01-01 01-06 03-31 04-01 05-01 05-03 05-19 05-30 08-15 11-01 11-11 12-25 12-26",
            2025: "01-01 01-06 04-20 04-21 05-01 05-03 06-08 06-19 08-15 11-01 11-11 12-24 12-25 12-26",
            2026: "01-01 01-06 04-05 04-06 05-01 05-03 05-24 06-04 08-15 11-01 11-11 12-24 12-25 12-26",
            2027: "01-01 01-06 03-28 03-29 05-01 05-03 05-16 05-27 08-15 11-01 11-11 12-24 12-25 12-26",
            2028: "01-01 01-06 04-16 04-17 05-01 05-03 06-04 06-15 08-15 11-01 11-11 12-24 12-25 12-26",
            2029: "01-01 01-06 04-01 04-02 05-01 05-03 05-20 05-31 08-15 11-01 11-11 12-24 12-25 12-26",
            2030: "01-01 01-06 04-21 04-22 05-01 05-03 06-09 06-20 08-15 11-01 11-11 12-24 12-25 12-26",
        ],
        .usFederal: [
            2024: "01-01 01-15 02-19 05-27 06-19 07-04 09-02 10-14 11-11 11-28 12-25",
            2025: "01-01 01-20 02-17 05-26 06-19 07-04 09-01 10-13 11-11 11-27 12-25",
            2026: "01-01 01-19 02-16 05-25 06-19 07-03 07-04 09-07 10-12 11-11 11-26 12-25",
            2027: "01-01 01-18 02-15 05-31 06-18 06-19 07-04 07-05 09-06 10-11 11-11 11-25 12-24 12-25 12-31",
            2028: "01-01 01-17 02-21 05-29 06-19 07-04 09-04 10-09 11-10 11-11 11-23 12-25",
            2029: "01-01 01-15 02-19 05-28 06-19 07-04 09-03 10-08 11-11 11-12 11-22 12-25",
            2030: "01-01 01-21 02-18 05-27 06-19 07-04 09-02 10-14 11-11 11-28 12-25",
        ],
        .englandAndWales: [
            2024: "01-01 03-29 04-01 05-06 05-27 08-26 12-25 12-26",
            2025: "01-01 04-18 04-21 05-05 05-26 08-25 12-25 12-26",
            2026: "01-01 04-03 04-06 05-04 05-25 08-31 12-25 12-26 12-28",
            2027: "01-01 03-26 03-29 05-03 05-31 08-30 12-25 12-26 12-27 12-28",
            2028: "01-01 01-03 04-14 04-17 05-01 05-29 08-28 12-25 12-26",
            2029: "01-01 03-30 04-02 05-07 05-28 08-27 12-25 12-26",
            2030: "01-01 04-19 04-22 05-06 05-27 08-26 12-25 12-26",
        ],
    ]

    @Test(arguments: HolidayCalendar.allCases, 2024...2030)
    func matchesPublishedDates(calendar: HolidayCalendar, year: Int) {
        let expected = Self.known[calendar]![year]!.split(separator: " ").map { "\(year)-\($0)" }
        #expect(calendar.holidays(in: year).map(\.date.description) == expected)
        for text in expected { #expect(calendar.holiday(on: date(text)) != nil) }
    }

    @Test func easterSundays() {
        let expected = [
            2024: "2024-03-31", 2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28", 2028: "2028-04-16",
            2029: "2029-04-01", 2030: "2030-04-21", 2038: "2038-04-25", 2285: "2285-03-22",
        ]
        for (year, text) in expected {
            // Easter Monday is Easter + 1 in the Polish calendar, so find Easter through it.
            let monday = HolidayCalendar.poland.holidays(in: year).first { $0.name == "Poniedziałek Wielkanocny" }
            #expect(monday?.date == date(text).adding(days: 1), "year \(year)")
        }
    }

    @Test func christmasEveIsAPolishHolidayOnlyFrom2025() {
        #expect(HolidayCalendar.poland.holiday(on: date("2024-12-24")) == nil)
        #expect(HolidayCalendar.poland.holiday(on: date("2025-12-24")) != nil)
    }

    @Test func proclaimedBankHolidaysAreIncluded() {
        #expect(
            HolidayCalendar.englandAndWales.holiday(on: date("2023-05-08"))?.name == "Coronation of King Charles III")
        #expect(HolidayCalendar.englandAndWales.holiday(on: date("2022-05-30")) == nil)  // moved to 2 June
        #expect(HolidayCalendar.englandAndWales.holiday(on: date("2022-06-02")) != nil)
    }

    @Test func substituteNamesSayWhy() {
        let names = HolidayCalendar.englandAndWales.holidays(in: 2027).map(\.name)
        #expect(names.contains("Christmas Day (substitute day)"))
        #expect(names.contains("Boxing Day (substitute day)"))
        #expect(HolidayCalendar.usFederal.holiday(on: date("2027-12-31"))?.name == "New Year's Day (observed)")
    }

    @Test func datesOutsideTheCachedSpanAreComputed() {
        #expect(HolidayCalendar.usFederal.holiday(on: date("2200-07-04")) != nil)
        #expect(HolidayCalendar.poland.holiday(on: date("2160-11-11")) != nil)
    }
}
