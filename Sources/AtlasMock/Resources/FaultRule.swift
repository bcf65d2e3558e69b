import FoundationEssentials
import HTTPTypes

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
        var headers: [HTTPField] = []
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

    /// As an empty bucket answers (`RateLimiter.charge`), spelled the same way.
    private var rateLimitHeaders: [HTTPField] {
        RateLimiter.Reading.emptyBucketHeaders(limit: self.rateLimit, retryAfter: self.retryAfterSeconds)
    }
}

extension FaultRule {
    /// The longest injectable delay: ten minutes, beyond which a client would time out anyway.
    static let maximumDelayMilliseconds = 600_000

    /// A rule as fixtures and `POST /__admin/faults` write it: flat members that `rule` turns into an action.
    struct Declaration: Sendable {
        var id: String?
        var method: String?
        var path = ""
        var principal: String?
        var errorCode: AtlasErrorCode?
        var parameters: [AtlasErrorParameter]?
        var retryAfterSeconds: Int?
        var rateLimit: Int?
        var dropConnection: Bool?
        var failRestoreJobs: Bool?
        var delayMs: Int?
        var delayMaxMs: Int?
        var times: Int?
        var percentage: Int?
        /// The rule, once `check` accepted the combination.
        var rule: FaultRule?
    }

    private static let errorCode = FieldCodec<AtlasErrorCode>(
        type: "error code",
        decode: { reader, diagnostics, path throws(JSONSyntaxError) in
            guard let name = try FieldCodec<String>.string.decode(&reader, &diagnostics, path) else { return nil }
            guard let code = AtlasErrorCode(rawValue: name) else {
                diagnostics.error(
                    path,
                    "\"\(name)\" is not in atlas-mock's error catalog (expected one of: \(AtlasErrorCode.allCases.map(\.rawValue).joined(separator: ", ")))")
                return nil
            }
            return code
        }, encode: { .string($0.rawValue) })

    private static let parameter = FieldCodec<AtlasErrorParameter>(
        type: "string or integer",
        decode: { reader, diagnostics, path throws(JSONSyntaxError) in
            switch try reader.kind() {
            case .string: return .string(reader.string(try reader.readString()))
            case .number:
                return try FieldCodec<Int>.integer(in: Int.min...Int.max).decode(&reader, &diagnostics, path).map { .int($0) }
            case let other:
                diagnostics.error(path, "expected a string or an integer, found \(other.description)")
                try reader.skipValue()
                return nil
            }
        }, encode: { $0.json })

