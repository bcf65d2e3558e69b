import AtlasMockHTTP
import AtlasMockTestSupport
import Foundation
import HTTPTypes
import Testing

@testable import AtlasMock

@Suite("listSharedClusterBackupRestoreJobs through FakeAtlas")
struct TenantRestoreListTests {
    let path = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/Cluster0/backup/tenant/restores"

    func owner(_ atlas: FakeAtlas, _ target: String, accept: String = "application/vnd.atlas.2023-01-01+json")
        -> HTTPServerResponse
    {
        atlas.sendDigest(target, user: "reader", password: "reader-secret", accept: accept)
    }

    @Test func compactBodyIsByteExact() {
        let atlas = TestData.atlas(jobCount: 1)
        let response = self.owner(atlas, self.path)
        #expect(response.head.status.code == 200)
        #expect(response.header("Content-Type") == "application/vnd.atlas.2023-01-01+json;charset=utf-8")
        let base = "http://localhost:8080" + self.path
        let expected =
            #"{"links":[{"href":"\#(base)?includeCount=true&pageNum=1&itemsPerPage=100","rel":"self"}],"results":[{"clusterName":"Cluster0","deliveryType":"RESTORE","id":"65a000000000000000000000","links":[{"href":"\#(base)/65a000000000000000000000","rel":"self"}],"projectId":"32b6e34b3d91647abb20e7b8","restoreFinishedDate":"2025-11-01T10:05:00Z","restoreScheduledDate":"2025-11-01T10:00:00Z","snapshotFinishedDate":"2025-10-31T23:00:00Z","snapshotId":"65b000000000000000000001","status":"COMPLETED","targetDeploymentItemName":"Target0","targetProjectId":"32b6e34b3d91647abb20e7b8"}],"totalCount":1}"#
        #expect(response.text == expected)
    }

