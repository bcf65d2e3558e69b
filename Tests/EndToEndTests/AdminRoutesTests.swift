import AtlasMockTestSupport
import Foundation
import Testing

/// The `/__admin/` routes through the live server with curl, as an integration suite would drive them.
@Suite("Admin routes over the wire", .timeLimit(.minutes(1)))
struct AdminRoutesTests {
    /// The record kinds the admin API counts when it loads data, in the order its answers list them.
    private static let recordKinds = [
        "apiKeys", "clusters", "faults", "organizations", "projects", "serviceAccounts", "tenantRestoreJobs",
        "tenantSnapshots",
    ]

    /// The body of an admin answer counting what it loaded, `{"<verb>":{"apiKeys":0,…}}` and a newline: every kind
    /// in key order, 0 unless `counts` says otherwise.
    private static func countsBody(_ verb: String, _ counts: [String: Int] = [:]) -> String {
        precondition(Set(counts.keys).isSubset(of: Self.recordKinds), "unknown kinds in \(counts)")
        let fields = Self.recordKinds.map { #""\#($0)":\#(counts[$0] ?? 0)"# }.joined(separator: ",")
        return #"{"\#(verb)":{\#(fields)}}"# + "\n"
    }

    @Test func healthAnswersOk() async throws {
        try await withAtlasMock { server in
            let health = try await admin("GET", server.url + "/__admin/health")
            #expect(health.status == 200, "\(health)")
            #expect(health.header("Content-Type") == "application/json")
            #expect(health.body == "{\"status\":\"ok\"}\n")

            let wrongMethod = try await admin("DELETE", server.url + "/__admin/health")
            #expect(wrongMethod.status == 405, "\(wrongMethod)")
            #expect(wrongMethod.header("Allow") == "GET")
            #expect(wrongMethod.body == #"{"error":"DELETE is not allowed on /__admin/health; use GET"}"# + "\n")
        }
    }

    @Test func resetForgetsACreatedJob() async throws {
        try await withAtlasMock { server in
            let created = try await Client.curl(
                .http1, "POST", server.url + Atlas.restore("Cluster0"),
                Atlas.ownerKey + [
                    "--header", Atlas.tenantAccept, "--header", "Content-Type: application/json", "--data",
                    #"{"snapshotId":"\#(Atlas.cluster0Snapshot)","targetDeploymentItemName":"Dedicated0"}"#,
                ])
            #expect(created.status == 200, "\(created)")
            let id = try #require(try created.json()["id"] as? String)
            let job = server.url + Atlas.restores("Cluster0") + "/" + id
            let before = try await tenantGet(job)
            #expect(before.status == 200, "\(before)")

            let reset = try await admin("POST", server.url + "/__admin/reset")
            #expect(reset.status == 200, "\(reset)")
            #expect(reset.body == "{\"status\":\"reset\"}\n")

            let after = try await tenantGet(job)
            expectAtlasError(
                after, status: 404,
                body: #"{"detail":"No M2/M5 restore with ID \#(id) exists for cluster Cluster0.","error":404,"errorCode":"TENANT_RESTORE_NOT_FOUND","parameters":["\#(id)","Cluster0"],"reason":"Not Found"}"#,
                deprecated: true)
            let list = try await tenantGet(server.url + Atlas.restores("Cluster0"))
            #expect(try list.json()["totalCount"] as? Int == 6)
        }
    }

    @Test func fixturesAreAddedOrRejectedWithEveryError() async throws {
        try await withAtlasMock { server in
            let added = try await admin(
                "POST", server.url + "/__admin/fixtures",
                #"{"clusters":[{"projectId":"\#(Atlas.projectId)","name":"Extra0","tier":"M5"}]}"#)
            #expect(added.status == 200, "\(added)")
            #expect(added.header("Content-Type") == "application/json")
            #expect(added.body == Self.countsBody("added", ["clusters": 1]))
            let list = try await tenantGet(server.url + Atlas.restores("Extra0"))
            #expect(list.status == 200, "\(list)")
            #expect(try list.json()["totalCount"] as? Int == 0)

            let rejected = try await admin(
                "POST", server.url + "/__admin/fixtures",
                #"{"clusters":[{"projectId":"\#(Atlas.projectId)","name":"Extra1","tier":"M9"},{"projectId":"aaaaaaaaaaaaaaaaaaaaaaaa","name":"X","tier":"M2"}]}"#
            )
            #expect(rejected.status == 400, "\(rejected)")
            let json = try rejected.json()
            #expect(json["error"] as? String == "fixtures rejected: 2 errors; nothing was applied")
            let errors = try #require(json["errors"] as? [String])
            #expect(errors.count == 2)
            #expect(errors.first?.hasPrefix(#"POST /__admin/fixtures: $.clusters[0].tier: "M9" is not a tier"#) == true)
            #expect(errors.last == #"POST /__admin/fixtures: $.clusters[1].projectId: project "aaaaaaaaaaaaaaaaaaaaaaaa" does not exist"#)
            // Nothing was applied: Extra1 does not exist.
            let missing = try await tenantGet(server.url + Atlas.restores("Extra1"))
            #expect(missing.status == 404, "\(missing)")
        }
    }

    @Test func stateDumpLoadsBack() async throws {
        try await withAtlasMock { server in
            let dump = try await admin("GET", server.url + "/__admin/state")
            #expect(dump.status == 200, "\(dump)")
            let state = try dump.json()
            #expect((state["clusters"] as? [Any])?.count == 8)
            #expect((state["tenantRestoreJobs"] as? [Any])?.count == 8)

            let emptied = try await admin("PUT", server.url + "/__admin/state", "{}")
            #expect(emptied.body == Self.countsBody("loaded"))
            // With no API keys left, the read-only key is refused like any unknown key.
            let refused = try await tenantGet(server.url + Atlas.restores("Cluster0"))
            #expect(refused.status == 401, "\(refused)")

            let loaded = try await admin("PUT", server.url + "/__admin/state", dump.body)
            #expect(loaded.status == 200, "\(loaded)")
            let defaultCounts = [
                "apiKeys": 4, "clusters": 8, "faults": 1, "organizations": 2, "projects": 2, "serviceAccounts": 2,
                "tenantRestoreJobs": 8, "tenantSnapshots": 14,
            ]
            #expect(loaded.body == Self.countsBody("loaded", defaultCounts))
            let again = try await admin("GET", server.url + "/__admin/state")
            #expect(again.body == dump.body)
            let served = try await tenantGet(server.url + Atlas.restores("Cluster0"))
            #expect(served.status == 200, "\(served)")

            let invalid = try await admin("PUT", server.url + "/__admin/state", #"{"clusters":[{"name":"X"}]}"#)
            #expect(invalid.status == 400, "\(invalid)")
        }
    }

    @Test func journalRedactsCredentialsAndFilters() async throws {
        try await withAtlasMock { server in
            let token = try await Client.serviceAccountToken(server.url)
            _ = try await tenantGet(server.url + Atlas.restores("Cluster0") + "?pretty=true")
            _ = try await Client.curl(
                .http1, "GET", server.url + Atlas.restores("Cluster1"),
                ["--header", "Authorization: Bearer \(token)", "--header", Atlas.tenantAccept])
            _ = try await tenantGet(server.url + Atlas.restores("Nope"))

            let all = try await admin("GET", server.url + "/__admin/requests")
            #expect(all.status == 200, "\(all)")
            #expect(!all.body.contains("mock-private-key-0000"))
            #expect(!all.body.contains(token))
            #expect(!all.body.contains("response="))

            let ok = try await admin(
                "GET", server.url + "/__admin/requests?method=get&status=200&pathPrefix=" + Atlas.restores("Cluster0"))
            let entries = try #require(try ok.json()["requests"] as? [[String: Any]], "\(ok)")
            #expect(entries.count == 1, "\(ok)")
            let entry = try #require(entries.first)
            #expect(entry["method"] as? String == "GET")
            #expect(entry["path"] as? String == Atlas.restores("Cluster0"))
            #expect(entry["query"] as? String == "pretty=true")
            #expect(entry["status"] as? Int == 200)
            #expect(entry["principal"] as? String == "apiKey:mockpublic")
            #expect(entry["remoteAddress"] as? String == "127.0.0.1")
            let headers = try #require(entry["headers"] as? [String: String])
            #expect(headers["authorization"] == "Digest <redacted>")
            #expect(headers["accept"] == "application/vnd.atlas.2023-01-01+json")

            let bearer = try await admin("GET", server.url + "/__admin/requests?pathPrefix=" + Atlas.restores("Cluster1"))
            let bearerEntries = try #require(try bearer.json()["requests"] as? [[String: Any]])
            #expect(bearerEntries.count == 1)
            #expect(bearerEntries.first?["principal"] as? String == "serviceAccount:mdb_sa_id_mock")
            #expect((bearerEntries.first?["headers"] as? [String: String])?["authorization"] == "Bearer <redacted>")

            // One challenge per Digest request (the Bearer one needs none), and one 404.
            let challenges = try await admin("GET", server.url + "/__admin/requests?status=401")
            #expect((try challenges.json()["requests"] as? [Any])?.count == 2, "\(challenges)")
            let notFound = try await admin("GET", server.url + "/__admin/requests?status=404")
            #expect((try notFound.json()["requests"] as? [Any])?.count == 1, "\(notFound)")

            let bad = try await admin("GET", server.url + "/__admin/requests?status=x")
            #expect(bad.status == 400)
            #expect(bad.body == #"{"error":"status must be an integer, got \"x\""}"# + "\n")

            let cleared = try await admin("DELETE", server.url + "/__admin/requests")
            #expect(cleared.status == 200)
            let empty = try await admin("GET", server.url + "/__admin/requests")
            #expect(empty.body == "{\"requests\":[]}\n")
        }
    }

    @Test func adminTokenGuardsEverythingButHealth() async throws {
        try await withAtlasMock(["--admin-token", "s3cret"]) { server in
            #expect(try await admin("GET", server.url + "/__admin/health").status == 200)
            let refused = try await admin("GET", server.url + "/__admin/state")
            #expect(refused.status == 401, "\(refused)")
            let allowed = try await Client.curl(
                .http1, "GET", server.url + "/__admin/clock", ["--header", "Authorization: Bearer s3cret"])
            #expect(allowed.status == 200, "\(allowed)")
        }
    }
}
