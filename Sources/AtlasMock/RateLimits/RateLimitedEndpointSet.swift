/// The endpoint sets Atlas meters with one token bucket each, per scope (`api-rate-limit` docs, 2026-04-10).
/// Each backup operation belongs to the set of its spec tag.
enum RateLimitedEndpointSet: String, Sendable, CaseIterable {
    case flexRestoreJobs = "Flex Restore Jobs"
    case flexSnapshots = "Flex Snapshots"
    case tenantRestoreJobs = "Shared-Tier Restore Jobs"
    case tenantSnapshots = "Shared-Tier Snapshots"

    /// Documented for the Flex sets (capacity 1200, 500 per 60 s; recordings show `Ratelimit-Limit: 1200`).
    /// The tenant sets were removed before the limits were published, although their last spec declares the
    /// headers; they get the values of their Flex replacements (inferred).
    var limits: TokenBucket.Limits { TokenBucket.Limits(capacity: 1200, refillAmount: 500, refillPeriod: 60) }
}
