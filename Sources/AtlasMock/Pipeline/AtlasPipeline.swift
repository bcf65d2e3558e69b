import AtlasMockHTTP
import FoundationEssentials
import HTTPTypes

/// The Atlas API, one request at a time, in named stages read top to bottom in `respond(to:)`:
/// match the route, **authenticate** (credentials, then the caller's access list), the middleware (faults),
/// **route** (404/405 once the caller is known), **resolve the version** from `Accept`, **check deprecation**
/// (headers, and 410 after an enforced sunset), **meter** it in its rate-limit bucket (429 when enforced and
/// empty), **run** the operation (or reuse a cached read), **render**.
/// Every failure of any stage is rendered by `ResponseRenderer.failure`, the one place that happens.
///
/// A class: the stages' closures capture it, and a struct of this size would be copied into them per request.
final class AtlasPipeline: Sendable {
    let router: Router<Operation>
    let authenticator: Authenticator
    let middleware: [any AtlasMiddleware]
    let services: OperationServices
    let renderer: ResponseRenderer
    /// The policy behind each way an operation's version can be deprecated, worked out once.
    private let policies: [Operation.Deprecation: DeprecationPolicy]
    let rateLimiter: RateLimiter
    /// Public base URL for links, or nil to derive it from the request's `Host`.
    let baseURL: String?
    let responses = ResponseCache()

    init(
        operations: [Operation], authenticator: Authenticator, middleware: [any AtlasMiddleware],
        services: OperationServices, renderer: ResponseRenderer, deprecation: DeprecationPolicy,
        rateLimiter: RateLimiter, baseURL: String?
    ) {
        self.router = Router(operations)
        self.authenticator = authenticator
        self.middleware = middleware
        self.services = services
        self.renderer = renderer
        self.rateLimiter = rateLimiter
        self.baseURL = baseURL
        var policies: [Operation.Deprecation: DeprecationPolicy] = [.sharedTier: deprecation]
        for operation in operations {
            for case .fixed(let deprecated, let sunset) in operation.deprecations.values {
                policies[.fixed(deprecation: deprecated, sunset: sunset)] = DeprecationPolicy(
                    deprecation: deprecated, sunset: sunset, enforceSunset: deprecation.enforceSunset)
            }
        }
        self.policies = policies
    }

    func respond(to exchange: AtlasExchange) -> HTTPServerResponse {
        let request = exchange.request
        let match = self.router.match(method: Self.routingMethod(request), path: request.path)
        if case .route(let operation, let parameters) = match, operation.authentication == .ownCredentials {
            return self.runWithOwnCredentials(operation, parameters: parameters, exchange: exchange)
        }
        if case .methodNotAllowed(let allowed, let routes) = match,
            routes.allSatisfy({ $0.authentication == .ownCredentials })
        {
            return self.renderer.failure(.methodNotAllowed(allowed: allowed), exchange: exchange)
        }
        do throws(AtlasFailure) {
            let query = try self.parseQuery(exchange)
            try self.authenticate(exchange)
            return try self.throughMiddleware(exchange, from: 0) { exchange throws(AtlasFailure) in
                let (operation, parameters) = try self.route(match, exchange: exchange)
                let version = try self.resolveVersion(of: operation, exchange: exchange)
                try self.checkDeprecation(of: operation, version: version, exchange: exchange)
                try self.meter(operation, parameters: parameters, exchange: exchange)
                return try self.run(
                    operation, version: version, parameters: parameters, query: query, exchange: exchange)
            }
        } catch {
            return self.renderer.failure(error, exchange: exchange)
        }
    }

    // MARK: Stages

    /// `pretty` first: it shapes every answer, errors included; a bad value fails later, with the other checks.
    private func parseQuery(_ exchange: AtlasExchange) throws(AtlasFailure) -> QueryParameters {
        let query = try QueryParameters(rawQuery: exchange.request.rawQuery)
        exchange.style = (try? query.bool("pretty", default: false)) == true ? .pretty : .compact
        return query
    }

    private func authenticate(_ exchange: AtlasExchange) throws(AtlasFailure) {
        let head = exchange.request.head
        let principal = try self.authenticator.authenticate(
            method: head.method.rawValue, target: exchange.request.target,
            authorization: head.headerFields.value(of: .authorization))
        try principal.checkAccessList(exchange.request.remoteAddress)
        exchange.principal = principal
    }

    private func throughMiddleware(
        _ exchange: AtlasExchange, from index: Int,
        _ last: (AtlasExchange) throws(AtlasFailure) -> HTTPServerResponse
    ) throws(AtlasFailure) -> HTTPServerResponse {
        guard index < self.middleware.count else { return try last(exchange) }
        return try self.middleware[index].respond(to: exchange) { exchange throws(AtlasFailure) in
            try self.throughMiddleware(exchange, from: index + 1, last)
        }
    }

    private func route(_ match: Router<Operation>.Match, exchange: AtlasExchange) throws(AtlasFailure)
        -> (Operation, [String: String])
    {
        switch match {
        case .route(let operation, let parameters):
            exchange.operation = operation.name
            return (operation, parameters)
        case .methodNotAllowed(let allowed, _): throw .methodNotAllowed(allowed: allowed)
        case .notFound: throw .api(.resourceNotFound, .string(String(exchange.request.path)))
        }
    }

