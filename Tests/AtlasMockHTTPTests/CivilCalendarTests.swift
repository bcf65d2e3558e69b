import AtlasMockHTTP
import Testing

@Suite struct CivilCalendarTests {
    /// Every day from 1600 to 2400 (leap centuries both ways) goes to its day number and back.
    @Test func dayNumbersRoundTrip() {
        let first = CivilCalendar.daysSinceEpoch(year: 1600, month: 1, day: 1)
        let last = CivilCalendar.daysSinceEpoch(year: 2400, month: 12, day: 31)
        var expected = (year: 1600, month: 1, day: 1)
        for days in first...last {
            let date = CivilCalendar.date(daysSinceEpoch: days)
            guard date == expected else {
                Issue.record("day \(days) gave \(date), expected \(expected)")
                return
            }
            if CivilCalendar.isValid(year: expected.year, month: expected.month, day: expected.day + 1) {
                expected.day += 1
            } else if expected.month < 12 {
                expected = (expected.year, expected.month + 1, 1)
            } else {
                expected = (expected.year + 1, 1, 1)
            }
        }
        #expect(expected == (2401, 1, 1))
    }

    @Test(arguments: [
        (0, "1970-01-01"), (-1, "1969-12-31"), (20_475, "2026-01-22"), (11_016, "2000-02-29"), (-719_528, "0000-01-01"),
    ])
    func dateText(days: Int, text: String) {
        #expect(CivilCalendar.dateText(daysSinceEpoch: days) == text)
        #expect(
            CivilCalendar.parseDate(text).map {
                CivilCalendar.daysSinceEpoch(year: $0.year, month: $0.month, day: $0.day)
            } == days)
    }
}
