import AtlasMockHTTP
import FoundationEssentials
import HTTPTypes

/// The fake Atlas: knows Atlas's API, not sockets. It authenticates, routes, resolves the version, runs the
/// operation and renders the answer, and it is the one place where failures become HTTP responses
/// (`response(for:)`).
public final class FakeAtlas: HTTPHandler {
    let configuration: AtlasConfiguration
    let store: AtlasStore
    let clock: MockClock
    let nonces: NonceRegistry
    let tokens: TokenRegistry
    let admin: AdminState
    private let authenticator: Authenticator
    private let router: Router
    /// `Deprecation`/`Sunset`, formatted once: the dates are fixed for the server's life.
    private let deprecationHeaders: [(String, String)]
    private let responses = ResponseCache()

    public init(configuration: AtlasConfiguration, dataset: AtlasDataset, faults: [FaultRule] = []) {
        self.configuration = configuration
        self.store = AtlasStore(dataset: dataset)
        self.clock = MockClock(configuration.clock)
        self.nonces = NonceRegistry(clock: self.clock, lifetime: configuration.nonceLifetime)
        self.tokens = TokenRegistry(clock: self.clock)
        self.admin = AdminState(faults: faults, journalCapacity: configuration.journalCapacity)
        self.authenticator = Authenticator(
            mode: configuration.authMode, store: self.store, nonces: self.nonces, tokens: self.tokens)
        var router = Router()
        TenantRestoreEndpoints.register(in: &router)
        TenantSnapshotEndpoints.register(in: &router)
        FlexBackupEndpoints.register(in: &router)
        self.router = router
        self.deprecationHeaders = configuration.deprecation.headers
    }

    public func handle(_ request: HTTPServerRequest, reply: @escaping @Sendable (HTTPServerReply) -> Void) throws {
        self.dispatch(request, reply: reply)
    }

    public func responseForFailure(_ error: any Error, request: HTTPServerRequest) -> HTTPServerResponse {
        self.response(for: .api(.unexpectedError), style: .compact, extraHeaders: [])
    }

    /// Answers one request, synchronously; `trace` lets the admin layer see the caller and inject faults.
    func respond(to request: HTTPServerRequest, trace: RequestTrace? = nil) -> HTTPServerResponse {
        let path = request.path
        if path == "/api/oauth/token" || path == "/api/oauth/revoke" {
            return self.respondOAuth(to: request)
        }
        // Headers gathered as the request progresses; once the version of a deprecated operation is known,
        // errors carry `Deprecation`/`Sunset` too.
        var extraHeaders: [(String, String)] = []
        var style = JSONWriter.Style.compact
        do throws(AtlasFailure) {
            let query = try QueryParameters(rawQuery: request.rawQuery)
            style = (try? query.bool("pretty", default: false)) == true ? .pretty : .compact
            let principal = try self.authenticator.authenticate(
                method: request.head.method.rawValue, target: request.target,
                authorization: request.head.headerFields.value(of: .authorization))
            try principal.checkAccessList(request.remoteAddress)
            try trace?.authenticated(as: principal)
            let (operation, parameters) = try self.route(request)
            trace?.operation = operation.name
            let version = try APIVersion.resolve(
                APIVersion.requested(byAccept: request.head.headerFields.value(of: .accept)), available: operation.versions)
            let now = self.clock.now()
            if operation.deprecated {
                extraHeaders += self.deprecationHeaders
                try self.configuration.deprecation.checkAvailable(version: version, path: path, now: now)
            }
            let envelope = try query.bool("envelope", default: false)
            _ = try query.bool("pretty", default: false)
            let baseURL = self.baseURL(for: request)
            let cacheKey = self.cacheKey(for: request, principal: principal, version: version, baseURL: baseURL, now: now)
            if let cacheKey, let cached = self.responses.response(for: cacheKey) { return cached }
            let context = OperationContext(
                request: request, parameters: parameters, query: query, principal: principal,
                now: now, baseURL: baseURL, failsCreatedJobs: trace?.failsCreatedJobs ?? false, atlas: self)
            let result = try operation.run(context)
            let response = self.render(result, version: version, envelope: envelope, style: style, extraHeaders: extraHeaders)
            if let cacheKey { self.responses.store(response, for: cacheKey) }
            return response
        } catch {
            return self.response(for: error, style: style, extraHeaders: extraHeaders)
        }
    }