    private func resolveVersion(of operation: Operation, exchange: AtlasExchange) throws(AtlasFailure) -> APIVersion {
        if operation.unversioned { return operation.versions[0] }
        return try APIVersion.resolve(
            APIVersion.requested(byAccept: exchange.request.head.headerFields.value(of: .accept)),
            available: operation.versions)
    }

    private func checkDeprecation(of operation: Operation, version: APIVersion, exchange: AtlasExchange)
        throws(AtlasFailure)
    {
        guard let deprecation = operation.deprecations[version], let policy = self.policies[deprecation] else { return }
        exchange.deprecationHeaders = policy.headers
        try policy.checkAvailable(version: version, path: exchange.request.path, now: exchange.received)
    }

    /// Takes a token from the operation's bucket for the project in the path, once that project exists: Atlas's
    /// buckets are per project, and a request for an unknown one (404 `GROUP_NOT_FOUND`) reports none.
    private func meter(_ operation: Operation, parameters: [String: String], exchange: AtlasExchange)
        throws(AtlasFailure)
    {
        guard self.rateLimiter.mode != .off, let set = operation.rateLimit, let groupId = parameters["groupId"],
            self.services.store.read({ $0.projects.index(forKey: groupId) != nil })
        else { return }
        exchange.rateLimit = try self.rateLimiter.charge(
            set, scope: groupId, path: exchange.request.path, now: exchange.received)
    }

    private func run(
        _ operation: Operation, version: APIVersion, parameters: [String: String], query: QueryParameters,
        exchange: AtlasExchange
    ) throws(AtlasFailure) -> HTTPServerResponse {
        let envelope = try query.bool("envelope", default: false)
        _ = try query.bool("pretty", default: false)
        let request = exchange.request
        let now = exchange.received
        let principal = exchange.principal ?? .unrestricted
        // Every request first brings the data to `now` (finished deletions, the M2/M5 migration).
        let stamp = self.services.store.stamp(at: now, migration: self.services.settings.sharedTierMigration)
        let cacheKey = self.cacheKey(for: request, principal: principal, version: version, now: now, stamp: stamp)
        // Cached answers are stored without `Ratelimit-*`: the bucket's count is this request's.
        if let cacheKey, let cached = self.responses.response(for: cacheKey) {
            return self.renderer.metered(cached, exchange: exchange)
        }
        let context = OperationContext(
            request: request, parameters: parameters, query: query, principal: principal, version: version, now: now,
            baseURL: self.baseURL(for: request), failsCreatedJobs: exchange.failsCreatedJobs, services: self.services)
        let result = try operation.run(context)
        var response = self.renderer.success(result, version: version, envelope: envelope, exchange: exchange)
        if operation.unversioned { response.head.headerFields[.contentType] = "application/json" }
        if let cacheKey, response.head.status == .ok { self.responses.store(response, for: cacheKey) }
        return self.renderer.metered(response, exchange: exchange)
    }

    /// The OAuth endpoints: no Atlas credentials, versions or deprecation, and errors in OAuth's shape.
    private func runWithOwnCredentials(_ operation: Operation, parameters: [String: String], exchange: AtlasExchange)
        -> HTTPServerResponse
    {
        exchange.operation = operation.name
        let request = exchange.request
        let context = OperationContext(
            request: request, parameters: parameters, query: QueryParameters(), principal: .unrestricted,
            version: operation.versions[0], now: exchange.received, baseURL: self.baseURL(for: request),
            failsCreatedJobs: false, services: self.services)
        do throws(AtlasFailure) {
            let result = try operation.run(context)
            return self.renderer.success(result, version: context.version, envelope: false, exchange: exchange)
        } catch {
            return self.renderer.failure(error, exchange: exchange)
        }
    }

    // MARK: Helpers

    /// HEAD is answered like GET; the transport drops the body.
    private static func routingMethod(_ request: HTTPServerRequest) -> HTTPRequest.Method {
        request.head.method == .head ? .get : request.head.method
    }

    /// Where a read's answer may be reused (see `ResponseCache`); nil for writes, and while some job's status
    /// still moves with the clock.
    private func cacheKey(
        for request: HTTPServerRequest, principal: Principal, version: APIVersion, now: Date,
        stamp: (generation: UInt64, settledAt: Date)
    ) -> ResponseCache.Key? {
        guard request.head.method == .get || request.head.method == .head else { return nil }
        guard now >= stamp.settledAt else { return nil }
        return ResponseCache.Key(
            generation: stamp.generation, principal: principal.name, target: request.target, version: version,
            linkOrigin: self.baseURL == nil
                ? ResponseCache.LinkOrigin(overTLS: request.overTLS, authority: request.head.authority) : nil)
    }

    /// Links start with `--base-url` when set, else with the address and scheme the client used (`Host`/`:authority`,
    /// TLS or not).
    private func baseURL(for request: HTTPServerRequest) -> String {
        if let base = self.baseURL { return base }
        return (request.overTLS ? "https://" : "http://") + (request.head.authority ?? "localhost")
    }
}
