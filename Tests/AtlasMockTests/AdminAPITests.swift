import AtlasMockHTTP
import AtlasMockTestSupport
import Foundation
import HTTPTypes
import Testing

@testable import AtlasMock

@Suite struct AdminAPITests {
    @Test func healthAnswersOK() async {
        let response = await TestSupport.admin(TestSupport.defaultAtlas(), .get, "/__admin/health")
        #expect(response?.head.status.code == 200)
        #expect(TestSupport.text(response) == "{\"status\":\"ok\"}\n")
    }

    @Test func adminTokenIsRequiredWhenConfigured() async {
        let atlas = TestSupport.defaultAtlas { $0.adminToken = "s3cret" }
        let denied = await TestSupport.admin(atlas, .get, "/__admin/state")
        #expect(denied?.head.status.code == 401)
        #expect(TestSupport.json(denied)["error"] as? String == "the admin API needs the header Authorization: Bearer <admin token>")
        let allowed = await TestSupport.admin(atlas, .get, "/__admin/state", headers: [.authorization: "Bearer s3cret"])
        #expect(allowed?.head.status.code == 200)
        #expect(await TestSupport.admin(atlas, .get, "/__admin/health")?.head.status.code == 200)
    }

    @Test func unknownRoutesAndMethodsArePlainJSONErrors() async {
        let atlas = TestSupport.defaultAtlas()
        let missing = await TestSupport.admin(atlas, .get, "/__admin/nope")
        #expect(missing?.head.status.code == 404)
        #expect(TestSupport.json(missing)["error"] as? String == "no admin route GET /__admin/nope (see the README's admin API section)")
        let wrongMethod = await TestSupport.admin(atlas, .delete, "/__admin/health")
        #expect(wrongMethod?.head.status.code == 405)
        #expect(wrongMethod?.head.headerFields[.allow] == "GET")
    }

    @Test func postedFixturesAddToTheDataAndAreServed() async throws {
        let atlas = TestSupport.defaultAtlas()
        let body = #"{"clusters":[{"projectId":"32b6e34b3d91647abb20e7b8","name":"Added0","tier":"M5"}],"tenantRestoreJobs":[{"id":"6937a1c5bbbbbbbbbbbbbbbb","projectId":"32b6e34b3d91647abb20e7b8","clusterName":"Added0","snapshotId":"69363f305f2a974a83589f46","status":"RUNNING"}]}"#
        let response = await TestSupport.admin(atlas, .post, "/__admin/fixtures", body: body)
        #expect(response?.head.status.code == 200)
        let added = try #require(TestSupport.json(response)["added"] as? [String: Int])
        #expect(added["clusters"] == 1 && added["tenantRestoreJobs"] == 1)
        let list = TestSupport.json(await TestSupport.digestResponse(atlas, Atlas.restores("Added0")))
        #expect(list["totalCount"] as? Int == 1)
    }

    @Test func rejectedFixturesListEveryErrorAndChangeNothing() async throws {
        let atlas = TestSupport.defaultAtlas()
        let before = atlas.store.dataset
        let body = #"{"clusters":[{"projectId":"32b6e34b3d91647abb20e7b8","name":"Cluster0","tier":"M2"},{"projectId":"32b6e34b3d91647abb20e7b8","name":"Fine0","tier":"M9"}]}"#
        let response = await TestSupport.admin(atlas, .post, "/__admin/fixtures", body: body)
        #expect(response?.head.status.code == 400)
        let json = TestSupport.json(response)
        #expect(json["error"] as? String == "fixtures rejected: 2 errors; nothing was applied")
        let errors = try #require(json["errors"] as? [String])
        #expect(errors.count == 2)
        #expect(errors[1] == "POST /__admin/fixtures: $.clusters[0].name: duplicate cluster \"Cluster0\" in project 32b6e34b3d91647abb20e7b8 (already loaded)")
        #expect(atlas.store.dataset == before)
    }

    @Test func stateRoundTripsThroughPutAfterEmptying() async throws {
        let atlas = TestSupport.defaultAtlas()
        let dump = TestSupport.text(await TestSupport.admin(atlas, .get, "/__admin/state"))
        #expect(await TestSupport.admin(atlas, .put, "/__admin/state", body: "{}")?.head.status.code == 200)
        #expect(atlas.store.dataset == AtlasDataset())
        #expect(await TestSupport.admin(atlas, .put, "/__admin/state", body: dump)?.head.status.code == 200)
        #expect(atlas.store.dataset == Fixtures.default.dataset.normalizedLikeTheStore)
        #expect(atlas.faults.rules == Fixtures.default.faults)
        #expect(TestSupport.text(await TestSupport.admin(atlas, .get, "/__admin/state")) == dump)
    }

    @Test func resetRestoresDataFaultsTokensNoncesJournalAndClock() async throws {
        let atlas = TestSupport.defaultAtlas()
        let token = try #require(TestSupport.json(try await Self.token(atlas))["access_token"] as? String)
        _ = await TestSupport.admin(atlas, .put, "/__admin/state", body: "{}")
        _ = await TestSupport.admin(atlas, .delete, "/__admin/faults")
        _ = await TestSupport.admin(atlas, .put, "/__admin/clock", body: #"{"now":"2030-01-01T00:00:00Z","frozen":true}"#)
        #expect(!atlas.journal.entries.isEmpty)
        let nonceChallenge = atlas.respond(to: TestSupport.request(.get, Atlas.restores("Cluster0")))
        #expect(nonceChallenge.head.status.code == 401)

        #expect(await TestSupport.admin(atlas, .post, "/__admin/reset")?.head.status.code == 200)
        #expect(atlas.store.dataset == Fixtures.default.dataset.normalizedLikeTheStore)
        #expect(atlas.faults.rules == Fixtures.default.faults)
        #expect(atlas.journal.entries.isEmpty)
        #expect(atlas.tokens.clientId(for: token) == nil)
        #expect(atlas.clock.currentMode == .running(offset: 0))
        let nonce = try #require(
            nonceChallenge.head.headerFields[.wwwAuthenticate]?.components(separatedBy: "nonce=\"").last?.prefix(32))
        #expect(atlas.nonces.use(String(nonce), count: 1) == .unknown)
    }

    static func token(_ atlas: FakeAtlas) async throws -> HTTPServerResponse? {
        let basic = Data("mdb_sa_id_mock:mdb_sa_sk_mock".utf8).base64EncodedString()
        return await TestSupport.response(
            atlas,
            TestSupport.request(
                .post, "/api/oauth/token", headers: [.authorization: "Basic " + basic], body: "grant_type=client_credentials"))
    }
}

extension AtlasDataset {
    /// The order `AtlasStore.dataset` reports, to compare a loaded dataset with what the store serves.
    var normalizedLikeTheStore: AtlasDataset { AtlasState(self).dataset }
}