    @Test func prettyUsesJacksonLayout() {
        let atlas = TestData.atlas(jobCount: 0)
        let response = self.owner(atlas, self.path + "?pretty=true")
        let base = "http://localhost:8080" + self.path
        #expect(
            response.text == """
                {
                  "links" : [ {
                    "href" : "\(base)?pretty=true&includeCount=true&pageNum=1&itemsPerPage=100",
                    "rel" : "self"
                  } ],
                  "results" : [ ],
                  "totalCount" : 0
                }
                """)
    }

    @Test func envelopeAddsStatus() throws {
        let response = self.owner(TestData.atlas(jobCount: 2), self.path + "?envelope=true")
        let json = try response.json()
        #expect(json["status"] as? Int == 200)
        #expect(json["totalCount"] as? Int == 2)
    }

    @Test func pagesAreNewestFirstWithAtlasLinkOrder() throws {
        let atlas = TestData.atlas(jobCount: 5)
        let response = self.owner(atlas, self.path + "?itemsPerPage=2&pageNum=2")
        let json = try response.json()
        let ids = (json["results"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
        #expect(ids == ["65a000000000000000000002", "65a000000000000000000001"])
        let links = (json["links"] as? [[String: String]]) ?? []
        let base = "http://localhost:8080" + self.path
        #expect(links.map { $0["rel"] } == ["self", "previous", "next"])
        #expect(links[0]["href"] == base + "?includeCount=true&pageNum=2&itemsPerPage=2")
        #expect(links[1]["href"] == base + "?includeCount=true&itemsPerPage=2&pageNum=1")
        #expect(links[2]["href"] == base + "?includeCount=true&itemsPerPage=2&pageNum=3")
        #expect(json["totalCount"] as? Int == 5)
    }

    @Test func includeCountFalseStillSendsZero() throws {
        let json = try self.owner(TestData.atlas(jobCount: 2), self.path + "?includeCount=false").json()
        #expect(json["totalCount"] as? Int == 0)
        #expect((json["results"] as? [Any])?.count == 2)
    }

    @Test func pageBeyondTheEndIsEmpty() throws {
        let json = try self.owner(TestData.atlas(jobCount: 2), self.path + "?pageNum=9").json()
        #expect((json["results"] as? [Any])?.isEmpty == true)
    }

    @Test(arguments: ["pretty=yes", "envelope=1", "includeCount=maybe", "itemsPerPage=0", "itemsPerPage=501", "pageNum=0", "pageNum=x"])
    func badQueryValuesAre400(query: String) throws {
        let response = self.owner(TestData.atlas(), self.path + "?" + query)
        #expect(response.head.status.code == 400)
        let name = String(query.split(separator: "=")[0])
        #expect(
            response.text
                == #"{"detail":"Invalid query parameter \#(name) specified.","error":400,"errorCode":"INVALID_QUERY_PARAMETER","parameters":["\#(name)"],"reason":"Bad Request"}"#)
        #expect(response.header("X-Error-Code") == "INVALID_QUERY_PARAMETER")
    }

    @Test func laterVersionDatesAreServedAsTheFloor() {
        let response = self.owner(TestData.atlas(), self.path, accept: "application/vnd.atlas.2024-05-30+json")
        #expect(response.head.status.code == 200)
        #expect(response.header("Content-Type") == "application/vnd.atlas.2023-01-01+json;charset=utf-8")
    }

    /// Path segments are matched after percent-decoding, literal segments and parameters alike; `+` stays a plus.
    @Test func percentEncodedPathsMatchTheirDecodedRoute() throws {
        let atlas = TestData.atlas()
        let encoded = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/Cluster%30/backup/tenant/restore%73"
        let response = self.owner(atlas, encoded)
        #expect(response.head.status.code == 200)
        // Links echo the target as sent; the jobs are those of Cluster0.
        let results = try #require(try response.json()["results"] as? [[String: Any]])
        let expected = try #require(try self.owner(atlas, self.path).json()["results"] as? [[String: Any]])
        #expect(results.map { $0["id"] as? String } == expected.map { $0["id"] as? String })
        #expect(results.count == 3)
        // `+` is not a space in a path: `Cluster+0` is a name outside the cluster-name pattern.
        let plus = self.owner(atlas, "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/Cluster+0/backup/tenant/restores")
        #expect(plus.head.status.code == 400)
        #expect(String(decoding: plus.body, as: UTF8.self).contains("INVALID_PATH_PARAMETER"))
        #expect(self.owner(atlas, "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/Cluster0/backup/tenant/restores/").head.status.code == 404)
        #expect(self.owner(atlas, "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/%ZZ/backup/tenant/restores").head.status.code == 404)
    }

    /// Accept is a list (RFC 9110 §12.5.1): media types compare case-insensitively, parameters and optional
    /// whitespace are ignored, and the newest Atlas version listed is the one asked for.
    @Test(arguments: [
        "text/plain, application/vnd.atlas.2023-01-01+json;q=0.9", " APPLICATION/VND.ATLAS.2023-01-01+JSON\t",
        "application/vnd.atlas.2022-01-01+json,application/vnd.atlas.2024-05-30+json", "*/*;q=0.1,\tapplication/vnd.atlas.2023-02-28+json",
    ])
    func acceptListsNameTheNewestVersion(accept: String) {
        let response = self.owner(TestData.atlas(), self.path, accept: accept)
        #expect(response.head.status.code == 200)
        #expect(response.header("Content-Type") == "application/vnd.atlas.2023-01-01+json;charset=utf-8")
    }

    @Test(arguments: [
        "application/json", "*/*", "application/vnd.atlas.2022-12-31+json", "application/vnd.atlas.2024-02-30+json",
        "application/vnd.atlas.2023-1-01+json", "application/vnd.atlas.+json", ", ,", "",
    ])
    func missingEarlierOrMalformedVersionsAre406(accept: String) {
        let response = self.owner(TestData.atlas(), self.path, accept: accept)
        #expect(response.head.status.code == 406)
        #expect(
            response.text
                == #"{"detail":"Invalid accept header or version date.","error":406,"errorCode":"INVALID_VERSION_DATE","parameters":[],"reason":"Not Acceptable"}"#)
        #expect(response.header("Content-Type") == "application/json")
    }

    @Test func deprecationHeadersOnSuccessAndErrors() {
        let atlas = TestData.atlas()
        for target in [self.path, self.path.replacingOccurrences(of: "Cluster0", with: "Nope0")] {
            let response = self.owner(atlas, target)
            #expect(response.header("Deprecation") == "Wed, 11 Jun 2025 00:00:00 GMT")
            #expect(response.header("Sunset") == "Thu, 22 Jan 2026 00:00:00 GMT")
        }
    }

    @Test func sunsetEnforcedAnswers410OnceTheClockPassesIt() {
        let atlas = TestData.atlas {
            $0.deprecation.enforceSunset = true
            $0.clock = .frozen(AtlasDate.parse("2026-01-21T23:59:59Z")!)
        }
        #expect(self.owner(atlas, self.path).head.status.code == 200)
        atlas.clock.advance(by: 1)
        let gone = self.owner(atlas, self.path)
        #expect(gone.head.status.code == 410)
        let resource = String(self.path.dropFirst())
        #expect(
            gone.text
                == #"{"detail":"Version 2023-01-01 of \#(resource) is no longer available.","error":410,"errorCode":"VERSION_GONE","parameters":["2023-01-01","\#(resource)"],"reason":"Gone"}"#)
        #expect(gone.header("Sunset") == "Thu, 22 Jan 2026 00:00:00 GMT")
    }

    @Test func sunsetDateMoves() {
        let atlas = TestData.atlas {
            $0.deprecation = DeprecationPolicy(sunset: AtlasDate.parse("2030-01-01T00:00:00Z")!, enforceSunset: true)
        }
        let response = self.owner(atlas, self.path)
        #expect(response.head.status.code == 200)
        #expect(response.header("Sunset") == "Tue, 1 Jan 2030 00:00:00 GMT")
    }

    @Test(arguments: [
        (
            "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b/clusters/Cluster0/backup/tenant/restores", 404,
            #"{"detail":"An invalid group ID 32b6e34b3d91647abb20e7b was specified.","error":404,"errorCode":"INVALID_GROUP_ID","parameters":["32b6e34b3d91647abb20e7b"],"reason":"Not Found"}"#
        ),
        (
            "/api/atlas/v2/groups/111111111111111111111111/clusters/Cluster0/backup/tenant/restores", 404,
            #"{"detail":"No group with ID 111111111111111111111111 exists.","error":404,"errorCode":"GROUP_NOT_FOUND","parameters":["111111111111111111111111"],"reason":"Not Found"}"#
        ),
        (
            "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/Nope0/backup/tenant/restores", 404,
            #"{"detail":"No cluster named Nope0 exists in group 32b6e34b3d91647abb20e7b8.","error":404,"errorCode":"CLUSTER_NOT_FOUND","parameters":["Nope0","32b6e34b3d91647abb20e7b8"],"reason":"Not Found"}"#
        ),
        (
            "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/Flex0/backup/tenant/restores", 400,
            #"{"detail":"Flex cluster Flex0 cannot be used in the Cluster API.","error":400,"errorCode":"CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API","parameters":["Flex0"],"reason":"Bad Request"}"#
        ),
        (
            "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/-bad/backup/tenant/restores", 400,
            #"{"detail":"Invalid path parameter clusterName specified.","error":400,"errorCode":"INVALID_PATH_PARAMETER","parameters":["clusterName"],"reason":"Bad Request"}"#
        ),
        (
            "/api/atlas/v2/groups/6b6e34b3d91647abb20e7b81/clusters/Cluster0/backup/tenant/restores", 401,
            #"{"detail":"The current user is not in the group, or the group does not exist.","error":401,"errorCode":"NOT_IN_GROUP","parameters":[],"reason":"Unauthorized"}"#
        ),
        (
            "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/Cluster0/backup/tenant/nope", 404,
            #"{"detail":"Cannot find resource /api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/Cluster0/backup/tenant/nope.","error":404,"errorCode":"RESOURCE_NOT_FOUND","parameters":["/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8/clusters/Cluster0/backup/tenant/nope"],"reason":"Not Found"}"#
        ),
    ])
    func documentedErrors(target: String, status: Int, body: String) {
        let response = self.owner(TestData.atlas(), target)
        #expect(response.head.status.code == status)
        #expect(response.text == body)
        #expect(response.header("Content-Type") == "application/json")
        let code = (try? JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])?["errorCode"] as? String
        #expect(response.header("X-Error-Code") == code)
    }

    @Test(arguments: ["Dedicated0", "Free0"])
    func clustersWithoutSharedTierBackupsAre400(name: String) throws {
        let response = self.owner(TestData.atlas(), self.path.replacingOccurrences(of: "Cluster0", with: name))
        #expect(response.head.status.code == 400)
        #expect(try response.json()["errorCode"] as? String == "VALIDATION_ERROR")
    }

    @Test func migratedFlexClustersAreServed() {
        let response = self.owner(TestData.atlas(), self.path.replacingOccurrences(of: "Cluster0", with: "Migrated0"))
        #expect(response.head.status.code == 200)
    }

    @Test func missingRoleIsUserUnauthorized() {
        let response = TestData.atlas().sendDigest(self.path, user: "norole", password: "norole-secret")
        #expect(response.head.status.code == 401)
        #expect(
            response.text
                == #"{"detail":"Current user is not authorized to perform this action.","error":401,"errorCode":"USER_UNAUTHORIZED","parameters":[],"reason":"Unauthorized"}"#)
    }

    @Test func accessListExcludingTheClientIs403() {
        let atlas = TestData.atlas()
        let blocked = atlas.sendDigest(self.path, user: "blocked", password: "blocked-secret")
        #expect(blocked.head.status.code == 403)
        #expect(
            blocked.text
                == #"{"detail":"IP address 127.0.0.1 is not allowed to access this resource.","error":403,"errorCode":"IP_ADDRESS_NOT_ON_ACCESS_LIST","parameters":["127.0.0.1"],"reason":"Forbidden"}"#)
        let allowed = atlas.sendDigest(self.path, user: "blocked", password: "blocked-secret", remoteAddress: "203.0.113.7")
        #expect(allowed.head.status.code == 200)
    }

    @Test func wrongMethodIs405WithEmptyBody() {
        let atlas = TestData.atlas()
        let challenge = atlas.send(self.path, method: .delete)
        let nonce = DigestClient.nonce(in: challenge.header("WWW-Authenticate") ?? "")!
        let authorization = DigestClient.authorization(
            method: "DELETE", uri: self.path, user: "reader", password: "reader-secret", nonce: nonce, nc: 1)
        let response = atlas.send(self.path, method: .delete, headers: [.authorization: authorization])
        #expect(response.head.status.code == 405)
        #expect(response.body.isEmpty)
        #expect(response.header("Allow") == "GET,OPTIONS")
        #expect(response.header("Content-Type") == nil)
    }

    @Test func authOffServesEveryone() {
        let atlas = TestData.atlas { $0.authMode = .off }
        let response = atlas.send(self.path, headers: [.accept: "application/vnd.atlas.2023-01-01+json"])
        #expect(response.head.status.code == 200)
    }

    @Test func linksUseTheConfiguredBaseURL() throws {
        let atlas = TestData.atlas { $0.baseURL = "https://cloud.mongodb.com" }
        let json = try self.owner(atlas, self.path).json()
        let href = ((json["links"] as? [[String: String]])?.first?["href"]) ?? ""
        #expect(href.hasPrefix("https://cloud.mongodb.com/api/atlas/v2/groups/"))
    }
}
