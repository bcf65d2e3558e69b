import Foundation
import HTTPTypes
import Testing

@testable import AtlasMock

@Suite struct RateLimiterTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let path: Substring =
        "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/flexClusters/FlexCluster0/backup/snapshots"
    static let documented = TokenBucket.Limits(capacity: 10, refillAmount: 5, refillPeriod: 60)

    @Test func aBucketStartsFullAndRefillsInStepsAtPeriodBoundaries() {
        var bucket = TokenBucket(limits: Self.documented, createdAt: Self.start)
        for expected in stride(from: 9, through: 0, by: -1) {
            #expect(bucket.take(at: Self.start) == .taken(remaining: expected))
        }
        // The documented example: five seconds into the period, the next refill is 55 s away.
        #expect(bucket.take(at: Self.start.addingTimeInterval(5)) == .empty(retryAfter: 55))
        #expect(bucket.take(at: Self.start.addingTimeInterval(59.5)) == .empty(retryAfter: 1))
        #expect(bucket.take(at: Self.start.addingTimeInterval(60)) == .taken(remaining: 4))
        // Many idle periods refill to the capacity, never beyond it.
        #expect(bucket.take(at: Self.start.addingTimeInterval(3600)) == .taken(remaining: 9))
    }

    @Test func settingTheClockBackStartsAFreshPeriodWithoutRefilling() {
        var bucket = TokenBucket(limits: Self.documented, createdAt: Self.start)
        for _ in 0..<10 { _ = bucket.take(at: Self.start) }
        #expect(bucket.take(at: Self.start.addingTimeInterval(-30)) == .empty(retryAfter: 60))
        #expect(bucket.take(at: Self.start.addingTimeInterval(30)) == .taken(remaining: 4))
    }

    @Test func headersModeCountsDownPerProjectAndNeverRefuses() throws {
        let limiter = RateLimiter(mode: .headers)
        for expected in stride(from: 1199, through: 0, by: -1) {
            let reading = try limiter.charge(.flexSnapshots, scope: "p1", path: Self.path, now: Self.start)
            #expect(reading == RateLimiter.Reading(limit: 1200, remaining: expected))
        }
        #expect(try limiter.charge(.flexSnapshots, scope: "p1", path: Self.path, now: Self.start)?.remaining == 0)
        // Another project and another endpoint set have buckets of their own.
        #expect(try limiter.charge(.flexSnapshots, scope: "p2", path: Self.path, now: Self.start)?.remaining == 1199)
        #expect(try limiter.charge(.flexRestoreJobs, scope: "p1", path: Self.path, now: Self.start)?.remaining == 1199)
        // 500 come back after the 60 s period.
        let later = Self.start.addingTimeInterval(60)
        #expect(try limiter.charge(.flexSnapshots, scope: "p1", path: Self.path, now: later)?.remaining == 499)
        limiter.reset()
        #expect(try limiter.charge(.flexSnapshots, scope: "p1", path: Self.path, now: later)?.remaining == 1199)
    }

    @Test func enforceModeAnswersTheDocumented429WhenTheBucketIsEmpty() throws {
        let limiter = RateLimiter(mode: .enforce)
        for _ in 0..<1200 { _ = try limiter.charge(.flexRestoreJobs, scope: "p1", path: Self.path, now: Self.start) }
        let now = Self.start.addingTimeInterval(12)
        #expect {
            try limiter.charge(.flexRestoreJobs, scope: "p1", path: Self.path, now: now)
        } throws: { error in
            guard case .api(let code, let parameters, let headers) = error as? AtlasFailure else { return false }
            let path = "api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/flexClusters/FlexCluster0/backup/snapshots"
            let detail =
                "Rate limit exceeded for \(path). Please retry after 48 seconds. Request capacity: 1200. Refill rate: 500 per 60 seconds."
            return code == .rateLimitedTokenBucket
                && parameters == [.string(path), .int(48), .int(1200), .int(500), .int(60)]
                && code.body(parameters)
                    == .object([
                        "detail": .string(detail), "error": .int(429),
                        "errorCode": .string("RATE_LIMITED_TOKEN_BUCKET"),
                        "parameters": .array([.string(path), .int(48), .int(1200), .int(500), .int(60)]),
                        "reason": .string("Too Many Requests"),
                    ])
                && headers.map { "\($0.name.rawName): \($0.value)" }
                    == ["Retry-After: 48", "Ratelimit-Limit: 1200", "Ratelimit-Remaining: 0"]
        }
    }

    @Test func offModeMetersNothing() throws {
        let limiter = RateLimiter(mode: .off)
        for _ in 0..<1300 {
            #expect(try limiter.charge(.tenantRestoreJobs, scope: "p1", path: Self.path, now: Self.start) == nil)
        }
    }

    /// ATLAS.md §3.1: successes and the recorded 400s carry the headers; the 401 challenge, 404 `GROUP_NOT_FOUND`
    /// (never charged: the project does not exist) and 405 do not.
    @Test func whichAnswersCarryTheHeaders() {
        let reading = RateLimiter.Reading(limit: 1200, remaining: 7)
        let carried = ["Ratelimit-Limit: 1200", "Ratelimit-Remaining: 7"]
        func names(_ headers: [HTTPField]) -> [String] { headers.map { "\($0.name.rawName): \($0.value)" } }
        #expect(names(RateLimiter.Reading.headers(for: reading, failure: nil)) == carried)
        #expect(
            names(
                RateLimiter.Reading.headers(
                    for: reading, failure: .api(.cannotUseNonFlexClusterInFlexAPI, .string("Cluster0"))))
                == carried)
        #expect(
            RateLimiter.Reading.headers(for: nil, failure: .api(.groupNotFound, .string("111111111111111111111111")))
                .isEmpty)
        #expect(RateLimiter.Reading.headers(for: nil, failure: .authenticationRequired(stale: false)).isEmpty)
        #expect(RateLimiter.Reading.headers(for: reading, failure: .methodNotAllowed(allowed: ["GET"])).isEmpty)
    }
}
