import AtlasMockHTTP
import FoundationEssentials
import Logging

/// Everything that shapes the fake Atlas's behaviour, besides its data. The executable fills it from flags and
/// environment variables; an embedding test suite builds it directly.
public struct AtlasConfiguration: Sendable {
    /// Transport settings: host, port, limits, timeouts.
    public var server = ServerConfiguration()
    /// Public base URL for `links` (`https://cloud.mongodb.com` in production); nil derives it from `Host`.
    public var baseURL: String?
    /// `.strict` enforces credentials, roles and access lists; `.off` treats every caller as an org owner.
    public var authMode: AuthMode = .strict
    public var deprecation = DeprecationPolicy()
    /// The clock's start: running with the real clock (offset 0) unless set.
    public var clock: MockClock.Mode = .running(offset: 0)
    /// How long a Digest nonce stays valid. Default 300 s.
    public var nonceLifetime: TimeInterval = 300
    public var logLevel: Logger.Level = .info
    /// How long created restore jobs stay PENDING, QUEUED and RUNNING on the mock clock.
    public var restorePhases = RestorePhaseDurations()
    /// How long cluster creates, updates and deletes take on the mock clock, per kind.
    public var clusterTransitions = ClusterTransitionTimes()
    /// When M2/M5 clusters become Flex clusters (`--shared-tier-migration`); off by default.
    public var sharedTierMigration = SharedTierMigration.off
    /// When set, every `/__admin/` route except `health` needs `Authorization: Bearer <adminToken>`.
    public var adminToken: String?
    /// How many requests `GET /__admin/requests` remembers; the oldest are dropped first. Default 1000.
    public var journalCapacity = 1000
    /// Atlas's token-bucket rate limits: reported in headers by default, enforced with 429 only when asked.
    public var rateLimits = RateLimitMode.headers

    public enum AuthMode: String, Sendable, CaseIterable {
        case strict
        case off
    }

    public init() {}
}
