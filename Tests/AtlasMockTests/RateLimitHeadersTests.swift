import AtlasMockHTTP
import Foundation
import HTTPTypes
import Testing

@testable import AtlasMock

/// The rate-limit stage through the pipeline: which answers carry `Ratelimit-*` (ATLAS.md §3.1), the opt-in 429,
/// and the other headers recorded on Atlas's answers.
@Suite struct RateLimitHeadersTests {
    static let group = "/api/atlas/v2/groups/\(TestData.projectId)"
    static let flexAccept = "application/vnd.atlas.2024-11-13+json"
    static let flexSnapshots = group + "/flexClusters/Flex0/backup/snapshots"

    static func atlas(_ mode: RateLimitMode = .headers, auth: AtlasConfiguration.AuthMode = .strict) -> FakeAtlas {
        TestData.atlas {
            $0.clock = .frozen(TestData.now)
            $0.rateLimits = mode
            $0.authMode = auth
        }
    }

    static func read(_ atlas: FakeAtlas, _ target: String, accept: String = Self.flexAccept) -> HTTPServerResponse {
        atlas.sendDigest(target, user: "reader", password: "reader-secret", accept: accept)
    }

    @Test func successesAndErrorsAfterTheProjectCountDownTheProjectsBucket() throws {
        let atlas = Self.atlas()
        let first = Self.read(atlas, Self.flexSnapshots)
        #expect(first.head.status == .ok)
        #expect(first.header("Ratelimit-Limit") == "1200")
        #expect(first.header("Ratelimit-Remaining") == "1199")
        // The second answer comes from the response cache and still reports its own count.
        #expect(Self.read(atlas, Self.flexSnapshots).header("Ratelimit-Remaining") == "1198")
        // A recorded 400 on a Flex backup path carries them, in the same bucket as the snapshots.
        let nonFlex = Self.read(atlas, Self.group + "/flexClusters/Cluster0/backup/snapshots")
        #expect(nonFlex.head.status.code == 400)
        #expect(nonFlex.header("Ratelimit-Remaining") == "1197")
        #expect(nonFlex.header("Vary") == "Accept-Encoding")
        // Restore jobs are another endpoint set; tenant operations have sets of their own.
        #expect(
            Self.read(atlas, Self.group + "/flexClusters/Flex0/backup/restoreJobs").header("Ratelimit-Remaining")
                == "1199")
        let tenant = Self.read(
            atlas, Self.group + "/clusters/Cluster0/backup/tenant/restores",
            accept: "application/vnd.atlas.2023-01-01+json")
        #expect(tenant.header("Ratelimit-Limit") == "1200")
        #expect(tenant.header("Ratelimit-Remaining") == "1199")
    }

    @Test func theChallengeAndUnknownProjectsCarryNone() {
        let atlas = Self.atlas()
        let challenge = atlas.send(Self.flexSnapshots, headers: [.accept: Self.flexAccept])
        #expect(challenge.head.status == .unauthorized)
        #expect(challenge.header("Ratelimit-Limit") == nil && challenge.header("Ratelimit-Remaining") == nil)
        let unknown = Self.read(
            atlas, "/api/atlas/v2/groups/111111111111111111111111/flexClusters/Flex0/backup/snapshots")
        #expect(unknown.head.status.code == 404)
        #expect(unknown.header("X-Error-Code") == "GROUP_NOT_FOUND")
        #expect(unknown.header("Ratelimit-Limit") == nil)
        #expect(unknown.header("Vary") == "Accept-Encoding")
        #expect(Self.read(atlas, Self.flexSnapshots).header("Ratelimit-Remaining") == "1199")
    }

    @Test func offSendsNoRateLimitHeaders() {
        let response = Self.read(Self.atlas(.off), Self.flexSnapshots)
        #expect(response.head.status == .ok)
        #expect(response.header("Ratelimit-Limit") == nil)
    }

    @Test func enforceAnswers429WhenTheBucketIsEmptyUntilTheNextRefill() throws {
        let atlas = Self.atlas(.enforce, auth: .off)
        for _ in 0..<1200 {
            #expect(atlas.send(Self.flexSnapshots, headers: [.accept: Self.flexAccept]).head.status == .ok)
        }
        atlas.clock.advance(by: 15)
        let limited = atlas.send(Self.flexSnapshots, headers: [.accept: Self.flexAccept])
        #expect(limited.head.status.code == 429)
        #expect(limited.header("Retry-After") == "45")
        #expect(limited.header("Ratelimit-Limit") == "1200")
        #expect(limited.header("Ratelimit-Remaining") == "0")
        #expect(limited.header("X-Error-Code") == "RATE_LIMITED_TOKEN_BUCKET")
        let path = "api/atlas/v2/groups/\(TestData.projectId)/flexClusters/Flex0/backup/snapshots"
        #expect(
            String(decoding: limited.body, as: UTF8.self)
                == #"{"detail":"Rate limit exceeded for \#(path). Please retry after 45 seconds. Request capacity: 1200. Refill rate: 500 per 60 seconds.","error":429,"errorCode":"RATE_LIMITED_TOKEN_BUCKET","parameters":["\#(path)",45,1200,500,60],"reason":"Too Many Requests"}"#
        )
        atlas.clock.advance(by: 45)
        let refilled = atlas.send(Self.flexSnapshots, headers: [.accept: Self.flexAccept])
        #expect(refilled.head.status == .ok)
        #expect(refilled.header("Ratelimit-Remaining") == "499")
        // A reset fills every bucket again.
        #expect(
            atlas.respondAdmin(
                to: HTTPServerRequest(
                    head: HTTPRequest(method: .post, scheme: nil, authority: "localhost", path: "/__admin/reset"),
                    body: [], remoteAddress: "127.0.0.1", remotePort: 1, version: .http1_1)
            ).head.status == .ok)
        #expect(
            atlas.send(Self.flexSnapshots, headers: [.accept: Self.flexAccept]).header("Ratelimit-Remaining") == "1199")
    }

    /// The token endpoint's 200 (and revoke's) carry the front end's security headers, as its 401 always did.
    @Test(arguments: ["/api/oauth/token", "/api/oauth/revoke"])
    func tokenEndpointAnswersCarryTheSecurityHeaders(path: String) {
        let atlas = Self.atlas()
        let basic = "Basic " + Data("mdb_sa_id_test:mdb_sa_sk_test".utf8).base64EncodedString()
        let response = atlas.send(
            path, method: .post, headers: [.authorization: basic, .contentType: "application/x-www-form-urlencoded"],
            body: Array((path.hasSuffix("token") ? "grant_type=client_credentials" : "token=abc").utf8))
        #expect(response.head.status == .ok)
        for (name, value) in ResponseRenderer.commonHeaders.map({ ($0.name.rawName, $0.value) }) {
            #expect(response.header(name) == value, "\(name)")
        }
    }
}
