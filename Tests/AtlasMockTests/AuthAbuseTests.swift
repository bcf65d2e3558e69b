import AtlasMockHTTP
import AtlasMockTestSupport
import Foundation
import Testing

@testable import AtlasMock

/// Attempts to get past authentication on a live server, over a socket: every one must end in Atlas's documented
/// 401 (the Digest challenge, byte for byte apart from the nonce, and the pretty-printed body), never a pass.
@Suite("Authentication abuse over a live server", .serialized, .timeLimit(.minutes(1)))
struct AuthAbuseTests {
    static let path = Atlas.restores("Cluster0")
    static let accept = ("Accept", Atlas.tenantMediaType)

    /// A live server on port 0 with a frozen clock, stopped when `body` returns or throws.
    func withLiveServer<T>(_ body: (AtlasMockServer, Int) throws -> T) throws -> T {
        try withLiveAtlas(configure: { $0.clock = .frozen(Date(timeIntervalSince1970: 1_796_000_000)) }, body)
    }

    /// The documented 401: exact header shape, fresh nonce, exact body.
    func expectChallenge(_ response: RawResponse, stale: Bool = false, _ comment: Comment? = nil) throws {
        #expect(response.status == 401, comment)
        let header = try #require(response.header("WWW-Authenticate"), comment)
        let shape = try Regex(
            #"Digest realm="MMS Public API", domain="", nonce="[A-Za-z0-9+/]{32}", algorithm=MD5, qop="auth", stale="#
                + (stale ? "true" : "false"))
        #expect(header.wholeMatch(of: shape) != nil, "\(header) \(comment.map { "\($0)" } ?? "")")
        #expect(response.body == ResponseRenderer.challengeBody, comment)
        #expect(response.header("Content-Type") == "application/json", comment)
    }

    func nonce(_ port: Int) throws -> String {
        let challenge = try RawHTTPClient.send(port: port, "GET", Self.path, headers: [Self.accept])
        return try #require(DigestClient.nonce(in: challenge.header("WWW-Authenticate") ?? ""))
    }

    func digest(
        _ port: Int, nonce: String, nc: Int, uri: String = Self.path, target: String = Self.path,
        user: String = "mockpublic", password: String = "mock-private-key-0000"
    ) throws -> RawResponse {
        let authorization = DigestClient.authorization(
            method: "GET", uri: uri, user: user, password: password, nonce: nonce, nc: nc)
        return try RawHTTPClient.send(port: port, "GET", target, headers: [Self.accept, ("Authorization", authorization)])
    }

    func token(_ port: Int) throws -> String {
        let response = try RawHTTPClient.oauth(port: port, "token", body: "grant_type=client_credentials")
        #expect(response.status == 200)
        return try #require(response.json()["access_token"] as? String)
    }

    func bearer(_ port: Int, _ token: String) throws -> RawResponse {
        try RawHTTPClient.send(port: port, "GET", Self.path, headers: [Self.accept, ("Authorization", "Bearer \(token)")])
    }

    // MARK: Digest

    @Test func replayedNonceCountIsRefusedAndLaterCountsStillWork() throws {
        try self.withLiveServer { _, port in
            let nonce = try self.nonce(port)
            #expect(try self.digest(port, nonce: nonce, nc: 1).status == 200)
            try self.expectChallenge(try self.digest(port, nonce: nonce, nc: 1), "same nc again")
            #expect(try self.digest(port, nonce: nonce, nc: 3).status == 200)
            try self.expectChallenge(try self.digest(port, nonce: nonce, nc: 2), "an older nc")
            try self.expectChallenge(try self.digest(port, nonce: nonce, nc: 0), "nc zero")
        }
    }

    @Test func nonceFromAnotherServerRunIsUnknown() throws {
        let foreign = try self.withLiveServer { _, port in try self.nonce(port) }
        try self.withLiveServer { _, port in
            try self.expectChallenge(try self.digest(port, nonce: foreign, nc: 1))
        }
    }

    @Test func nonceFromBeforeAResetIsUnknown() throws {
        try self.withLiveServer { _, port in
            let nonce = try self.nonce(port)
            #expect(try RawHTTPClient.send(port: port, "POST", "/__admin/reset").status == 200)
            try self.expectChallenge(try self.digest(port, nonce: nonce, nc: 1))
        }
    }

    @Test func expiredNonceIsStaleOnlyForACorrectResponse() throws {
        try self.withLiveServer { _, port in
            let nonce = try self.nonce(port)
            #expect(try RawHTTPClient.send(port: port, "PUT", "/__admin/clock", body: #"{"advanceSeconds": 301}"#).status == 200)
            try self.expectChallenge(try self.digest(port, nonce: nonce, nc: 1), stale: true)
            try self.expectChallenge(try self.digest(port, nonce: nonce, nc: 2, password: "wrong"), stale: false)
        }
    }

