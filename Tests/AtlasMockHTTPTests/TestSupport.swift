import AtlasMockTestSupport
import Dispatch
import Foundation
import HTTPTypes
import Testing

@testable import AtlasMockHTTP

/// Answers by path, so each test can ask for the behaviour it needs:
/// `/echo` returns the body, `/delay/<ms>` answers later, `/throw` throws, `/drop` drops the connection,
/// `/big/<bytes>` returns a large body, `/empty` is 204, `/appended` carries `appendedFields` (one of them a field
/// the transport owns); anything else describes the request.
struct RoutingTestHandler: HTTPHandler {
    struct Failure: Error {}

    func handle(_ request: HTTPServerRequest, reply: @escaping @Sendable (HTTPServerReply) -> Void) throws {
        let parts = request.path.split(separator: "/")
        switch parts.first {
        case "echo":
            reply(
                .response(
                    HTTPServerResponse(
                        status: .ok, headerFields: [.contentType: "application/octet-stream"],
                        body: request.body)))
        case "delay":
            let millis = Int(parts.last ?? "") ?? 0
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(millis)) {
                reply(.response(HTTPServerResponse(status: .ok, body: Array("delayed \(millis)".utf8))))
            }
        case "throw":
            throw Failure()
        case "drop":
            reply(.dropConnection)
        case "big":
            let size = Int(parts.last ?? "") ?? 0
            reply(.response(HTTPServerResponse(status: .ok, body: [UInt8](repeating: UInt8(ascii: "x"), count: size))))
        case "empty":
            reply(.response(HTTPServerResponse(status: .noContent)))
        case "appended":
            reply(.response(appendedFieldsResponse))
        default:
            let text =
                "\(request.head.method.rawValue) \(request.target) \(request.version.rawValue) "
                + "\(request.head.authority ?? "-") \(request.body.count)"
            reply(
                .response(
                    HTTPServerResponse(
                        status: .ok, headerFields: [.contentType: "text/plain"],
                        body: Array(text.utf8))))
        }
    }

    func responseForFailure(_ error: any Error, request: HTTPServerRequest) -> HTTPServerResponse {
        HTTPServerResponse(status: .internalServerError, body: Array("handler failed".utf8))
    }
}

/// A server for `RoutingTestHandler` on `host` port 0 with `configure` applied, always shut down after `body`.
func withServer<Result>(
    host: String = "127.0.0.1", configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: (HTTPServer, BoundAddress) async throws -> Result
) async throws -> Result {
    try await withHTTPServer(RoutingTestHandler(), host: host, configure: configure, body)
}

/// A `withServer` server and one raw client connected to it, for tests that talk over a single connection.
func withClient<Result>(
    host: String = "127.0.0.1", configure: (inout ServerConfiguration) -> Void = { _ in },
    _ body: (RawHTTPClient, HTTPServer) async throws -> Result
) async throws -> Result {
    try await withServer(host: host, configure: configure) { server, address in
        try await body(try RawHTTPClient(address), server)
    }
}

/// Reads the answer to a request the server refuses: exactly `status` with `message` as its plain-text body and
/// `Connection: close`, then the close itself (after a framing error the connection cannot be trusted).
func expectRefusalThenClose(
    _ client: RawHTTPClient, status: Int, message: String, _ comment: Comment? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let response = try client.readResponse()
    #expect(response.status == status, comment, sourceLocation: sourceLocation)
    #expect(response.text == message, comment, sourceLocation: sourceLocation)
    #expect(response.header("Connection") == "close", comment, sourceLocation: sourceLocation)
    #expect(response.header("Content-Type") == "text/plain; charset=utf-8", comment, sourceLocation: sourceLocation)
    #expect(response.header("Content-Length") == "\(message.utf8.count)", comment, sourceLocation: sourceLocation)
    #expect(try client.readsEOF(), comment, sourceLocation: sourceLocation)
}

/// Sends `request` on a connection of its own and half-closes it at once: the whole answer must still come, and
/// then the server's close.
func expectAnswerAfterHalfClose(
    _ address: BoundAddress, _ request: String, text: String, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let client = try RawHTTPClient(address)
    try client.send(request)
    client.shutdownWrite()
    #expect(try client.readResponse().text == text, sourceLocation: sourceLocation)
    #expect(try client.readsEOF(), sourceLocation: sourceLocation)
}

/// Both loopback families: every live test runs on each.
let loopbackHosts = ["127.0.0.1", "::1"]

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: Double = 5, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// A head with one field, `appendedFields` with two more and a `Content-Length` that lies (the transport's own wins).
let appendedFieldsResponse: HTTPServerResponse = {
    var response = HTTPServerResponse(status: .ok, headerFields: [.contentType: "text/plain"], body: Array("ok".utf8))
    response.appendedFields = [
        HTTPField(name: HTTPField.Name("X-Count")!, value: "7"), HTTPField(name: .contentLength, value: "999"),
        HTTPField(name: HTTPField.Name("X-Left")!, value: "3"),
    ]
    return response
}()
