import FoundationEssentials

/// The lifecycle of the deprecated tenant endpoints: the `Deprecation`/`Sunset` headers every response of theirs
/// carries, and — when enforced — the 410 `VERSION_GONE` they answer once the mock clock reaches the sunset.
public struct DeprecationPolicy: Sendable {
    /// The documented cutoff (`x-sunset: '2026-01-22'`).
    public static let documentedSunset = Date(timeIntervalSince1970: 1_769_040_000)
    /// When the operations were marked `deprecated: true` in the spec (2025-06-11). Atlas's own `Deprecation`
    /// value for them was never recorded; this is inferred.
    public static let documentedDeprecation = Date(timeIntervalSince1970: 1_749_600_000)

    public var deprecation: Date
    public var sunset: Date
    public var enforceSunset: Bool

    public init(deprecation: Date = Self.documentedDeprecation, sunset: Date = Self.documentedSunset, enforceSunset: Bool = false) {
        self.deprecation = deprecation
        self.sunset = sunset
        self.enforceSunset = enforceSunset
    }

    var headers: [(String, String)] {
        [
            ("Deprecation", AtlasDate.httpDateUnpaddedDay(self.deprecation)),
            ("Sunset", AtlasDate.httpDateUnpaddedDay(self.sunset)),
        ]
    }

    /// Throws 410 `VERSION_GONE` once enforced and past the sunset; `path` is the request path.
    func checkAvailable(version: APIVersion, path: Substring, now: Date) throws(AtlasFailure) {
        guard self.enforceSunset, now >= self.sunset else { return }
        // Atlas names the path without its leading slash, in both `detail` and `parameters`.
        let resource = String(path.drop { $0 == "/" })
        throw .api(.versionGone, .string(version.description), .string(resource))
    }
}
