import AtlasMockHTTP
import HTTPTypes

/// One route of the admin API: where it lives and what answers it.
struct AdminRoute: Routable {
    let method: HTTPRequest.Method
    let path: String
    let run: @Sendable (AdminRequest) throws(AdminFailure) -> HTTPServerResponse

    init(
        _ method: HTTPRequest.Method, _ path: String,
        _ run: @escaping @Sendable (AdminRequest) throws(AdminFailure) -> HTTPServerResponse
    ) {
        self.method = method
        self.path = "/__admin" + path
        self.run = run
    }
}

/// An admin request with its path parameters.
struct AdminRequest {
    let request: HTTPServerRequest
    let parameters: [String: String]

    var body: [UInt8] { self.request.body }

    func query() throws(AdminFailure) -> QueryParameters {
        do {
            return try QueryParameters(rawQuery: self.request.rawQuery)
        } catch {
            throw AdminFailure.badRequest("the query string is not valid percent-encoding")
        }
    }
}

extension HTTPServerResponse {
    /// An admin answer: JSON and a final newline, for humans using curl.
    static func adminJSON(_ status: Int, _ body: JSONValue, style: JSONWriter.Style = .compact) -> HTTPServerResponse {
        HTTPServerResponse(
            status: HTTPResponse.Status(code: status), headerFields: [.contentType: "application/json"],
            body: JSONWriter.encode(body, style: style) + [UInt8(ascii: "\n")])
    }
}
