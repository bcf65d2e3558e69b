import FoundationEssentials

/// One token bucket as Atlas documents its v2 rate limits: it starts full at `capacity`, each request takes a
/// token, and every `refillPeriod` seconds `refillAmount` tokens come back (never beyond `capacity`).
///
/// The refill is in whole steps at period boundaries, not a trickle: Atlas's documented 429 ("Please retry after
/// 55 seconds. Request capacity: 10. Refill rate: 5 per 60 seconds.") waits longer than one token's share of the
/// period (12 s), which only a stepwise refill explains.
struct TokenBucket: Sendable, Equatable {
    struct Limits: Sendable, Equatable {
        var capacity: Int
        var refillAmount: Int
        var refillPeriod: Int
    }

    /// What one request found in the bucket.
    enum Outcome: Sendable, Equatable {
        /// A token was taken; `remaining` are left.
        case taken(remaining: Int)
        /// The bucket was empty; the next refill is `retryAfter` whole seconds away.
        case empty(retryAfter: Int)
    }

    let limits: Limits
    private(set) var tokens: Int
    /// The start of the current refill period.
    private(set) var periodStart: Date

    init(limits: Limits, createdAt: Date) {
        self.limits = limits
        self.tokens = limits.capacity
        self.periodStart = createdAt
    }

    /// Takes one token at `now`, after adding the refills of every period that ended since the last request.
    mutating func take(at now: Date) -> Outcome {
        self.refill(at: now)
        guard self.tokens > 0 else {
            let next = self.periodStart.addingTimeInterval(TimeInterval(self.limits.refillPeriod))
            return .empty(retryAfter: max(1, Int(next.timeIntervalSince(now).rounded(.up))))
        }
        self.tokens -= 1
        return .taken(remaining: self.tokens)
    }

    private mutating func refill(at now: Date) {
        // The mock clock can be set back; a period then starts afresh rather than refilling "negatively".
        guard now >= self.periodStart else {
            self.periodStart = now
            return
        }
        let period = TimeInterval(self.limits.refillPeriod)
        let periods = Int((now.timeIntervalSince(self.periodStart) / period).rounded(.down))
        guard periods > 0 else { return }
        let (added, overflow) = periods.multipliedReportingOverflow(by: self.limits.refillAmount)
        self.tokens = overflow ? self.limits.capacity : min(self.limits.capacity, self.tokens + added)
        self.periodStart = self.periodStart.addingTimeInterval(TimeInterval(periods) * period)
    }
}