    private func route(_ request: HTTPServerRequest) throws(AtlasFailure) -> (Operation, [String: String]) {
        // HEAD is answered like GET; the transport drops the body.
        let method = request.head.method == .head ? "GET" : request.head.method.rawValue
        switch self.router.match(method: method, path: request.path) {
        case .operation(let operation, let parameters): return (operation, parameters)
        case .methodNotAllowed(let allowed): throw .methodNotAllowed(allowed: allowed)
        case .notFound: throw .api(.resourceNotFound, .string(String(request.path)))
        }
    }

    /// Where a read's answer may be reused (see `ResponseCache`); nil for writes, and while some job's status
    /// still moves with the clock.
    private func cacheKey(
        for request: HTTPServerRequest, principal: Principal, version: APIVersion, baseURL: String, now: Date
    ) -> ResponseCache.Key? {
        guard request.head.method == .get || request.head.method == .head else { return nil }
        let stamp = self.store.stamp
        guard now >= stamp.settledAt else { return nil }
        return ResponseCache.Key(
            generation: stamp.generation, principal: principal.name, target: request.target, version: version,
            baseURL: baseURL)
    }

    /// Links start with `--base-url` when set, else with the address the client used (`Host`/`:authority`), over
    /// the scheme it used.
    private func baseURL(for request: HTTPServerRequest) -> String {
        if let base = self.configuration.baseURL { return base }
        return (request.overTLS ? "https://" : "http://") + (request.head.authority ?? "localhost")
    }

    private func render(
        _ result: OperationResult, version: APIVersion, envelope: Bool, style: JSONWriter.Style,
        extraHeaders: [(String, String)]
    ) -> HTTPServerResponse {
        let body: JSONValue
        switch result {
        case .entity(let entity):
            body = envelope ? .object(["content": entity, "status": .int(200)]) : entity
        case .list(var members):
            if envelope { members["status"] = .int(200) }
            body = .object(members)
        }
        var fields = Self.commonHeaders
        fields[.contentType] = version.contentType
        for (name, value) in extraHeaders { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return HTTPServerResponse(status: .ok, headerFields: fields, body: JSONWriter.encode(body, style: style))
    }

    /// The one place a failure becomes an HTTP response.
    func response(for failure: AtlasFailure, style: JSONWriter.Style, extraHeaders: [(String, String)]) -> HTTPServerResponse {
        var fields = Self.commonHeaders
        for (name, value) in extraHeaders { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        switch failure {
        case .api(let code, let parameters, let headers):
            fields[.contentType] = "application/json"
            fields[HTTPField.Name("X-Error-Code")!] = code.rawValue
            for (name, value) in headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
            return HTTPServerResponse(
                status: HTTPResponse.Status(code: code.status, reasonPhrase: code.reason), headerFields: fields,
                body: JSONWriter.encode(code.body(parameters), style: style))
        case .authenticationRequired(let stale):
            fields[.contentType] = "application/json"
            fields[.wwwAuthenticate] = self.authenticator.challenge(stale: stale)
            return HTTPServerResponse(status: .unauthorized, headerFields: fields, body: Self.challengeBody)
        case .methodNotAllowed(let allowed):
            fields[.allow] = (allowed + ["OPTIONS"]).joined(separator: ",")
            return HTTPServerResponse(status: .methodNotAllowed, headerFields: fields)
        case .oauth(let status, let error, let description):
            fields[.contentType] = "application/json"
            let body = JSONValue.orderedObject([("error_description", .string(description)), ("error", .string(error))])
            return HTTPServerResponse(
                status: HTTPResponse.Status(code: status, reasonPhrase: AtlasErrorCode.reasonPhrase(for: status)),
                headerFields: fields, body: JSONWriter.encode(body, style: .compact))
        }
    }

    /// Atlas's 401 body: pretty-printed by Jackson, in this order, without `errorCode`.
    static let challengeBody = JSONWriter.encode(
        .orderedObject([
            ("error", .int(401)), ("reason", .string("Unauthorized")),
            ("detail", .string("You are not authorized for this resource.")),
        ]), style: .pretty)

    /// Headers Atlas's front end puts on every response.
    private static let commonHeaders: HTTPFields = [
        HTTPField.Name("Strict-Transport-Security")!: "max-age=31536000; includeSubdomains;",
        HTTPField.Name("Referrer-Policy")!: "strict-origin-when-cross-origin",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("X-Frame-Options")!: "DENY",
        HTTPField.Name("X-Permitted-Cross-Domain-Policies")!: "none",
    ]
}