    static let schema = ResourceSchema<Declaration>(
        "faults", blank: { Declaration() },
        fields: [
            .optional(
                "id", \.id, FieldCodec.string.checked { $0.isEmpty ? "must not be empty" : nil },
                "generated as `fault-<n>` when absent; used by `DELETE /__admin/faults/{id}` and shown in the journal"),
            .optional(
                "method", \.method,
                FieldCodec.string.checked {
                    $0.isEmpty || !$0.utf8.allSatisfy({ (0x41...0x5A).contains($0) })
                        ? "\"\($0)\" is not an upper-case HTTP method" : nil
                }, "an upper-case HTTP method; any method when absent"),
            .required(
                "path", \.path, FieldCodec.string.checked { $0.hasPrefix("/") ? nil : "\"\($0)\" does not start with /" },
                "a glob over the request path (no query): `*` within one segment, `**` across segments, `?` one character"),
            .optional(
                "principal", \.principal, .string,
                "the caller as the journal names it: `apiKey:<publicKey>` or `serviceAccount:<clientId>`"),
            .optional("dropConnection", \.dropConnection, .bool, "`true` closes the connection without an answer"),
            .optional(
                "failRestoreJobs", \.failRestoreJobs, .bool,
                "`true` answers normally, but restore or download jobs the request creates end `FAILED`"),
            .optional("errorCode", \.errorCode, Self.errorCode, "answer with this `ApiError` from atlas-mock's catalog"),
            .optional(
                "parameters", \.parameters, .array(of: Self.parameter),
                "strings and integers filling the code's `%s` placeholders (defaults in the table below)"),
            .optional(
                "delayMs", \.delayMs, .integer(in: 0...Self.maximumDelayMilliseconds),
                "wait this long before answering (at most 600000)"),
            .optional(
                "delayMaxMs", \.delayMaxMs, .integer(in: 0...Self.maximumDelayMilliseconds),
                "with `delayMs`: wait a uniformly random time between the two"),
            .optional("times", \.times, .integer(in: 1...Int.max), "apply to the next N matches, then remove the rule"),
            .optional("percentage", \.percentage, .integer(in: 1...100), "the chance a match is affected (default 100)"),
            .optional(
                "retryAfterSeconds", \.retryAfterSeconds, .integer(in: 0...86_400),
                "for 429 codes: `Retry-After` (default 60)"),
            .optional("rateLimit", \.rateLimit, .integer(in: 1...1_000_000), "for 429 codes: `RateLimit-Limit` (default 1200)"),
        ],
        check: { declaration, present, diagnostics, path in
            let errorsBefore = diagnostics.errors.count
            let drop = declaration.dropConnection ?? false
            let failJobs = declaration.failRestoreJobs ?? false
            if failJobs && (drop || present("errorCode")) {
                diagnostics.error(
                    path.member("failRestoreJobs"),
                    "a fault that fails restore jobs lets the request through; drop errorCode and dropConnection")
            }
            var action = Action.proceed
            if let code = declaration.errorCode {
                action = .error(code, parameters: declaration.parameters)
                if drop {
                    diagnostics.error(path.member("dropConnection"), "a fault either answers errorCode or drops the connection, not both")
                }
            } else if present("errorCode") {
                // Reported by the field.
            } else if present("parameters") {
                diagnostics.error(path.member("parameters"), "parameters need an errorCode")
            } else if drop {
                action = .dropConnection
            } else if failJobs {
                action = .failRestoreJobs
            }
            var delay: ClosedRange<Int>?
            switch (declaration.delayMs, declaration.delayMaxMs) {
            case (let low?, nil): delay = low...low
            case (let low?, let high?) where high >= low: delay = low...high
            case (.some, .some): diagnostics.error(path.member("delayMaxMs"), "must not be less than delayMs")
            case (nil, .some): diagnostics.error(path.member("delayMaxMs"), "needs delayMs (the lower bound)")
            case (nil, nil): break
            }
            if case .proceed = action, delay == nil, !present("errorCode"), !present("delayMs"), !failJobs {
                diagnostics.error(path, "a fault needs errorCode, dropConnection, failRestoreJobs or delayMs")
            }
            guard diagnostics.errors.count == errorsBefore else { return false }
            declaration.rule = FaultRule(
                id: declaration.id ?? "", method: declaration.method, path: declaration.path,
                principal: declaration.principal, action: action, delay: delay, times: declaration.times,
                percentage: declaration.percentage ?? 100, retryAfterSeconds: declaration.retryAfterSeconds ?? 60,
                rateLimit: declaration.rateLimit ?? 1200)
            return true
        })

    /// The rule in its fixture form (what `GET /__admin/faults` and the state dump show).
    var declaration: Declaration {
        var declaration = Declaration(id: self.id, method: self.method, path: self.path, principal: self.principal)
        switch self.action {
        case .error(let code, let parameters):
            declaration.errorCode = code
            declaration.parameters = parameters
            if code.status == 429 {
                declaration.retryAfterSeconds = self.retryAfterSeconds
                declaration.rateLimit = self.rateLimit
            }
        case .dropConnection: declaration.dropConnection = true
        case .failRestoreJobs: declaration.failRestoreJobs = true
        case .proceed: break
        }
        if let delay = self.delay {
            declaration.delayMs = delay.lowerBound
            if delay.upperBound != delay.lowerBound { declaration.delayMaxMs = delay.upperBound }
        }
        if self.percentage != 100 { declaration.percentage = self.percentage }
        declaration.times = self.times
        return declaration
    }

    var json: JSONValue { Self.schema.encode(self.declaration) }
}
