import AtlasMockHTTP
import Foundation
import HTTPTypes

@testable import AtlasMock

/// Shared helpers: requests built the way the transport delivers them, and Digest/Bearer clients.
enum TestSupport {
    static let projectId = "32b6e34b3d91647abb20e7b8"
    static let otherProjectId = "6a1f0c9e2b7d4a3c5e8f1b21"
    static let tenantAccept = "application/vnd.atlas.2023-01-01+json"

    static func restoresPath(_ cluster: String, project: String = Self.projectId) -> String {
        "/api/atlas/v2/groups/\(project)/clusters/\(cluster)/backup/tenant/restores"
    }

    static func request(
        _ method: HTTPRequest.Method, _ target: String, headers: HTTPFields = [:], body: String = "",
        remoteAddress: String = "127.0.0.1"
    ) -> HTTPServerRequest {
        HTTPServerRequest(
            head: HTTPRequest(method: method, scheme: "http", authority: "localhost:8080", path: target, headerFields: headers),
            body: Array(body.utf8), remoteAddress: remoteAddress, remotePort: 50_000, version: .http1_1)
    }

    /// Sends the request through the full handler (admin dispatch, faults, journal) and waits for the reply.
    static func send(_ atlas: FakeAtlas, _ request: HTTPServerRequest) async -> HTTPServerReply {
        await withCheckedContinuation { continuation in
            atlas.handle(request) { continuation.resume(returning: $0) }
        }
    }

    static func response(_ atlas: FakeAtlas, _ request: HTTPServerRequest) async -> HTTPServerResponse? {
        guard case .response(let response) = await Self.send(atlas, request) else { return nil }
        return response
    }

    /// The Digest dance a real client does: unauthenticated request, challenge, authenticated retry.
    static func digest(
        _ atlas: FakeAtlas, _ method: HTTPRequest.Method = .get, _ target: String, user: String, password: String,
        body: String = "", remoteAddress: String = "127.0.0.1"
    ) async -> HTTPServerReply {
        let challenge = await Self.response(atlas, Self.request(method, target, body: body, remoteAddress: remoteAddress))
        let header = challenge?.head.headerFields[.wwwAuthenticate] ?? ""
        let nonce = header.components(separatedBy: "nonce=\"").dropFirst().first?.components(separatedBy: "\"").first ?? ""
        let cnonce = "0a4f113b9c8d7e6f"
        let ha1 = MD5.hex("\(user):MMS Public API:\(password)")
        let ha2 = MD5.hex("\(method.rawValue):\(target)")
        let response = MD5.hex("\(ha1):\(nonce):00000001:\(cnonce):auth:\(ha2)")
        let authorization =
            "Digest username=\"\(user)\", realm=\"MMS Public API\", nonce=\"\(nonce)\", uri=\"\(target)\", response=\"\(response)\", algorithm=\"MD5\", qop=auth, nc=00000001, cnonce=\"\(cnonce)\""
        return await Self.send(
            atlas,
            Self.request(
                method, target, headers: [.authorization: authorization, .accept: Self.tenantAccept], body: body,
                remoteAddress: remoteAddress))
    }

    static func digestResponse(
        _ atlas: FakeAtlas, _ target: String, user: String = "mockpublic", password: String = "mock-private-key-0000",
        remoteAddress: String = "127.0.0.1"
    ) async -> HTTPServerResponse? {
        guard case .response(let response) = await Self.digest(atlas, .get, target, user: user, password: password, remoteAddress: remoteAddress)
        else { return nil }
        return response
    }

    static func json(_ response: HTTPServerResponse?) -> [String: Any] {
        guard let response, let object = try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        else { return [:] }
        return object
    }

    static func text(_ response: HTTPServerResponse?) -> String {
        response.map { String(decoding: $0.body, as: UTF8.self) } ?? ""
    }

    static func admin(
        _ atlas: FakeAtlas, _ method: HTTPRequest.Method, _ target: String, body: String = "", headers: HTTPFields = [:]
    ) async -> HTTPServerResponse? {
        await Self.response(atlas, Self.request(method, target, headers: headers, body: body))
    }

    static func defaultAtlas(_ configure: (inout AtlasConfiguration) -> Void = { _ in }) -> FakeAtlas {
        var configuration = AtlasConfiguration()
        configure(&configuration)
        return FakeAtlas(configuration: configuration, fixtures: .default)
    }
}
