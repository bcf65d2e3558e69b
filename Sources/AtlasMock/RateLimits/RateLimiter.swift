import FoundationEssentials
import Synchronization
import HTTPTypes

/// Atlas's token buckets, one per endpoint set and project (the documented scope of the backup sets), on the
/// mock clock.
final class RateLimiter: Sendable {
    /// What a charged request reports in its headers.
    struct Reading: Sendable, Equatable {
        var limit: Int
        var remaining: Int
    }

    private struct Key: Hashable {
        var set: RateLimitedEndpointSet
        var scope: String
    }

    let mode: RateLimitMode
    /// Invariant: buckets are only read or changed under this lock, so concurrent requests on one project take
    /// distinct tokens. A bucket appears on its scope's first request; scopes are projects that exist, so the
    /// table is bounded by the data.
    private let buckets = Mutex<[Key: TokenBucket]>([:])

    init(mode: RateLimitMode) {
        self.mode = mode
    }

    /// Takes a token from `set`'s bucket for project `scope`. Nil when rate limits are off. Under `enforce`, an
    /// empty bucket throws Atlas's 429, whose `parameters` are the request path without its leading slash, the
    /// seconds to wait, the capacity, the refill amount and its period.
    func charge(_ set: RateLimitedEndpointSet, scope: String, path: Substring, now: Date) throws(AtlasFailure)
        -> Reading?
    {
        if self.mode == .off { return nil }
        let limits = set.limits
        let outcome = self.buckets.withLock { buckets in
            buckets[Key(set: set, scope: scope), default: TokenBucket(limits: limits, createdAt: now)].take(at: now)
        }
        switch outcome {
        case .taken(let remaining):
            return Reading(limit: limits.capacity, remaining: remaining)
        case .empty(let retryAfter):
            guard self.mode == .enforce else { return Reading(limit: limits.capacity, remaining: 0) }
            throw .api(
                .rateLimitedTokenBucket,
                [
                    .string(String(path.drop { $0 == "/" })), .int(retryAfter), .int(limits.capacity),
                    .int(limits.refillAmount), .int(limits.refillPeriod),
                ],
                headers: Reading.emptyBucketHeaders(limit: limits.capacity, retryAfter: retryAfter))
        }
    }

    /// Every bucket full again (`POST /__admin/reset`).
    func reset() {
        self.buckets.withLock { $0.removeAll() }
    }
}

extension RateLimiter.Reading {
    var headers: [HTTPField] {
        [
            HTTPField(name: .ratelimitLimit, value: String(self.limit)),
            HTTPField(name: .ratelimitRemaining, value: String(self.remaining)),
        ]
    }

    /// What an empty bucket answers with (and a fault rule imitating one): when to retry, and nothing left.
    static func emptyBucketHeaders(limit: Int, retryAfter: Int) -> [HTTPField] {
        [HTTPField(name: .retryAfter, value: String(retryAfter))] + Self(limit: limit, remaining: 0).headers
    }

    /// The rate-limit headers a response carries, as recorded (ATLAS.md §3.1): every answer to a request that
    /// was charged to a bucket — successes and errors found after the project was resolved, such as the 400
    /// `CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API` — but none where the request never reached its bucket: the 401
    /// challenge comes before authentication, 404 `GROUP_NOT_FOUND` before the project's scope exists, and 405
    /// before any operation. A 429 from an empty bucket carries its own headers (see `RateLimiter.charge`).
    static func headers(for reading: Self?, failure: AtlasFailure?) -> [HTTPField] {
        guard let reading else { return [] }
        switch failure {
        case nil: return reading.headers
        case .api(let code, _, _): return code == .rateLimitedTokenBucket ? [] : reading.headers
        case .authenticationRequired, .methodNotAllowed, .oauth: return []
        }
    }
}
