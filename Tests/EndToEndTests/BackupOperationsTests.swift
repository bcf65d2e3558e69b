import AtlasMockTestSupport
import Foundation
import Testing

/// Each of the twelve operations of the tenant-backup spec (six shared-tier, six Flex) against the built binary,
/// over HTTP/1.1 and HTTP/2 prior knowledge: one success with the headers and key fields a client relies on, and
/// one documented error with its exact body. Every protocol gets a server of its own, so the restores and
/// downloads it creates never meet a job of the other run (409 / concurrent download).
@Suite("Backup operations over the wire", .timeLimit(.minutes(1)))
struct BackupOperationsTests {
    /// A frozen clock before the sunset, so the tenant API still answers and created jobs stay PENDING.
    private static let arguments = ["--clock", "2026-01-20T00:00:00Z", "--freeze-clock"]
    private static let flexContentType = "application/vnd.atlas.2024-11-13+json;charset=utf-8"

    private static func tenant(_ cluster: String, _ rest: String) -> String {
        "/api/atlas/v2/groups/\(Atlas.projectId)/clusters/\(cluster)/backup/\(rest)"
    }

    private static func flex(_ cluster: String, _ rest: String) -> String {
        "/api/atlas/v2/groups/\(Atlas.projectId)/flexClusters/\(cluster)/backup/\(rest)"
    }