    /// The signed `uri` must be the request target: a response captured for one path does not open another.
    @Test(arguments: [
        Atlas.restores("Cluster1"),
        Self.path + "?pretty=true",
        Self.path + "/",
        "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/Cluster0/backup/tenant/../tenant/restores",
    ])
    func digestURIDifferentFromTheTargetIsRefused(_ target: String) throws {
        try self.withLiveServer { _, port in
            try self.expectChallenge(try self.digest(port, nonce: try self.nonce(port), nc: 1, target: target))
            // And the other way round: signed for the other path, sent to the real one.
            try self.expectChallenge(try self.digest(port, nonce: try self.nonce(port), nc: 1, uri: target))
        }
    }

    @Test func wrongKeyAndUnknownUserAreRefused() throws {
        try self.withLiveServer { _, port in
            try self.expectChallenge(try self.digest(port, nonce: try self.nonce(port), nc: 1, password: "guess"))
            try self.expectChallenge(try self.digest(port, nonce: try self.nonce(port), nc: 1, user: "ghost"))
            try self.expectChallenge(
                try self.digest(port, nonce: try self.nonce(port), nc: 1, user: "mockowner", password: "mock-private-key-0000"))
        }
    }

    // MARK: Bearer

    @Test func expiredTokenIsRefused() throws {
        try self.withLiveServer { _, port in
            let token = try self.token(port)
            #expect(try self.bearer(port, token).status == 200)
            #expect(try RawHTTPClient.send(port: port, "PUT", "/__admin/clock", body: #"{"advanceSeconds": 3600}"#).status == 200)
            try self.expectChallenge(try self.bearer(port, token))
        }
    }

    @Test func revokedTokenIsRefused() throws {
        try self.withLiveServer { _, port in
            let token = try self.token(port)
            let revoked = try RawHTTPClient.oauth(port: port, "revoke", body: "token=\(token)")
            #expect(revoked.status == 200)
            try self.expectChallenge(try self.bearer(port, token))
        }
    }

    @Test func tokenIssuedBeforeAResetIsRefused() throws {
        try self.withLiveServer { _, port in
            let token = try self.token(port)
            #expect(try RawHTTPClient.send(port: port, "POST", "/__admin/reset").status == 200)
            try self.expectChallenge(try self.bearer(port, token))
            #expect(try self.bearer(port, try self.token(port)).status == 200)
        }
    }

    @Test func forgedAndTruncatedTokensAreRefused() throws {
        try self.withLiveServer { _, port in
            let token = try self.token(port)
            let parts = token.split(separator: ".").map(String.init)
            let forgedPayload = Data(#"{"sub":"mdb_sa_id_mock","exp":9999999999}"#.utf8).base64EncodedString()
            let flipped = String(token.dropLast()) + (token.last == "A" ? "B" : "A")
            let forgeries = [
                String(token.dropLast()), String(token.prefix(20)), flipped, token + "x", token.uppercased(),
                parts[0] + "." + forgedPayload + "." + parts[2], parts[0] + "." + parts[1] + ".", parts[0], "",
                " " + token + "x", token.replacingOccurrences(of: ".", with: ""),
            ]
            for forged in forgeries {
                try self.expectChallenge(try self.bearer(port, forged), "\(forged.prefix(40))")
            }
            #expect(try self.bearer(port, token).status == 200)
        }
    }

    // MARK: Malformed headers

    @Test func malformedAuthorizationHeadersGetTheChallenge() throws {
        try self.withLiveServer { _, port in
            let nonce = try self.nonce(port)
            let good = DigestClient.authorization(
                method: "GET", uri: Self.path, user: "mockpublic", password: "mock-private-key-0000", nonce: nonce, nc: 1)
            let headers = [
                "Digest", "Digest ", "Digest username=", "Digest username=\"mockpublic", "Digest ,,,,",
                "Basic " + Data("mockpublic:mock-private-key-0000".utf8).base64EncodedString(),
                "Bearer", "Bearer ", "Negotiate abc", "digest", String(repeating: "A", count: 4000),
                good.replacingOccurrences(of: "qop=auth", with: "qop=auth-int"),
                good.replacingOccurrences(of: "algorithm=\"MD5\"", with: "algorithm=\"SHA-256\""),
                good.replacingOccurrences(of: "realm=\"MMS Public API\"", with: "realm=\"Other\""),
                good.replacingOccurrences(of: ", nc=00000001", with: ""),
                good.replacingOccurrences(of: "nc=00000001", with: "nc=1"),
                good.replacingOccurrences(of: ", cnonce=\"0a4f113b0a4f113b\"", with: ""),
                good + ", nonce=\"\(nonce)\"",
                good.replacingOccurrences(of: "username=\"mockpublic\"", with: "username=\"mockpublic\\\"\""),
            ]
            for header in headers {
                let response = try RawHTTPClient.send(port: port, "GET", Self.path, headers: [Self.accept, ("Authorization", header)])
                try self.expectChallenge(response, "\(header.prefix(60))")
            }
            // None of the above used up the nonce: the genuine header still passes.
            #expect(try RawHTTPClient.send(port: port, "GET", Self.path, headers: [Self.accept, ("Authorization", good)]).status == 200)
        }
    }
}
