import AtlasMockHTTP
import AtlasMockTestSupport
import Dispatch
import Foundation
import HTTPTypes
import Synchronization

@testable import AtlasMock

/// Requests handed to the fake Atlas in process, no sockets, the way the transport delivers them: every helper
/// goes through `FakeAtlas.handle`, so admin routes, fault injection (delays included) and the journal all apply.
enum TestSupport {
    /// A request as the HTTP/1.1 transport builds it (no scheme; the `Host` authority).
    static func request(
        _ method: HTTPRequest.Method, _ target: String, headers: HTTPFields = [:], body: String = "",
        remoteAddress: String = "127.0.0.1"
    ) -> HTTPServerRequest {
        HTTPServerRequest(
            head: HTTPRequest(
                method: method, scheme: nil, authority: "localhost:8080", path: target, headerFields: headers),
            body: Array(body.utf8), remoteAddress: remoteAddress, remotePort: 50_000, version: .http1_1)
    }

    /// The reply to `request`, whenever the handler gives it.
    static func reply(_ atlas: FakeAtlas, _ request: HTTPServerRequest) async -> HTTPServerReply {
        await withCheckedContinuation { continuation in
            atlas.handle(request) { continuation.resume(returning: $0) }
        }
    }

    /// The response to `request`; nil when the handler dropped the connection instead.
    static func response(_ atlas: FakeAtlas, _ request: HTTPServerRequest) async -> HTTPServerResponse? {
        guard case .response(let response) = await Self.reply(atlas, request) else { return nil }
        return response
    }

    /// The Digest handshake a real client does: unauthenticated first, then, when challenged, the signed retry;
    /// the reply to the last request.
    static func digest(
        _ atlas: FakeAtlas, _ method: HTTPRequest.Method = .get, _ target: String, user: String, password: String,
        accept: String = Atlas.tenantMediaType, body: String = "", remoteAddress: String = "127.0.0.1"
    ) async -> HTTPServerReply {
        let first = Self.request(method, target, headers: [.accept: accept], body: body, remoteAddress: remoteAddress)
        let challenge = await Self.reply(atlas, first)
        guard let signed = Self.signed(first, answering: challenge, user: user, password: password) else {
            return challenge
        }
        return await Self.reply(atlas, signed)
    }

    static func digestResponse(
        _ atlas: FakeAtlas, _ target: String, user: String = Atlas.readOnly.user,
        password: String = Atlas.readOnly.password, remoteAddress: String = "127.0.0.1"
    ) async -> HTTPServerResponse? {
        let reply = await Self.digest(atlas, .get, target, user: user, password: password, remoteAddress: remoteAddress)
        guard case .response(let response) = reply else { return nil }
        return response
    }

    static func admin(
        _ atlas: FakeAtlas, _ method: HTTPRequest.Method, _ target: String, body: String = "", headers: HTTPFields = [:]
    ) async -> HTTPServerResponse? {
        await Self.response(atlas, Self.request(method, target, headers: headers, body: body))
    }

    /// `request` again with the Digest `Authorization` for the nonce of `challenge`; nil unless it is a 401
    /// challenge.
    static func signed(
        _ request: HTTPServerRequest, answering challenge: HTTPServerReply, user: String, password: String
    ) -> HTTPServerRequest? {
        guard case .response(let response) = challenge, response.head.status == .unauthorized,
            let nonce = response.head.headerFields[.wwwAuthenticate].flatMap(DigestClient.nonce(in:))
        else { return nil }
        var head = request.head
        head.headerFields[.authorization] = DigestClient.authorization(
            method: request.head.method.rawValue, uri: request.target, user: user, password: password, nonce: nonce)
        return HTTPServerRequest(
            head: head, body: request.body, remoteAddress: request.remoteAddress, remotePort: request.remotePort,
            version: request.version)
    }

    static func json(_ response: HTTPServerResponse?) -> [String: Any] {
        guard let response, let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        else { return [:] }
        return object
    }

    static func text(_ response: HTTPServerResponse?) -> String {
        response.map { String(decoding: $0.body, as: UTF8.self) } ?? ""
    }

    static func defaultAtlas(_ configure: (inout AtlasConfiguration) -> Void = { _ in }) -> FakeAtlas {
        var configuration = AtlasConfiguration()
        configure(&configuration)
        return FakeAtlas(configuration: configuration, fixtures: .default)
    }
}

extension FakeAtlas {
    /// `TestSupport`'s path for synchronous tests: one request through `handle`, waiting for the response (at once
    /// unless a fault delays it). A dropped connection is a failed precondition here; tests that expect one use
    /// `TestSupport.reply`.
    func send(
        _ target: String, method: HTTPRequest.Method = .get, headers: HTTPFields = [:], body: [UInt8] = [],
        remoteAddress: String = "127.0.0.1"
    ) -> HTTPServerResponse {
        var request = TestSupport.request(method, target, headers: headers, remoteAddress: remoteAddress)
        request.body = body
        return self.waitForResponse(to: request)
    }

    /// The Digest handshake of `TestSupport.digest`, synchronously.
    func sendDigest(
        _ target: String, method: HTTPRequest.Method = .get, user: String, password: String,
        accept: String = Atlas.tenantMediaType, body: String? = nil, remoteAddress: String = "127.0.0.1"
    ) -> HTTPServerResponse {
        let first = TestSupport.request(
            method, target, headers: [.accept: accept], body: body ?? "", remoteAddress: remoteAddress)
        let challenge = self.waitForResponse(to: first)
        guard let signed = TestSupport.signed(first, answering: .response(challenge), user: user, password: password)
        else { return challenge }
        return self.waitForResponse(to: signed)
    }

    private func waitForResponse(to request: HTTPServerRequest) -> HTTPServerResponse {
        let answered = DispatchSemaphore(value: 0)
        let reply = Mutex<HTTPServerReply?>(nil)
        self.handle(request) { answer in
            reply.withLock { $0 = answer }
            answered.signal()
        }
        answered.wait()
        guard case .response(let response)? = reply.withLock({ $0 }) else {
            preconditionFailure("\(request.target): the connection was dropped; use TestSupport.reply")
        }
        return response
    }
}

extension HTTPServerResponse {
    var text: String { String(decoding: self.body, as: UTF8.self) }

    func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(self.body)) as? [String: Any] ?? [:]
    }

    /// A field as a client receives it: from the head, else from `appendedFields` (where `Ratelimit-*` go).
    func header(_ name: String) -> String? {
        let name = HTTPField.Name(name)!
        return self.head.headerFields[name] ?? self.appendedFields.first { $0.name == name }?.value
    }
}
