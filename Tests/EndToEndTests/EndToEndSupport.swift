import AtlasMockTestSupport
import Testing

/// Checks every part of an Atlas error a user sees: status, `Content-Type`, `X-Error-Code`, `Content-Length`
/// and the exact compact body.
func expectAtlasError(
    _ response: ClientResponse, status: Int, body: String, deprecated: Bool,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response.exitCode == 0, "\(response)", sourceLocation: sourceLocation)
    #expect(response.status == status, "\(response)", sourceLocation: sourceLocation)
    #expect(response.body == body, "\(response)", sourceLocation: sourceLocation)
    #expect(response.header("Content-Type") == "application/json", "\(response)", sourceLocation: sourceLocation)
    #expect(response.header("Content-Length") == String(body.utf8.count), "\(response)", sourceLocation: sourceLocation)
    let code = body.firstMatch(of: #/"errorCode":"([A-Z_]+)"/#).map { String($0.1) }
    #expect(response.header("X-Error-Code") == code, "\(response)", sourceLocation: sourceLocation)
    #expect(
        response.header("Deprecation") == (deprecated ? Atlas.deprecation : nil), "\(response)",
        sourceLocation: sourceLocation)
    #expect(
        response.header("Sunset") == (deprecated ? Atlas.sunset : nil), "\(response)", sourceLocation: sourceLocation)
}

/// Posts JSON to an admin route with curl (HTTP/1.1) and returns the response.
func admin(_ method: String, _ url: String, _ json: String? = nil) async throws -> ClientResponse {
    try await Client.curl(
        .http1, method, url, json.map { ["--header", "Content-Type: application/json", "--data", $0] } ?? [])
}

/// `GET url` with the read-only API key and the tenant API's media type (over HTTP/1.1 unless told): how these
/// tests read the default dataset's tenant-backup resources.
func tenantGet(_ url: String, _ protocolChoice: HTTPProtocol = .http1) async throws -> ClientResponse {
    try await Client.curl(protocolChoice, "GET", url, Atlas.readOnlyKey + ["--header", Atlas.tenantAccept])
}

/// Test arguments read as the protocol's name (`HTTP/2 by h2c upgrade`).
extension HTTPProtocol: CustomTestStringConvertible {
    package var testDescription: String { self.rawValue }
}
