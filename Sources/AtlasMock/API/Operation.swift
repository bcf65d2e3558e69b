import AtlasMockHTTP
import FoundationEssentials
import HTTPTypes

/// One Atlas API operation as the route table declares it: where it lives, the versions it exists in, which of
/// them are deprecated, how callers authenticate, and the function that runs it.
/// A class: the router hands the matched operation through every stage, and copying a struct of this many
/// references cost a retain and a release of each per copy.
final class Operation: Routable, Sendable {
    /// How a caller proves who they are before the operation runs.
    enum Authentication: Sendable {
        /// HTTP Digest with an API key, or a Bearer token (`AtlasPipeline.authenticate`).
        case atlasCredentials
        /// The operation checks credentials itself (the OAuth endpoints' Basic client credentials); the pipeline
        /// skips authentication, version resolution and deprecation for it.
        case ownCredentials
    }

    /// How a deprecated version announces itself (`Deprecation`/`Sunset`) and when it ends.
    enum Deprecation: Sendable, Hashable {
        /// The shared-tier endpoints: dates from `AtlasConfiguration.deprecation` (`--sunset-date`).
        case sharedTier
        /// Fixed dates, as Atlas announced them for an operation's older versions.
        case fixed(deprecation: Date, sunset: Date)
    }

    let method: HTTPRequest.Method
    /// The path template, `{name}` segments capturing.
    let path: String
    /// The legacy operationId, shown in the request journal.
    let name: String
    let versions: [APIVersion]
    /// The deprecated versions among `versions`.
    let deprecations: [APIVersion: Deprecation]
    let authentication: Authentication
    /// A `/api/atlas/v1.0` path: no media versions, so `Accept` is not consulted (the one version serves) and
    /// answers are `application/json`.
    let unversioned: Bool
    /// The token bucket set requests are metered in, per project (`{groupId}`); nil for unmetered operations.
    let rateLimit: RateLimitedEndpointSet?
    let run: @Sendable (OperationContext) throws(AtlasFailure) -> OperationResult

    init(
        _ method: HTTPRequest.Method, _ path: String, _ name: String, versions: [APIVersion],
        deprecations: [APIVersion: Deprecation] = [:], authentication: Authentication = .atlasCredentials,
        unversioned: Bool = false, rateLimit: RateLimitedEndpointSet? = nil,
        run: @escaping @Sendable (OperationContext) throws(AtlasFailure) -> OperationResult
    ) {
        self.method = method
        self.path = path
        self.name = name
        self.versions = versions
        self.deprecations = deprecations
        self.authentication = authentication
        self.unversioned = unversioned
        self.rateLimit = rateLimit
        self.run = run
    }

    /// An operation deprecated in every version it has, like the shared-tier backup operations.
    static func deprecated(
        _ method: HTTPRequest.Method, _ path: String, _ name: String, versions: [APIVersion],
        _ deprecation: Deprecation, rateLimit: RateLimitedEndpointSet? = nil,
        run: @escaping @Sendable (OperationContext) throws(AtlasFailure) -> OperationResult
    ) -> Operation {
        Operation(
            method, path, name, versions: versions,
            deprecations: Dictionary(uniqueKeysWithValues: versions.map { ($0, deprecation) }), rateLimit: rateLimit,
            run: run)
    }
}

/// What operations may use besides the request: the served data, the clock, OAuth tokens and the settings that
/// shape operations. Never the server or the admin state.
struct OperationServices: Sendable {
    let store: AtlasStore
    let clock: MockClock
    let tokens: TokenRegistry
    let settings: OperationSettings
}

/// The configuration operations read (the rest of `AtlasConfiguration` belongs to the pipeline and transport).
struct OperationSettings: Sendable {
    var authMode: AtlasConfiguration.AuthMode
    var restorePhases: RestorePhaseDurations
    var clusterTransitions: ClusterTransitionTimes
    var sharedTierMigration: SharedTierMigration
    /// The shared-tier cutoff: after it (when enforced) M2/M5 creates are refused and the clusters API stops
    /// serving Flex clusters.
    var deprecation: DeprecationPolicy

    init(_ configuration: AtlasConfiguration) {
        self.authMode = configuration.authMode
        self.restorePhases = configuration.restorePhases
        self.clusterTransitions = configuration.clusterTransitions
        self.sharedTierMigration = configuration.sharedTierMigration
        self.deprecation = configuration.deprecation
    }
}

/// What an operation sees of a request, already authenticated and version-resolved.
struct OperationContext {
    let request: HTTPServerRequest
    let parameters: [String: String]
    let query: QueryParameters
    /// The caller; `Principal.unrestricted` for operations with their own credentials.
    let principal: Principal
    /// The version that serves the request (the floor of the one asked for).
    let version: APIVersion
    let now: Date
    /// `scheme://host[:port]` that links start with.
    let baseURL: String
    /// Jobs this request creates end `FAILED` instead of `COMPLETED` (a `failRestoreJobs` fault rule).
    let failsCreatedJobs: Bool
    let services: OperationServices

    var store: AtlasStore { self.services.store }
    var settings: OperationSettings { self.services.settings }

    /// The absolute URL of the request's path, for `self` links.
    var resourceURL: String { self.baseURL + self.request.path }

    func parameter(_ name: String) -> String { self.parameters[name] ?? "" }
}

/// What an operation answers on success; the pipeline's render stage adds envelope, pretty and headers.
struct OperationResult {
    enum Body {
        /// A single entity; `envelope=true` wraps it as `{"content": …, "status": <status>}`.
        case entity(JSONValue)
        /// A list object (`links`, `results`, `totalCount`); `envelope=true` adds `"status"` to it.
        case list([String: JSONValue])
        /// No body, but still the version's `Content-Type` (Atlas's 204s carry one).
        case empty
        /// A response the operation built whole (the OAuth endpoints, which answer outside Atlas's media types).
        case response(HTTPServerResponse)
    }

    var body: Body
    var status: HTTPResponse.Status = .ok

    static func entity(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> OperationResult {
        OperationResult(body: .entity(value), status: status)
    }

    static func list(_ members: [String: JSONValue]) -> OperationResult {
        OperationResult(body: .list(members))
    }
}
