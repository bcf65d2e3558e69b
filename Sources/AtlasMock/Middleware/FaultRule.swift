import FoundationEssentials

/// One injected failure: which Atlas API requests it matches, what it does to them, and for how long.
/// Rules are checked after authentication, in the order they were added; the first that matches (and wins its
/// `percentage` roll) applies.
public struct FaultRule: Sendable, Equatable {
    /// What a matching request gets.
    public enum Action: Sendable, Equatable {
        /// An `ApiError` from the catalog instead of the operation's answer. Nil parameters use the defaults
        /// described in `fixtures/FORMAT.md`.
        case error(AtlasErrorCode, parameters: [AtlasErrorParameter]?)
        /// The connection is closed without an answer.
        case dropConnection
        /// The request is answered normally (only `delay` applies).
        case proceed
        /// The request is answered normally, but a restore or download job it creates ends `FAILED`.
        case failRestoreJobs
    }

    public var id: String
    /// An HTTP method, or nil for any.
    public var method: String?
    /// A glob over the request path: `*` matches within one segment, `**` across segments, `?` one character.
    public var path: String
    /// A principal name as the journal shows it (`apiKey:mockpublic`, `serviceAccount:mdb_sa_id_mock`), or nil
    /// for any caller.
    public var principal: String?
    public var action: Action
    /// Milliseconds to wait before answering: a fixed value when both bounds are equal, else uniformly random.
    public var delay: ClosedRange<Int>?
    /// How many more matches it applies to; nil until removed.
    public var times: Int?
    /// The chance, in percent, that a matching request is affected.
    public var percentage: Int
    /// `Retry-After` for 429 codes, in seconds.
    public var retryAfterSeconds: Int
    /// `RateLimit-Limit` for 429 codes (Atlas reports 1200 for the Flex backup endpoints).
    public var rateLimit: Int

    public init(
        id: String, method: String? = nil, path: String, principal: String? = nil, action: Action,
        delay: ClosedRange<Int>? = nil, times: Int? = nil, percentage: Int = 100, retryAfterSeconds: Int = 60,
        rateLimit: Int = 1200
    ) {
        self.id = id
        self.method = method
        self.path = path
        self.principal = principal
        self.action = action
        self.delay = delay
        self.times = times
        self.percentage = percentage
        self.retryAfterSeconds = retryAfterSeconds
        self.rateLimit = rateLimit
    }

    func matches(method: String, path: Substring, principal: String) -> Bool {
        if let wanted = self.method, wanted.uppercased() != method { return false }
        if let wanted = self.principal, wanted != principal { return false }
        return Glob.matches(pattern: self.path, path: path)
    }

    /// The failure a matching request gets, if the rule answers with an error.
    func failure(path: Substring) -> AtlasFailure? {
        guard case .error(let code, let given) = self.action else { return nil }
        let resource = AtlasErrorParameter.string(String(path.drop { $0 == "/" }))
        var headers: [(String, String)] = []
        var defaults: [AtlasErrorParameter] = []
        switch code {
        case .rateLimitedTokenBucket:
            headers = self.rateLimitHeaders
            defaults = [resource, .int(self.retryAfterSeconds), .int(self.rateLimit), .int(self.rateLimit), .int(60)]
        case .rateLimited:
            headers = self.rateLimitHeaders
            defaults = [resource, .int(self.rateLimit), .int(1)]
        default: break
        }
        return .api(code, given ?? defaults, headers: headers)
    }

    private var rateLimitHeaders: [(String, String)] {
        [
            ("Retry-After", String(self.retryAfterSeconds)), ("RateLimit-Limit", String(self.rateLimit)),
            ("RateLimit-Remaining", "0"),
        ]
    }
}
