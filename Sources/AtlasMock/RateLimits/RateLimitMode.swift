/// How atlas-mock applies Atlas's rate limits (`--rate-limits`).
public enum RateLimitMode: String, Sendable, CaseIterable {
    /// Meter every request and answer 429 `RATE_LIMITED_TOKEN_BUCKET` when a bucket is empty.
    case enforce
    /// Meter every request and report `Ratelimit-Limit`/`Ratelimit-Remaining`, but never refuse: a fake must
    /// not make a suite flaky by default.
    case headers
    /// No metering and no rate-limit headers.
    case off
}
