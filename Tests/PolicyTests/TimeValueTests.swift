import Domain
import Foundation
import Policy
import Testing

@Suite struct TimeValueTests {
    @Test(arguments: [
        ("2026-12-01T13:30:00Z", Int64(1_796_131_800)),
        ("2026-12-01T14:30:00+01:00", 1_796_131_800),
        ("2026-12-01T08:30:00-05:00", 1_796_131_800),
        ("2026-12-01t13:30:00z", 1_796_131_800),
        ("2026-12-01 13:30:00Z", 1_796_131_800),
        ("2026-12-01T13:30:00.999Z", 1_796_131_800),  // fractions truncate
        ("1970-01-01T00:00:00Z", 0),
        ("1969-12-31T23:59:59Z", -1),
        ("2028-02-29T12:00:00Z", 1_835_438_400),  // leap day
    ])
    func parsesRFC3339(text: String, seconds: Int64) {
        #expect(Instant(rfc3339: text)?.secondsSinceEpoch == seconds)
    }

    @Test(arguments: [
        "2026-12-01T13:30:00", "2026-12-01T13:30Z", "2026-12-01", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
        "2026-12-01T24:00:00Z", "2026-12-01T13:30:00+1:00", "2026-12-01T13:30:00.Z", "26-12-01T13:30:00Z", "",
        "2026-12-01T13:30:00+01:00x", "2026-12-01T13:61:00Z",
    ])
    func rejectsMalformedTimestamps(text: String) {
        #expect(Instant(rfc3339: text) == nil)
    }

    @Test func formatsInUTCWithZ() {
        #expect(at("2026-03-29T03:00:00+02:00").description == "2026-03-29T01:00:00Z")
        #expect(Instant(secondsSinceEpoch: -1).description == "1969-12-31T23:59:59Z")
    }

    @Test func localDatesAgreeWithFoundationForFourHundredYears() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        for day in stride(from: -80_000, through: 80_000, by: 37) {
            let parts = calendar.dateComponents(
                [.year, .month, .day, .weekday], from: Date(timeIntervalSince1970: Double(day) * 86_400))
            let local = LocalDate(dayNumber: day)
            #expect(local.components == (parts.year!, parts.month!, parts.day!))
            #expect(local.weekday.index == (parts.weekday! + 5) % 7)  // Foundation: Sunday = 1
            #expect(LocalDate(year: parts.year!, month: parts.month!, day: parts.day!) == local)
        }
    }

    @Test func leapDaysExistOnlyInLeapYears() {
        #expect(LocalDate(year: 2028, month: 2, day: 29) != nil)
        #expect(LocalDate(year: 2100, month: 2, day: 29) == nil)
        #expect(LocalDate(year: 2000, month: 2, day: 29) != nil)
        #expect(date("2028-02-28").adding(days: 1) == date("2028-02-29"))
        #expect(date("2026-12-31").adding(days: 1) == date("2027-01-01"))
    }

    @Test func localTimesAndWindowsParse() {
        #expect(LocalTime("24:00")?.secondOfDay == 86_400)
        #expect(LocalTime("24:01") == nil)
        #expect(LocalTime("8:00") == nil)
        #expect(LocalTime("07:59")?.description == "07:59")
    }
}