    @Test(arguments: [HTTPProtocol.http1, .http2])
    func everyOperationSucceedsAndFailsAsDocumented(protocolChoice: HTTPProtocol) async throws {
        try await withAtlasMock(Self.arguments) { server in
            func call(
                _ method: String, _ path: String, flex: Bool, key: [String] = Atlas.readOnlyKey, json: String? = nil
            ) async throws -> ClientResponse {
                var arguments = key + ["--header", flex ? Atlas.flexAccept : Atlas.tenantAccept]
                if let json { arguments += ["--header", "Content-Type: application/json", "--data", json] }
                let response = try await Client.curl(protocolChoice, method, server.url + path, arguments)
                #expect(response.version == protocolChoice.version, "\(response)")
                return response
            }
            /// 200 with the versioned media type; only the tenant API is deprecated. Returns the JSON object.
            func success(_ response: ClientResponse, flex: Bool, sourceLocation: SourceLocation = #_sourceLocation)
                throws -> [String: Any]
            {
                #expect(response.exitCode == 0, "\(response)", sourceLocation: sourceLocation)
                #expect(response.status == 200, "\(response)", sourceLocation: sourceLocation)
                #expect(
                    response.header("Content-Type") == (flex ? Self.flexContentType : Atlas.tenantContentType),
                    "\(response)", sourceLocation: sourceLocation)
                #expect(response.header("Deprecation") == (flex ? nil : Atlas.deprecation), sourceLocation: sourceLocation)
                #expect(response.header("Sunset") == (flex ? nil : Atlas.sunset), sourceLocation: sourceLocation)
                #expect(response.header("X-Error-Code") == nil, sourceLocation: sourceLocation)
                return try response.json()
            }
            func results(_ json: [String: Any]) throws -> [[String: Any]] {
                let results = try #require(json["results"] as? [[String: Any]], "\(json)")
                #expect(json["totalCount"] as? Int == results.count)
                return results
            }
            func selfLink(_ item: [String: Any]) -> String? {
                ((item["links"] as? [[String: Any]])?.first { $0["rel"] as? String == "self" })?["href"] as? String
            }
            func isObjectId(_ value: Any?) -> Bool {
                (value as? String)?.wholeMatch(of: #/[a-f0-9]{24}/#) != nil
            }
            let unknownId = "000000000000000000000000"
            /// The cluster an item belongs to: `clusterName` on the tenant API; `instanceName` on the Flex API, whose
            /// items have neither `clusterName` nor `links`.
            func expectOwner(
                _ item: [String: Any], _ cluster: String, flex: Bool, sourceLocation: SourceLocation = #_sourceLocation
            ) {
                if flex {
                    #expect(item["instanceName"] as? String == cluster, "\(item)", sourceLocation: sourceLocation)
                    #expect(item["clusterName"] == nil, "\(item)", sourceLocation: sourceLocation)
                    #expect(item["links"] == nil, "\(item)", sourceLocation: sourceLocation)
                } else {
                    #expect(item["clusterName"] as? String == cluster, "\(item)", sourceLocation: sourceLocation)
                }
            }
            /// Gets the COMPLETED snapshot `id` from the list at `snapshots`; an id that is not one is 404. Returns it.
            func getSnapshot(_ id: String, in snapshots: String, flex: Bool) async throws -> [String: Any] {
                let snapshot = try success(try await call("GET", "\(snapshots)/\(id)", flex: flex), flex: flex)
                #expect(snapshot["id"] as? String == id)
                #expect(snapshot["status"] as? String == "COMPLETED")
                expectAtlasError(
                    try await call("GET", "\(snapshots)/not-an-id", flex: flex), status: 404,
                    body: #"{"detail":"An invalid snapshot ID not-an-id was specified.","error":404,"errorCode":"INVALID_SNAPSHOT_ID","parameters":["not-an-id"],"reason":"Not Found"}"#,
                    deprecated: !flex)
                return snapshot
            }
            /// Creates a restore job of `snapshot` of `cluster` into `target` at `path` (Project Owner) and checks the
            /// job; the same call without a key is refused. Returns the job.
            func createRestore(
                at path: String, cluster: String, snapshot: String, target: String, flex: Bool
            ) async throws -> [String: Any] {
                let body = #"{"snapshotId":"\#(snapshot)","targetDeploymentItemName":"\#(target)"}"#
                let created = try success(
                    try await call("POST", path, flex: flex, key: Atlas.ownerKey, json: body), flex: flex)
                #expect(isObjectId(created["id"]), "\(created)")
                expectOwner(created, cluster, flex: flex)
                #expect(created["deliveryType"] as? String == "RESTORE")
                #expect(created["snapshotId"] as? String == snapshot)
                #expect(created["status"] as? String == "PENDING")
                #expect(created["targetDeploymentItemName"] as? String == target)
                expectAtlasError(
                    try await call("POST", path, flex: flex, json: body), status: 401,
                    body: #"{"detail":"Current user is not authorized to perform this action.","error":401,"errorCode":"USER_UNAUTHORIZED","parameters":[],"reason":"Unauthorized"}"#,
                    deprecated: !flex)
                return created
            }
            /// Asks for a download of `snapshot` of `cluster` at `path` (Project Owner) and checks the pending job and
            /// its download URL.
            func download(at path: String, cluster: String, snapshot: String, flex: Bool) async throws {
                let download = try success(
                    try await call(
                        "POST", path, flex: flex, key: Atlas.ownerKey, json: #"{"snapshotId":"\#(snapshot)"}"#),
                    flex: flex)
                let downloadId = try #require(download["id"] as? String, "\(download)")
                #expect(isObjectId(downloadId))
                expectOwner(download, cluster, flex: flex)
                #expect(download["deliveryType"] as? String == "DOWNLOAD")
                #expect(download["status"] as? String == "PENDING")
                #expect(
                    download["snapshotUrl"] as? String
                        == "\(server.url)/backup/download/\(downloadId)/\(snapshot).tar.gz")
            }

            // MARK: Shared-tier (tenant) API, deprecated.

            // 1. List snapshots.
            let snapshotList = try await call("GET", Self.tenant("Cluster0", "tenant/snapshots"), flex: false)
            let tenantSnapshots = try results(try success(snapshotList, flex: false))
            #expect(tenantSnapshots.count == 6, "\(snapshotList)")
            let completed = tenantSnapshots.filter { $0["status"] as? String == "COMPLETED" }.compactMap {
                $0["id"] as? String
            }
            let downloadSnapshot = try #require(completed.first, "\(snapshotList)")
            let restoreSnapshot = try #require(completed.last, "\(snapshotList)")
            #expect(downloadSnapshot != restoreSnapshot)
            expectAtlasError(
                try await call("GET", Self.tenant("FlexCluster0", "tenant/snapshots"), flex: false), status: 400,
                body: #"{"detail":"Flex cluster FlexCluster0 cannot be used in the Cluster API.","error":400,"errorCode":"CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API","parameters":["FlexCluster0"],"reason":"Bad Request"}"#,
                deprecated: true)

            // 2. Get one snapshot.
            let tenantSnapshotsPath = Self.tenant("Cluster0", "tenant/snapshots")
            let snapshot = try await getSnapshot(restoreSnapshot, in: tenantSnapshotsPath, flex: false)
            #expect(selfLink(snapshot) == server.url + tenantSnapshotsPath + "/" + restoreSnapshot)

            // 3. List restore jobs.
            let jobList = try await call("GET", Self.tenant("Cluster0", "tenant/restores"), flex: false)
            let tenantJobs = try results(try success(jobList, flex: false))
            #expect(tenantJobs.count == 6, "\(jobList)")
            #expect(tenantJobs.allSatisfy { $0["clusterName"] as? String == "Cluster0" && $0["instanceName"] == nil })
            let downloadJob = try #require(
                tenantJobs.first { $0["deliveryType"] as? String == "DOWNLOAD" }?["id"] as? String, "\(jobList)")
            expectAtlasError(
                try await call("GET", Self.tenant("Nope", "tenant/restores"), flex: false), status: 404,
                body: #"{"detail":"No cluster named Nope exists in group 32b6e34b3d91647abb20e7b8.","error":404,"errorCode":"CLUSTER_NOT_FOUND","parameters":["Nope","32b6e34b3d91647abb20e7b8"],"reason":"Not Found"}"#,
                deprecated: true)

            // 4. Get one restore job.
            let jobPath = Self.tenant("Cluster0", "tenant/restores/\(downloadJob)")
            let job = try success(try await call("GET", jobPath, flex: false), flex: false)
            #expect(job["id"] as? String == downloadJob)
            expectOwner(job, "Cluster0", flex: false)
            #expect(job["deliveryType"] as? String == "DOWNLOAD")
            #expect((job["snapshotUrl"] as? String)?.hasPrefix("https://") == true, "\(job)")
            #expect(selfLink(job) == server.url + jobPath)
            expectAtlasError(
                try await call("GET", Self.tenant("Cluster0", "tenant/restores/\(unknownId)"), flex: false),
                status: 404,
                body: #"{"detail":"No M2/M5 restore with ID 000000000000000000000000 exists for cluster Cluster0.","error":404,"errorCode":"TENANT_RESTORE_NOT_FOUND","parameters":["000000000000000000000000","Cluster0"],"reason":"Not Found"}"#,
                deprecated: true)

            // 5. Create a restore job (Project Owner); Dedicated0 is free, unlike Cluster1.
            let created = try await createRestore(
                at: Self.tenant("Cluster0", "tenant/restore"), cluster: "Cluster0", snapshot: restoreSnapshot,
                target: "Dedicated0", flex: false)
            #expect(
                selfLink(created) == server.url + Self.tenant("Cluster0", "tenant/restores/\(created["id"] as? String ?? "")"))

            // 6. Download a snapshot.
            try await download(
                at: Self.tenant("Cluster0", "tenant/download"), cluster: "Cluster0", snapshot: downloadSnapshot,
                flex: false)
            expectAtlasError(
                try await call(
                    "POST", Self.tenant("Cluster0", "tenant/download"), flex: false, key: Atlas.ownerKey, json: "{}"),
                status: 400,
                body: #"{"detail":"The required attribute snapshotId was not specified.","error":400,"errorCode":"MISSING_ATTRIBUTE","parameters":["snapshotId"],"reason":"Bad Request"}"#,
                deprecated: true)

            // MARK: Flex API: not deprecated, `instanceName` instead of `clusterName`, no `links` on items.

            // 7. List snapshots.
            let flexSnapshotList = try await call("GET", Self.flex("FlexCluster0", "snapshots"), flex: true)
            let flexSnapshots = try results(try success(flexSnapshotList, flex: true))
            #expect(flexSnapshots.allSatisfy { $0["links"] == nil }, "\(flexSnapshotList)")
            let flexCompleted = flexSnapshots.filter { $0["status"] as? String == "COMPLETED" }.compactMap {
                $0["id"] as? String
            }
            #expect(flexCompleted.count == 2, "\(flexSnapshotList)")
            let flexSnapshot = try #require(flexCompleted.first)
            expectAtlasError(
                try await call("GET", Self.flex("Dedicated0", "snapshots"), flex: true), status: 400,
                body: #"{"detail":"Cannot use non-flex cluster Dedicated0 in the flex API.","error":400,"errorCode":"CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API","parameters":["Dedicated0"],"reason":"Bad Request"}"#,
                deprecated: false)

            // 8. Get one snapshot.
            let flexSnapshotItem = try await getSnapshot(
                flexSnapshot, in: Self.flex("FlexCluster0", "snapshots"), flex: true)
            #expect(flexSnapshotItem["links"] == nil)

            // 9. List restore jobs: the migrated cluster's jobs, as Flex items.
            let flexJobList = try await call("GET", Self.flex("MigratedFlex0", "restoreJobs"), flex: true)
            let flexJobs = try results(try success(flexJobList, flex: true))
            #expect(flexJobs.count == 2, "\(flexJobList)")
            #expect(
                flexJobs.allSatisfy {
                    $0["instanceName"] as? String == "MigratedFlex0" && $0["clusterName"] == nil && $0["links"] == nil
                }, "\(flexJobList)")
            let flexJobId = try #require(flexJobs.first?["id"] as? String, "\(flexJobList)")
            expectAtlasError(
                try await call("GET", Self.flex("Cluster0", "restoreJobs"), flex: true), status: 400,
                body: #"{"detail":"Cannot use non-flex cluster Cluster0 in the flex API.","error":400,"errorCode":"CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API","parameters":["Cluster0"],"reason":"Bad Request"}"#,
                deprecated: false)

