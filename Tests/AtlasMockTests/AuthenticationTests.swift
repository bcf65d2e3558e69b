import AtlasMockHTTP
import AtlasMockTestSupport
import Foundation
import HTTPTypes
import Testing

@testable import AtlasMock

@Suite("Digest and OAuth authentication")
struct AuthenticationTests {
    let path = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/Cluster0/backup/tenant/restores"
    let accept: HTTPFields = [.accept: "application/vnd.atlas.2023-01-01+json"]

    @Test func md5MatchesRFC1321Vectors() {
        #expect(MD5.hex("") == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(MD5.hex("abc") == "900150983cd24fb0d6963f7d28e17f72")
        #expect(MD5.hex("message digest") == "f96b697d7cb7938d525a2f31aaf161d0")
        #expect(
            MD5.hex("12345678901234567890123456789012345678901234567890123456789012345678901234567890")
                == "57edf4a22be3c955ac49da2e2107b67a")
    }

    @Test func challengeIsAtlasByteForByte() throws {
        let response = TestData.atlas().send(self.path, headers: self.accept)
        #expect(response.head.status.code == 401)
        let header = try #require(response.header("WWW-Authenticate"))
        let nonce = try #require(DigestClient.nonce(in: header))
        #expect(
            header
                == "Digest realm=\"MMS Public API\", domain=\"\", nonce=\"\(nonce)\", algorithm=MD5, qop=\"auth\", stale=false")
        #expect(nonce.count == 32)
        #expect(nonce.allSatisfy { $0.isLetter && $0.isASCII || $0.isNumber || $0 == "+" || $0 == "/" })
        #expect(
            response.text == "{\n  \"error\" : 401,\n  \"reason\" : \"Unauthorized\",\n  \"detail\" : \"You are not authorized for this resource.\"\n}")
        #expect(response.body.count == 106)
        #expect(response.header("Content-Type") == "application/json")
        #expect(response.header("X-Error-Code") == nil)
    }

    @Test func everyChallengeHasAFreshNonce() {
        let atlas = TestData.atlas()
        let first = atlas.send(self.path).header("WWW-Authenticate")
        let second = atlas.send(self.path).header("WWW-Authenticate")
        #expect(first != second)
    }

    @Test func wrongPasswordGetsTheSameChallenge() {
        let response = TestData.atlas().sendDigest(self.path, user: "reader", password: "wrong")
        #expect(response.head.status.code == 401)
        #expect(response.header("WWW-Authenticate")?.hasSuffix("stale=false") == true)
        #expect(response.body == ResponseRenderer.challengeBody)
    }

    @Test func unknownUserGetsTheChallenge() {
        #expect(TestData.atlas().sendDigest(self.path, user: "ghost", password: "x").head.status.code == 401)
    }

    @Test func replayedNonceCountIsRefusedButTheNextCountWorks() throws {
        let atlas = TestData.atlas()
        let nonce = try #require(DigestClient.nonce(in: atlas.send(self.path).header("WWW-Authenticate") ?? ""))
        func send(nc: Int) -> Int {
            let authorization = DigestClient.authorization(
                method: "GET", uri: self.path, user: "reader", password: "reader-secret", nonce: nonce, nc: nc)
            var headers = self.accept
            headers[.authorization] = authorization
            return atlas.send(self.path, headers: headers).head.status.code
        }
        #expect(send(nc: 1) == 200)
        #expect(send(nc: 1) == 401)
        #expect(send(nc: 2) == 200)
    }

    @Test func expiredNonceIsStale() throws {
        let atlas = TestData.atlas { $0.clock = .frozen(Date(timeIntervalSince1970: 1_800_000_000)) }
        let nonce = try #require(DigestClient.nonce(in: atlas.send(self.path).header("WWW-Authenticate") ?? ""))
        atlas.clock.advance(by: 301)
        var headers = self.accept
        headers[.authorization] = DigestClient.authorization(
            method: "GET", uri: self.path, user: "reader", password: "reader-secret", nonce: nonce, nc: 1)
        let response = atlas.send(self.path, headers: headers)
        #expect(response.head.status.code == 401)
        #expect(response.header("WWW-Authenticate")?.hasSuffix("stale=true") == true)
    }

    @Test func nonceFromAnotherRunIsRefused() {
        let other = TestData.atlas()
        let nonce = DigestClient.nonce(in: other.send(self.path).header("WWW-Authenticate") ?? "")!
        var headers = self.accept
        headers[.authorization] = DigestClient.authorization(
            method: "GET", uri: self.path, user: "reader", password: "reader-secret", nonce: nonce, nc: 1)
        #expect(TestData.atlas().send(self.path, headers: headers).head.status.code == 401)
    }

    @Test func uriMustBeTheRequestTarget() throws {
        let atlas = TestData.atlas()
        let nonce = try #require(DigestClient.nonce(in: atlas.send(self.path).header("WWW-Authenticate") ?? ""))
        var headers = self.accept
        headers[.authorization] = DigestClient.authorization(
            method: "GET", uri: self.path + "?pretty=true", user: "reader", password: "reader-secret", nonce: nonce, nc: 1)
        #expect(atlas.send(self.path, headers: headers).head.status.code == 401)
    }

    @Test(arguments: [
        "Digest", "Digest ", "Digest username=", "Digest username=\"a", "Basic cmVhZGVyOnJlYWRlci1zZWNyZXQ=",
        "Bearer", "Bearer forged.token.value", "Digest username=\"reader\", username=\"reader\"", "\u{0}",
    ])
    func malformedAuthorizationIsTheChallenge(authorization: String) {
        var headers = self.accept
        headers[.authorization] = authorization
        let response = TestData.atlas().send(self.path, headers: headers)
        #expect(response.head.status.code == 401)
        #expect(response.body == ResponseRenderer.challengeBody)
    }

    /// Found by `DigestFuzzer`: a quoted-pair let a control character (here NUL) into a parameter that a bare
    /// one could not reach, so a parsed username did not survive being written back and parsed again.
    @Test(arguments: ["\\\u{0}", "\\\u{1F}", "\\\u{7F}", "\\\r"])
    func escapedControlCharactersAreRejectedLikeBareOnes(escape: String) {
        let parameters =
            "username=\"a\\\"b\(escape)Q\", realm=\"MMS Public API\", nonce=\"n\", uri=\"/a?b=c\", response=\"r\""
        #expect(DigestCredentials(headerValue: parameters[...]) == nil)
        // Escaped quotes and backslashes still work.
        let escaped = DigestCredentials(headerValue: #"username="a\\b\"", realm=r, nonce=n, uri="/", response=x"#)
        #expect(escaped?.username == #"a\b""#)
    }

    func token(_ atlas: FakeAtlas, client: String = "mdb_sa_id_test", secret: String = "mdb_sa_sk_test", body: String = "grant_type=client_credentials")
        -> HTTPServerResponse
    {
        let basic = Data("\(client):\(secret)".utf8).base64EncodedString()
        return atlas.send(
            "/api/oauth/token", method: .post,
            headers: [.authorization: "Basic \(basic)", .contentType: "application/x-www-form-urlencoded"],
            body: Array(body.utf8))
    }

    @Test func bearerTokensFromClientCredentialsWork() throws {
        let atlas = TestData.atlas()
        let issued = self.token(atlas)
        #expect(issued.head.status.code == 200)
        let json = try issued.json()
        #expect(json["expires_in"] as? Int == 3600)
        #expect(json["token_type"] as? String == "Bearer")
        let token = try #require(json["access_token"] as? String)
        #expect(token.split(separator: ".").count == 3)
        var headers = self.accept
        headers[.authorization] = "Bearer \(token)"
        #expect(atlas.send(self.path, headers: headers).head.status.code == 200)
        #expect(atlas.send(self.path, headers: headers).head.status.code == 200)
        // Truncated or altered tokens never pass.
        headers[.authorization] = "Bearer \(token.dropLast())"
        #expect(atlas.send(self.path, headers: headers).head.status.code == 401)
    }

    /// RFC 9110 §11.1: the scheme is case-insensitive, for Bearer and Digest alike; other schemes never pass.
    @Test func authSchemesAreCaseInsensitive() throws {
        let atlas = TestData.atlas()
        let token = try #require(try self.token(atlas).json()["access_token"] as? String)
        var headers = self.accept
        for scheme in ["bearer", "BEARER", "bEaReR"] {
            headers[.authorization] = "\(scheme) \(token)"
            #expect(atlas.send(self.path, headers: headers).head.status.code == 200, "\(scheme)")
        }
        headers[.authorization] = "Bearers \(token)"
        #expect(atlas.send(self.path, headers: headers).head.status.code == 401)
        let nonce = try #require(DigestClient.nonce(in: atlas.send(self.path).header("WWW-Authenticate") ?? ""))
        let digest = DigestClient.authorization(
            method: "GET", uri: self.path, user: "reader", password: "reader-secret", nonce: nonce, nc: 1)
        #expect(digest.hasPrefix("Digest "))
        headers[.authorization] = "DIGEST " + digest.dropFirst("Digest ".count)
        #expect(atlas.send(self.path, headers: headers).head.status.code == 200)
    }

    @Test func tokensExpireAfterAnHourOnTheServerClock() throws {
        let atlas = TestData.atlas()
        let token = try #require(try self.token(atlas).json()["access_token"] as? String)
        var headers = self.accept
        headers[.authorization] = "Bearer \(token)"
        atlas.clock.advance(by: 3599)
        #expect(atlas.send(self.path, headers: headers).head.status.code == 200)
        atlas.clock.advance(by: 1)
        #expect(atlas.send(self.path, headers: headers).head.status.code == 401)
    }

    @Test func revokedTokensStopWorking() throws {
        let atlas = TestData.atlas()
        let token = try #require(try self.token(atlas).json()["access_token"] as? String)
        let basic = Data("mdb_sa_id_test:mdb_sa_sk_test".utf8).base64EncodedString()
        let revoke = atlas.send(
            "/api/oauth/revoke", method: .post, headers: [.authorization: "Basic \(basic)"],
            body: Array("token=\(token)&token_type_hint=access_token".utf8))
        #expect(revoke.head.status.code == 200)
        #expect(revoke.body.isEmpty)
        var headers = self.accept
        headers[.authorization] = "Bearer \(token)"
        #expect(atlas.send(self.path, headers: headers).head.status.code == 401)
    }

    @Test func oauthErrorsUseOAuthShape() {
        let atlas = TestData.atlas()
        let badSecret = self.token(atlas, secret: "nope")
        #expect(badSecret.head.status.code == 401)
        #expect(badSecret.text == #"{"error_description":"Invalid credentials provided.","error":"invalid_client"}"#)
        let badGrant = self.token(atlas, body: "grant_type=password")
        #expect(badGrant.head.status.code == 400)
        #expect(badGrant.text.contains(#""error":"unsupported_grant_type""#))
        let noGrant = self.token(atlas, body: "")
        #expect(noGrant.head.status.code == 400)
        #expect(noGrant.text.contains(#""error":"invalid_request""#))
        let get = atlas.send("/api/oauth/token")
        #expect(get.head.status.code == 405)
    }
}
