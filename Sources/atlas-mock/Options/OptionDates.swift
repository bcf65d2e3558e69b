import AtlasMock
import AtlasMockHTTP
import FoundationEssentials

// The executable's date parsing, all of it: calendar days and clock starts. Whether a day is real is
// `CivilCalendar`'s answer, the one the server gives too (Foundation's parsers roll 2026-02-30 over to March 2).

/// A calendar day written `YYYY-MM-DD`, as midnight UTC.
struct CalendarDay: OptionValue {
    static let expected = "a date YYYY-MM-DD"
    let text: String

    static func parse(_ text: String) -> Date? {
        guard let day = CivilCalendar.parseDate(text) else { return nil }
        let days = CivilCalendar.daysSinceEpoch(year: day.year, month: day.month, day: day.day)
        return Date(timeIntervalSince1970: TimeInterval(days) * 86_400)
    }

    /// Written by `CivilCalendar`: Foundation's format style sets up its calendar and time-zone caches, a tenth of a
    /// start-up that only shows this default in help.
    static func describe(_ setting: Date) -> String {
        CivilCalendar.dateText(daysSinceEpoch: Int((setting.timeIntervalSince1970 / 86_400).rounded(.down)))
    }
}

/// Where the server clock starts: `now`, an RFC 3339 instant, or a signed offset from now in s, m, h or d.
enum ClockStart {
    case now
    case instant(Date)
    case offset(seconds: TimeInterval)

    /// `--clock`'s text.
    struct Argument: OptionValue {
        static let expected = "'now', an RFC 3339 instant or an offset like +36h"
        private static let secondsPerUnit: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        let text: String

        static func parse(_ text: String) -> ClockStart? {
            if text == "now" { return .now }
            if let sign = text.first, sign == "+" || sign == "-", let unit = text.last,
                let perUnit = Self.secondsPerUnit[unit], let amount = Double(text.dropFirst().dropLast())
            {
                return .offset(seconds: (sign == "-" ? -amount : amount) * perUnit)
            }
            guard CivilCalendar.parseDate(String(text.prefix(10))) != nil else { return nil }
            return (try? Date.ISO8601FormatStyle().parse(text)).map { .instant($0) }
        }

        static func describe(_ setting: ClockStart) -> String {
            switch setting {
            case .now: "now"
            case .instant(let date): Date.ISO8601FormatStyle().format(date)
            case .offset(let seconds): (seconds < 0 ? "-" : "+") + Seconds.text(abs(seconds)) + "s"
            }
        }
    }

    /// The clock's mode, running from this start or (`frozen`) standing at it; `now` is read here.
    func mode(frozen: Bool) -> MockClock.Mode {
        switch (self, frozen) {
        case (.now, false): .running(offset: 0)
        case (.now, true): .frozen(Date())
        case (.instant(let date), false): .running(offset: date.timeIntervalSinceNow)
        case (.instant(let date), true): .frozen(date)
        case (.offset(let seconds), false): .running(offset: seconds)
        case (.offset(let seconds), true): .frozen(Date().addingTimeInterval(seconds))
        }
    }
}