            // 10. Get one restore job.
            let flexJob = try success(
                try await call("GET", Self.flex("MigratedFlex0", "restoreJobs/\(flexJobId)"), flex: true), flex: true)
            #expect(flexJob["id"] as? String == flexJobId)
            expectOwner(flexJob, "MigratedFlex0", flex: true)
            expectAtlasError(
                try await call("GET", Self.flex("MigratedFlex0", "restoreJobs/not-an-id"), flex: true), status: 404,
                body: #"{"detail":"An invalid restore job ID not-an-id was specified.","error":404,"errorCode":"INVALID_JOB_ID","parameters":["not-an-id"],"reason":"Not Found"}"#,
                deprecated: false)

            // 11. Create a restore job, into a target no other job of this server uses.
            _ = try await createRestore(
                at: Self.flex("FlexCluster0", "restoreJobs"), cluster: "FlexCluster0", snapshot: flexSnapshot,
                target: "MigratedFlex0", flex: true)

            // 12. Download a snapshot.
            try await download(
                at: Self.flex("FlexCluster0", "download"), cluster: "FlexCluster0", snapshot: flexSnapshot, flex: true)
            expectAtlasError(
                try await call(
                    "POST", Self.flex("Cluster0", "download"), flex: true, key: Atlas.ownerKey,
                    json: #"{"snapshotId":"\#(flexSnapshot)"}"#),
                status: 400,
                body: #"{"detail":"Cannot use non-flex cluster Cluster0 in the flex API.","error":400,"errorCode":"CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API","parameters":["Cluster0"],"reason":"Bad Request"}"#,
                deprecated: false)
        }
    }
}
