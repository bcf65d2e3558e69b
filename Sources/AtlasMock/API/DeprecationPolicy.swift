import FoundationEssentials
import HTTPTypes

/// The lifecycle of the deprecated tenant endpoints: the `Deprecation`/`Sunset` headers every response of theirs
/// carries, and — when enforced — the 410 `VERSION_GONE` they answer once the mock clock reaches the sunset.
public struct DeprecationPolicy: Sendable {
    /// The documented cutoff (`x-sunset: '2026-01-22'`).
    public static let documentedSunset = Date(timeIntervalSince1970: 1_769_040_000)
    /// When the operations were marked `deprecated: true` in the spec (2025-06-11). Atlas's own `Deprecation`
    /// value for them was never recorded; this is inferred.
    public static let documentedDeprecation = Date(timeIntervalSince1970: 1_749_600_000)

    public var deprecation: Date { didSet { self.headers = Self.headers(self.deprecation, self.sunset) } }
    public var sunset: Date { didSet { self.headers = Self.headers(self.deprecation, self.sunset) } }
    public var enforceSunset: Bool
    /// `Deprecation` and `Sunset`, formatted when the dates are set: every response of a deprecated version
    /// carries them, and formatting two dates per request was 6% of a request's CPU time.
    private(set) var headers: [HTTPField]

    public init(deprecation: Date = Self.documentedDeprecation, sunset: Date = Self.documentedSunset, enforceSunset: Bool = false) {
        self.deprecation = deprecation
        self.sunset = sunset
        self.enforceSunset = enforceSunset
        self.headers = Self.headers(deprecation, sunset)
    }

    private static func headers(_ deprecation: Date, _ sunset: Date) -> [HTTPField] {
        [
            HTTPField(name: .deprecation, value: AtlasDate.httpDateUnpaddedDay(deprecation)),
            HTTPField(name: .sunset, value: AtlasDate.httpDateUnpaddedDay(sunset)),
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
