import AtlasMockHTTP
import AtlasMockTestSupport
import Foundation
import HTTPTypes
import Testing

@testable import AtlasMock

/// Repeated reads are answered from `ResponseCache`; these pin that a cached answer never outlives what it showed.
@Suite struct ResponseCacheTests {
    let restores = Atlas.restores("Cluster0")

    func atlas() -> FakeAtlas {
        TestData.atlas(jobCount: 3) { $0.clock = .frozen(TestData.now) }
    }

    func list(_ atlas: FakeAtlas, _ query: String = "", user: String = "owner") -> HTTPServerResponse {
        atlas.sendDigest(self.restores + query, user: user, password: "\(user)-secret")
    }

    func statuses(_ response: HTTPServerResponse) throws -> [String] {
        let results = try #require(try response.json()["results"] as? [[String: Any]])
        return results.map { $0["status"] as? String ?? "?" }
    }

    @Test func aRepeatedListIsTheSameUntilAJobIsCreatedThenFollowsItsTimeline() throws {
        let atlas = self.atlas()
        let first = self.list(atlas)
        #expect(first.head.status.code == 200)
        #expect(self.list(atlas).body == first.body)
        #expect(try self.statuses(first).count == 3)

        let created = atlas.sendDigest(
            String(self.restores.dropLast("s".count)), method: .post, user: "owner",
            password: "owner-secret",
            body: #"{"snapshotId":"65c000000000000000000001","targetDeploymentItemName":"Target0"}"#)
        #expect(created.head.status.code == 200)
        #expect(try self.statuses(self.list(atlas)) == ["PENDING", "COMPLETED", "COMPLETED", "COMPLETED"])
        atlas.clock.advance(by: 2)
        #expect(try self.statuses(self.list(atlas)).first == "QUEUED")
        atlas.clock.advance(by: 3)
        #expect(try self.statuses(self.list(atlas)).first == "RUNNING")
        atlas.clock.advance(by: 10)
        let settled = self.list(atlas)
        #expect(try self.statuses(settled).first == "COMPLETED")
        #expect(self.list(atlas).body == settled.body)

        _ = atlas.respondAdmin(to: TestSupport.request(.post, "/__admin/reset"))
        #expect(try self.statuses(self.list(atlas)).count == 3)
    }

    @Test func queryAndCallerEachGetTheirOwnAnswer() throws {
        let atlas = self.atlas()
        let compact = self.list(atlas)
        let pretty = self.list(atlas, "?pretty=true")
        #expect(pretty.body != compact.body)
        #expect(TestSupport.text(pretty).hasPrefix("{\n  \"links\" : [ {"))
        let paged = self.list(atlas, "?itemsPerPage=1")
        #expect(try self.statuses(paged).count == 1)

        #expect(self.list(atlas, user: "reader").head.status.code == 200)
        let refused = self.list(atlas, user: "norole")
        #expect(refused.head.status.code == 401)
        #expect(refused.head.headerFields[HTTPField.Name("X-Error-Code")!] == "USER_UNAUTHORIZED")
    }

    @Test func replacedDataIsServedAtOnce() throws {
        let atlas = self.atlas()
        #expect(self.list(atlas, user: "reader").head.status.code == 200)
        var dataset = TestData.dataset(jobCount: 1)
        dataset.apiKeys = dataset.apiKeys.map { key in
            var key = key
            if key.publicKey == "reader" { key.roles = RoleAssignments(orgRoles: ["ORG_MEMBER"], projectRoles: [:]) }
            return key
        }
        atlas.store.replace(with: dataset)
        #expect(self.list(atlas, user: "reader").head.status.code == 401)
        #expect(try self.statuses(self.list(atlas)).count == 1)
    }
}
