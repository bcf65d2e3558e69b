import AtlasMockHTTP

/// A resource version as Atlas names them: the date in `application/vnd.atlas.YYYY-MM-DD+json`.
struct APIVersion: Comparable, Hashable, Sendable, CustomStringConvertible {
    let year: Int
    let month: Int
    let day: Int

    static let v2023_01_01 = APIVersion(year: 2023, month: 1, day: 1)
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
    init?(date text: Substring) {
        guard text.utf8.count == 10 else { return nil }
        var fields = [0, 0, 0]
        for (offset, byte) in text.utf8.enumerated() {
            if offset == 4 || offset == 7 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            let field = offset < 4 ? 0 : offset < 7 ? 1 : 2
            fields[field] = fields[field] * 10 + Int(byte - UInt8(ascii: "0"))
        }
        let (year, month, day) = (fields[0], fields[1], fields[2])
        guard (1...12).contains(month), day >= 1 else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= lengths[month - 1] else { return nil }
        self.init(year: year, month: month, day: day)
    }

    private init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// The version an `Accept` header asks for: the newest `application/vnd.atlas.<date>+json` it lists.
    /// Nil when it names none (a missing header, `*/*` or `application/json`) or names a malformed date.
    static func requested(byAccept accept: String?) -> APIVersion? {
        guard let accept else { return nil }
        var best: APIVersion?
        // Byte-wise: the header is parsed on every request, and splitting and lower-casing `String`s cost 6% of a
        // list request's CPU time in the benchmark profile.
        for item in accept.utf8.split(separator: UInt8(ascii: ",")) {
            let parameters = item.firstIndex(of: UInt8(ascii: ";")) ?? item.endIndex
            let mediaType = Substring(item[..<parameters]).trimmingOptionalWhitespace()
            guard Self.hasPrefix(mediaType, Self.mediaTypePrefix), Self.hasSuffix(mediaType, Self.mediaTypeSuffix),
                mediaType.utf8.count > Self.mediaTypePrefix.count + Self.mediaTypeSuffix.count
            else { continue }
            let date = mediaType.utf8.dropFirst(Self.mediaTypePrefix.count).dropLast(Self.mediaTypeSuffix.count)
            guard let version = APIVersion(date: Substring(date)) else { return nil }
            best = max(best ?? version, version)
        }
        return best
    }

    private static let mediaTypePrefix = Array("application/vnd.atlas.".utf8)
    private static let mediaTypeSuffix = Array("+json".utf8)

    /// `lowercase` must be lower-case ASCII; media types compare case-insensitively (RFC 9110 §8.3.1).
    private static func hasPrefix(_ text: Substring, _ lowercase: [UInt8]) -> Bool {
        text.utf8.prefix(lowercase.count).equalsIgnoringASCIICase(lowercase)
    }

    private static func hasSuffix(_ text: Substring, _ lowercase: [UInt8]) -> Bool {
        text.utf8.suffix(lowercase.count).equalsIgnoringASCIICase(lowercase)
    }

    /// The version that serves a request for `requested`: the newest of `available` on or before it
    /// (the date is a floor). Throws Atlas's 406 when there is none.
    static func resolve(_ requested: APIVersion?, available: [APIVersion]) throws(AtlasFailure) -> APIVersion {
        guard let requested, let version = available.filter({ $0 <= requested }).max() else {
            throw .api(.invalidVersionDate)
        }
        return version
    }
}

import FoundationEssentials
