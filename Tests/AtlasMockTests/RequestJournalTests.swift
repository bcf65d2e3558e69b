import AtlasMockHTTP
import AtlasMockTestSupport
import HTTPTypes
import Testing

@testable import AtlasMock

@Suite struct RequestJournalTests {
    @Test func recordsRequestsWithSecretsRedactedAndPrincipalAndStatus() async throws {
        let atlas = TestSupport.defaultAtlas()
        _ = await TestSupport.digestResponse(atlas, Atlas.restores("Cluster0") + "?pretty=true")
        let response = await TestSupport.admin(atlas, .get, "/__admin/requests")
        let entries = try #require(TestSupport.json(response)["requests"] as? [[String: Any]])
        #expect(entries.count == 2)
        let challenged = entries[0]
        #expect(challenged["status"] as? Int == 401)
        #expect(challenged["principal"] == nil)
        #expect(challenged["operation"] == nil)
        let served = entries[1]
        #expect(served["operation"] as? String == "listSharedClusterBackupRestoreJobs")
        #expect(served["method"] as? String == "GET")
        #expect(served["path"] as? String == Atlas.restores("Cluster0"))
        #expect(served["query"] as? String == "pretty=true")
        #expect(served["principal"] as? String == "apiKey:mockpublic")
        #expect(served["status"] as? Int == 200)
        let headers = try #require(served["headers"] as? [String: String])
        #expect(headers["authorization"] == "Digest <redacted>")
        #expect(!TestSupport.text(response).contains("mock-private-key-0000"))
        #expect(!TestSupport.text(response).contains("response=\\\""))
    }

    @Test func cookiesAreRedacted() async throws {
        let atlas = TestSupport.defaultAtlas()
        _ = await TestSupport.response(atlas, TestSupport.request(.get, "/api/atlas/v2/x", headers: [.cookie: "session=abc"]))
        let entries = try #require(TestSupport.json(await TestSupport.admin(atlas, .get, "/__admin/requests"))["requests"] as? [[String: Any]])
        #expect((entries[0]["headers"] as? [String: String])?["cookie"] == "<redacted>")
    }

    @Test func filtersByMethodPathPrefixAndStatus() async throws {
        let atlas = TestSupport.defaultAtlas()
        _ = await TestSupport.digestResponse(atlas, Atlas.restores("Cluster0"))
        _ = await TestSupport.digestResponse(atlas, Atlas.restores("Cluster1"))
        _ = await TestSupport.response(atlas, TestSupport.request(.post, "/api/oauth/token"))
        func count(_ query: String) async -> Int {
            (TestSupport.json(await TestSupport.admin(atlas, .get, "/__admin/requests?" + query))["requests"] as? [Any])?.count ?? -1
        }
        #expect(await count("method=post") == 1)
        #expect(await count("status=200") == 2)
        #expect(await count("pathPrefix=" + Atlas.restores("Cluster1")) == 2)
        #expect(await count("method=GET&status=401&pathPrefix=/api/atlas/v2/groups/") == 2)
        #expect(await TestSupport.admin(atlas, .get, "/__admin/requests?status=ok")?.head.status.code == 400)
    }

    @Test func isBoundedAndClearable() async throws {
        let atlas = TestSupport.defaultAtlas { $0.journalCapacity = 3 }
        for index in 0..<5 {
            _ = await TestSupport.response(atlas, TestSupport.request(.get, "/api/atlas/v2/n\(index)"))
        }
        #expect(atlas.journal.entries.map(\.path) == ["/api/atlas/v2/n2", "/api/atlas/v2/n3", "/api/atlas/v2/n4"])
        #expect(await TestSupport.admin(atlas, .delete, "/__admin/requests")?.head.status.code == 200)
        #expect(atlas.journal.entries.isEmpty)
    }

    @Test func adminRequestsAreNotJournaled() async {
        let atlas = TestSupport.defaultAtlas()
        _ = await TestSupport.admin(atlas, .get, "/__admin/health")
        #expect(atlas.journal.entries.isEmpty)
    }
}
