import AtlasMockHTTP

/// A resource version as Atlas names them: the date in `application/vnd.atlas.YYYY-MM-DD+json`.
struct APIVersion: Comparable, Hashable, Sendable, CustomStringConvertible {
    let year: Int
    let month: Int
    let day: Int

    static let v2023_01_01 = APIVersion(year: 2023, month: 1, day: 1)
    static let v2023_02_01 = APIVersion(year: 2023, month: 2, day: 1)
    static let v2024_08_05 = APIVersion(year: 2024, month: 8, day: 5)
    static let v2024_10_23 = APIVersion(year: 2024, month: 10, day: 23)
    static let v2024_11_13 = APIVersion(year: 2024, month: 11, day: 13)

    var description: String {
        "\(self.year)-\(self.month < 10 ? "0" : "")\(self.month)-\(self.day < 10 ? "0" : "")\(self.day)"
    }

    /// The success `Content-Type` (no space before `charset`, as Atlas writes it).
    var contentType: String { "application/vnd.atlas.\(self.description)+json;charset=utf-8" }

    static func < (lhs: APIVersion, rhs: APIVersion) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Parses `YYYY-MM-DD` with a real calendar date.
    init?(date bytes: UnsafeBufferPointer<UInt8>) {
        guard let date = CivilCalendar.parseDate(bytes) else { return nil }
        self.init(year: date.year, month: date.month, day: date.day)
    }

    private init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The version an `Accept` header asks for: the newest `application/vnd.atlas.<date>+json` it lists.
    /// Nil when it names none (a missing header, `*/*` or `application/json`) or names a malformed date.
    static func requested(byAccept accept: String?) -> APIVersion? {
        guard var accept else { return nil }
        // Over the header's bytes: it is parsed on every request, and splitting and lower-casing `String`s, then
        // index arithmetic on `String.UTF8View`, showed in the benchmark profile.
        return accept.withUTF8 { bytes in
            var best: APIVersion?
            var start = 0
            while start < bytes.count {
                let end = bytes[start...].firstIndex(of: UInt8(ascii: ",")) ?? bytes.count
                let item = UnsafeBufferPointer(rebasing: bytes[start..<end])
                start = end + 1
                let mediaType = item[..<(item.firstIndex(of: UInt8(ascii: ";")) ?? item.endIndex)]
                    .trimmingOptionalWhitespace()
                guard mediaType.count > Self.mediaTypePrefix.count + Self.mediaTypeSuffix.count,
                    mediaType.prefix(Self.mediaTypePrefix.count).equalsIgnoringASCIICase(Self.mediaTypePrefix),
                    mediaType.suffix(Self.mediaTypeSuffix.count).equalsIgnoringASCIICase(Self.mediaTypeSuffix)
                else { continue }
                let date = mediaType[(mediaType.startIndex + Self.mediaTypePrefix.count)...]
                    .dropLast(Self.mediaTypeSuffix.count)
                guard let version = APIVersion(date: UnsafeBufferPointer(rebasing: date)) else { return nil }
                best = max(best ?? version, version)
            }
            return best
        }
    }

    private static let mediaTypePrefix = Array("application/vnd.atlas.".utf8)
    private static let mediaTypeSuffix = Array("+json".utf8)

    /// The version that serves a request for `requested`: the newest of `available` on or before it
    /// (the date is a floor). Throws Atlas's 406 when there is none.
    static func resolve(_ requested: APIVersion?, available: [APIVersion]) throws(AtlasFailure) -> APIVersion {
        guard let requested else { throw .api(.invalidVersionDate) }
        // A loop, not `filter(_:).max()`: this runs on every request, and the filter allocated an array.
        var served: APIVersion?
        for version in available where version <= requested {
            if let newest = served, newest >= version { continue }
            served = version
        }
        guard let served else { throw .api(.invalidVersionDate) }
        return served
    }
}
