import AtlasMockHTTP
import HTTPTypes

/// The render stage: successful results become Atlas's versioned JSON, and — the one place this happens —
/// every `AtlasFailure` becomes its documented response.
struct ResponseRenderer: Sendable {
    let authenticator: Authenticator

    func success(
        _ result: OperationResult, version: APIVersion, envelope: Bool, exchange: AtlasExchange
    ) -> HTTPServerResponse {
        var fields = Self.commonHeaders
        fields[.contentType] = version.contentType
        fields.append(contentsOf: exchange.deprecationHeaders)
        let body: JSONValue
        switch result.body {
        case .response(var response):
            // The front end's headers go on every answer, also those an operation built whole (the token endpoint).
            for field in Self.commonHeaders where response.head.headerFields[field.name] == nil {
                response.head.headerFields.append(field)
            }
            return response
        case .empty: return HTTPServerResponse(status: result.status, headerFields: fields)
        case .entity(let entity):
            body = envelope ? .object(["content": entity, "status": .int(result.status.code)]) : entity
        case .list(var members):
            if envelope { members["status"] = .int(result.status.code) }
            body = .object(members)
        }
        return HTTPServerResponse(
            status: result.status, headerFields: fields, body: JSONWriter.encode(body, style: exchange.style))
    }

    func failure(_ failure: AtlasFailure, exchange: AtlasExchange) -> HTTPServerResponse {
        self.failure(
            failure, style: exchange.style,
            extraHeaders: exchange.deprecationHeaders
                + RateLimiter.Reading.headers(for: exchange.rateLimit, failure: failure))
    }

    /// A success with the `Ratelimit-*` headers of the request's bucket, when it was charged to one.
    func metered(_ response: HTTPServerResponse, exchange: AtlasExchange) -> HTTPServerResponse {
        guard let reading = exchange.rateLimit else { return response }
        var metered = response
        // Beside the head, not in it: the head is often a cached answer's, shared, and its storage stays uncopied.
        // Nothing earlier appends fields, so the reading's array is taken as it is rather than copied onto.
        if metered.appendedFields.isEmpty {
            metered.appendedFields = reading.headers
        } else {
            metered.appendedFields += reading.headers
        }
        return metered
    }

    /// The one place a failure becomes an HTTP response.
    func failure(
        _ failure: AtlasFailure, style: JSONWriter.Style = .compact, extraHeaders: [HTTPField] = []
    ) -> HTTPServerResponse {
        var fields = Self.commonHeaders
        fields.append(contentsOf: extraHeaders)
        switch failure {
        case .api(let code, let parameters, let headers):
            fields[.contentType] = "application/json"
            // Recorded on Atlas's error answers (its front end compresses them on request).
            fields[.vary] = "Accept-Encoding"
            fields[.xErrorCode] = code.rawValue
            fields.append(contentsOf: headers)
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
    static let commonHeaders: HTTPFields = [
        HTTPField.Name("Strict-Transport-Security")!: "max-age=31536000; includeSubdomains;",
        HTTPField.Name("Referrer-Policy")!: "strict-origin-when-cross-origin",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("X-Frame-Options")!: "DENY",
        HTTPField.Name("X-Permitted-Cross-Domain-Policies")!: "none",
    ]
}
