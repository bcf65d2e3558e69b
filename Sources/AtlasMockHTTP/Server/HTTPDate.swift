import Glibc
import Synchronization

/// The IMF-fixdate for the `Date` header (`Sun, 06 Nov 1994 08:49:37 GMT`), formatted at most once per second
/// and shared by every connection: formatting dates per response is measurable at benchmark rates.
enum HTTPDate {
    /// Invariant: `cache.second` is the epoch second `cache.text` was formatted for.
    private static let cache = Mutex<(second: Int, text: String)>((-1, ""))

    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        let second = spec.tv_sec
        return self.cache.withLock { cache in
            if cache.second != second {
                cache = (second, self.format(epochSecond: second))
            }
            return cache.text
        }
    }

    static func format(epochSecond: Int) -> String {
        var seconds = time_t(epochSecond)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(CivilCalendar.weekdayNames[Int(parts.tm_wday)]), \(two(parts.tm_mday)) "
            + "\(CivilCalendar.monthNames[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
    }
}
