import AtlasMockHTTP
import FoundationEssentials
import Glibc

/// Atlas's date format: UTC, second precision, `2026-08-10T09:03:29Z`. Parsing accepts any RFC 3339
/// date-time (fractions and offsets included) so users can paste what other tools print.
enum AtlasDate {
    static func format(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        // Written digit by digit: every served job carries several dates, and `String(format:)` (CFString,
        // CVarArg boxing) was 12% of a list request's CPU time in the benchmark profile.
        guard (0...9999).contains(parts.tm_year + 1900) else {
            return "\((parts.tm_year + 1900).zeroPadded(4))-\((parts.tm_mon + 1).zeroPadded(2))-"
                + "\(parts.tm_mday.zeroPadded(2))T\(parts.tm_hour.zeroPadded(2)):\(parts.tm_min.zeroPadded(2)):"
                + "\(parts.tm_sec.zeroPadded(2))Z"
        }
        var text = [UInt8](repeating: UInt8(ascii: "0"), count: 20)
        func put(_ value: Int32, at end: Int, digits: Int) {
            var value = value
            for index in stride(from: end, to: end - digits, by: -1) {
                text[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(parts.tm_year + 1900, at: 3, digits: 4)
        put(parts.tm_mon + 1, at: 6, digits: 2)
        put(parts.tm_mday, at: 9, digits: 2)
        put(parts.tm_hour, at: 12, digits: 2)
        put(parts.tm_min, at: 15, digits: 2)
        put(parts.tm_sec, at: 18, digits: 2)
        text[4] = UInt8(ascii: "-")
        text[7] = UInt8(ascii: "-")
        text[10] = UInt8(ascii: "T")
        text[13] = UInt8(ascii: ":")
        text[16] = UInt8(ascii: ":")
        text[19] = UInt8(ascii: "Z")
        return String(decoding: text, as: UTF8.self)
    }

    static func parse(_ text: String) -> Date? {
        // Foundation rolls impossible days over (2025-02-30 becomes March 2); the full-date must name a real day.
        guard CivilCalendar.parseDate(String(text.prefix(10))) != nil else { return nil }
        let strategies: [Date.ISO8601FormatStyle] = [
            .iso8601,
            Date.ISO8601FormatStyle(includingFractionalSeconds: true),
        ]
        for strategy in strategies {
            if let date = try? strategy.parse(text) { return date }
        }
        return nil
    }

    /// `Thu, 22 Jan 2026 00:00:00 GMT`: the HTTP-date of Atlas's `Deprecation` and `Sunset` headers, whose day
    /// is not zero-padded (unlike `Date:`).
    static func httpDateUnpaddedDay(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let time = "\((parts.tm_year + 1900).zeroPadded(4)) \(parts.tm_hour.zeroPadded(2)):"
            + "\(parts.tm_min.zeroPadded(2)):\(parts.tm_sec.zeroPadded(2)) GMT"
        return "\(CivilCalendar.weekdayNames[Int(parts.tm_wday)]), \(parts.tm_mday) "
            + "\(CivilCalendar.monthNames[Int(parts.tm_mon)]) " + time
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, the form Atlas writes, read straight from the bytes: a fixture can hold half a
    /// million dates and this keeps loading fast; other RFC 3339 forms go through `parse`. Nil when the text does
    /// not have this shape; `.some(nil)` when it does but names no real instant (`2025-02-30…`).
    static func parseAtlasForm(_ bytes: UnsafeBufferPointer<UInt8>) -> Date?? {
        guard bytes.count == 20, bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":"),
            bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "Z"), bytes[4] == UInt8(ascii: "-"),
            bytes[7] == UInt8(ascii: "-")
        else { return nil }
        guard let day = CivilCalendar.parseDate(UnsafeBufferPointer(rebasing: bytes[0..<10])),
            let hour = CivilCalendar.number(bytes, 11..<13), let minute = CivilCalendar.number(bytes, 14..<16),
            let second = CivilCalendar.number(bytes, 17..<19), hour < 24, minute < 60, second < 60
        else { return .some(nil) }
        let days = CivilCalendar.daysSinceEpoch(year: day.year, month: day.month, day: day.day)
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3_600 + minute * 60 + second))
    }
}
