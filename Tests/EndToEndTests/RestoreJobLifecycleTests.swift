import AtlasMockTestSupport
import Foundation
import Testing

/// A restore job from creation to COMPLETED through the live server, with the clock moved by the admin API, and
/// the same job seen through the tenant and the Flex API (the migration path).
@Suite("Restore job lifecycle over the wire", .timeLimit(.minutes(1)))
struct RestoreJobLifecycleTests {
    /// A frozen clock before the sunset, so every status is decided by the admin clock alone.
    private static let arguments = ["--clock", "2026-01-20T00:00:00Z", "--freeze-clock"]

    private func create(_ server: AtlasMockProcess, cluster: String, snapshot: String) async throws -> ClientResponse {
        try await Client.curl(
            .http1, "POST", server.url + Atlas.restore(cluster),
            Atlas.ownerKey + [
                "--header", Atlas.tenantAccept, "--header", "Content-Type: application/json", "--data",
                #"{"snapshotId":"\#(snapshot)","targetDeploymentItemName":"Dedicated0"}"#,
            ])
    }

    @Test func restoreIntoDedicatedCompletesWhenTheClockMoves() async throws {
        try await withAtlasMock(Self.arguments) { server in
            let created = try await self.create(server, cluster: "Cluster0", snapshot: Atlas.cluster0Snapshot)
            #expect(created.status == 200, "\(created)")
            #expect(created.header("Content-Type") == Atlas.tenantContentType)
            let job = try created.json()
            let id = try #require(job["id"] as? String)
            #expect(id.wholeMatch(of: #/[a-f0-9]{24}/#) != nil)
            let jobURL = server.url + Atlas.restores("Cluster0") + "/" + id
            #expect(
                created.body
                    == #"{"clusterName":"Cluster0","deliveryType":"RESTORE","expirationDate":"2026-01-20T06:00:00Z","id":"\#(id)","links":[{"href":"\#(jobURL)","rel":"self"}],"projectId":"32b6e34b3d91647abb20e7b8","restoreScheduledDate":"2026-01-20T00:00:00Z","snapshotFinishedDate":"2025-12-08T03:01:42Z","snapshotId":"69363f305f2a974a83589f46","status":"PENDING","targetDeploymentItemName":"Dedicated0","targetProjectId":"32b6e34b3d91647abb20e7b8"}"#)

            // A second restore into the same target while the first runs.
            let busy = try await self.create(server, cluster: "Cluster0", snapshot: Atlas.cluster0Snapshot)
            expectAtlasError(
                busy, status: 409,
                body: #"{"detail":"A restore into cluster Dedicated0 is already in progress.","error":409,"errorCode":"ATLAS_CLUSTER_RESTORE_IN_PROGRESS","parameters":["Dedicated0"],"reason":"Conflict"}"#,
                deprecated: true)

            let pending = try await tenantGet(jobURL)
            #expect(try pending.json()["status"] as? String == "PENDING", "\(pending)")

            let moved = try await admin("PUT", server.url + "/__admin/clock", #"{"advanceSeconds":60}"#)
            #expect(moved.body == #"{"frozen":true,"now":"2026-01-20T00:01:00Z"}"# + "\n")

            for protocolChoice in [HTTPProtocol.http1, .http2] {
                let done = try await tenantGet(jobURL, protocolChoice)
                #expect(done.status == 200, "\(done)")
                let json = try done.json()
                #expect(json["status"] as? String == "COMPLETED")
                #expect(json["restoreFinishedDate"] as? String == "2026-01-20T00:00:15Z")
            }
            let list = try await tenantGet(server.url + Atlas.restores("Cluster0"))
            let results = try #require(try list.json()["results"] as? [[String: Any]])
            #expect(results.first?["id"] as? String == id)
            #expect(results.count == 7)
        }
    }

    /// A migrated cluster's job is one job: the tenant API creates it, the Flex API shows it under the same id,
    /// and after the sunset only the tenant API is gone.
    @Test func migratedFlexJobIsTheSameThroughBothAPIs() async throws {
        try await withAtlasMock(Self.arguments + ["--enforce-sunset"]) { server in
            let created = try await self.create(server, cluster: "MigratedFlex0", snapshot: Atlas.migratedFlexSnapshot)
            #expect(created.status == 200, "\(created)")
            let id = try #require(try created.json()["id"] as? String)
            let tenantJob = server.url + Atlas.restores("MigratedFlex0") + "/" + id
            let flexJob = server.url + Atlas.flexRestoreJobs("MigratedFlex0") + "/" + id

            _ = try await admin("PUT", server.url + "/__admin/clock", #"{"advanceSeconds":60}"#)
            let tenant = try await tenantGet(tenantJob)
            #expect(tenant.status == 200, "\(tenant)")
            #expect(try tenant.json()["status"] as? String == "COMPLETED")

            let flex = try await Client.curl(.http1, "GET", flexJob, Atlas.readOnlyKey + ["--header", Atlas.flexAccept])
            #expect(flex.status == 200, "\(flex)")
            #expect(flex.header("Content-Type") == "application/vnd.atlas.2024-11-13+json;charset=utf-8")
            #expect(flex.header("Deprecation") == nil)
            #expect(flex.header("Sunset") == nil)
            // Flex items carry instanceName and no links.
            #expect(
                flex.body
                    == #"{"deliveryType":"RESTORE","expirationDate":"2026-01-20T06:00:00Z","id":"\#(id)","instanceName":"MigratedFlex0","projectId":"32b6e34b3d91647abb20e7b8","restoreFinishedDate":"2026-01-20T00:00:15Z","restoreScheduledDate":"2026-01-20T00:00:00Z","snapshotFinishedDate":"2025-12-11T04:01:42Z","snapshotId":"693a41c0b147c7a81d29d2e0","status":"COMPLETED","targetDeploymentItemName":"Dedicated0","targetProjectId":"32b6e34b3d91647abb20e7b8"}"#)

            // Three days on: past 2026-01-22.
            _ = try await admin("PUT", server.url + "/__admin/clock", #"{"advanceSeconds":259200}"#)
            let gone = try await tenantGet(tenantJob)
            #expect(gone.status == 410, "\(gone)")
            #expect(gone.header("X-Error-Code") == "VERSION_GONE")
            for protocolChoice in [HTTPProtocol.http1, .http2] {
                let still = try await Client.curl(
                    protocolChoice, "GET", flexJob, Atlas.readOnlyKey + ["--header", Atlas.flexAccept])
                #expect(still.status == 200, "\(still)")
                #expect(still.body == flex.body)
            }
            // The tenant media type on the Flex API is older than its first version.
            let tooOld = try await tenantGet(flexJob)
            #expect(tooOld.status == 406, "\(tooOld)")
        }
    }
}
