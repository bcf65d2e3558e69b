import Glibc
import Synchronization

/// Timestamps for log lines, formatted at most once per second and shared by every thread that logs: at one
/// access-log line per request, `strftime` per line would be measurable.
enum LogTimestamp {
    /// Invariant: each cache's `second` is the epoch second its bytes were formatted for.
    private static let textCache = Mutex<(second: Int, bytes: [UInt8])>((-1, []))
    private static let jsonCache = Mutex<(second: Int, bytes: [UInt8])>((-1, []))

    /// `2026-12-01T08:00:00+0000`: local time with its offset, as swift-log's `StreamLogHandler` writes it.
    static func appendText(to line: inout [UInt8]) {
        Self.append(from: self.textCache, second: self.now().second, pattern: "%Y-%m-%dT%H:%M:%S%z", local: true, to: &line)
    }

    /// The cached bytes for `second`, formatted first when the cache holds another second.
    private static func append(
        from cache: borrowing Mutex<(second: Int, bytes: [UInt8])>, second: Int, pattern: String, local: Bool,
        to line: inout [UInt8]
    ) {
        cache.withLock { cache in
            if cache.second != second { cache = (second, self.format(second, pattern: pattern, local: local)) }
            line += cache.bytes
        }
    }

    /// `2026-12-01T08:00:00.123Z`: UTC with milliseconds (RFC 3339), for JSON lines.
    static func appendJSON(to line: inout [UInt8]) {
        let (second, nanoseconds) = self.now()
        Self.append(from: self.jsonCache, second: second, pattern: "%Y-%m-%dT%H:%M:%S", local: false, to: &line)
        let millis = nanoseconds / 1_000_000
        line += [
            UInt8(ascii: "."), UInt8(48 + millis / 100), UInt8(48 + millis / 10 % 10), UInt8(48 + millis % 10),
            UInt8(ascii: "Z"),
        ]
    }

    private static func now() -> (second: Int, nanoseconds: Int) {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return (spec.tv_sec, spec.tv_nsec)
    }

    private static func format(_ second: Int, pattern: String, local: Bool) -> [UInt8] {
        var seconds = time_t(second)
        var parts = tm()
        if local { localtime_r(&seconds, &parts) } else { gmtime_r(&seconds, &parts) }
        var buffer = [Int8](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, pattern, &parts)
        return buffer[..<count].map { UInt8(bitPattern: $0) }
    }
}
