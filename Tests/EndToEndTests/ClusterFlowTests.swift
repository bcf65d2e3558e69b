import AtlasMockTestSupport
import Foundation
import Testing

/// The flows real clients run against projects, clusters and Flex clusters (ATLAS-CLUSTERS.md §9), as ordered
/// requests through the binary with the clock moved by the admin API: statuses, error codes and key sets.
@Suite("Cluster flows over the wire", .timeLimit(.minutes(2)))
struct ClusterFlowTests {
    /// A frozen clock at the time of the recordings (after the shared-tier cutoff, which is not enforced here).
    static let arguments = ["--clock", "2026-08-10T03:02:58Z", "--freeze-clock"]
    static let group = "/api/atlas/v2/groups/\(Atlas.projectId)"
    static let v20230201 = "Accept: application/vnd.atlas.2023-02-01+json"
    static let v20240805 = "Accept: application/vnd.atlas.2024-08-05+json"
    static let v20241023 = "Accept: application/vnd.atlas.2024-10-23+json"
    static let flexKeys: Set<String> = [
        "backupSettings", "clusterType", "connectionStrings", "createDate", "groupId", "id", "mongoDBVersion", "name",
        "providerSettings", "stateName", "tags", "terminationProtectionEnabled", "versionReleaseSystem",
    ]

    /// One request as the owner key (unless `key` says otherwise), JSON in and out.
    static func call(
        _ server: AtlasMockProcess, _ method: String, _ path: String, _ accept: String = Atlas.flexAccept,
        _ body: String? = nil, key: [String] = Atlas.ownerKey
    ) async throws -> ClientResponse {
        var arguments = key + ["--header", accept]
        if let body { arguments += ["--header", "Content-Type: application/json", "--data", body] }
        return try await Client.curl(.http1, method, server.url + path, arguments)
    }

    static func advance(_ server: AtlasMockProcess, _ seconds: Int) async throws {
        let moved = try await admin("PUT", server.url + "/__admin/clock", #"{"advanceSeconds":\#(seconds)}"#)
        #expect(moved.status == 200, "\(moved)")
    }

    static func flexBody(_ name: String) -> String {
        #"{"name":"\#(name)","providerSettings":{"backingProviderName":"AWS","regionName":"US_EAST_1"}}"#
    }

    static func m0Body(_ name: String) -> String {
        #"{"clusterType":"REPLICASET","name":"\#(name)","replicationSpecs":[{"regionConfigs":[{"backingProviderName":"AWS","electableSpecs":{"instanceSize":"M0"},"priority":7,"providerName":"TENANT","regionName":"US_EAST_1"}],"zoneName":"Zone 1"}]}"#
    }

    static func errorBody(_ code: String, _ status: Int, _ detail: String, _ parameters: [String]) -> String {
        let reason = [400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 409: "Conflict", 410: "Gone"][status]!
        let list = parameters.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"detail":"\#(detail)","error":\#(status),"errorCode":"\#(code)","parameters":[\#(list)],"reason":"\#(reason)"}"#
    }

    static func flexClusterAPIError(_ name: String) -> String {
        Self.errorBody("CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API", 400, "Flex cluster \(name) cannot be used in the Cluster API.", [name])
    }

    static func notFound(_ name: String, _ group: String = Atlas.projectId) -> String {
        Self.errorBody("CLUSTER_NOT_FOUND", 404, "No cluster named \(name) exists in group \(group).", [name, group])
    }

    /// The Atlas CLI's `TestFlexCluster`.
    @Test func cliFlexClusterTest() async throws {
        try await withAtlasMock(Self.arguments) { server in
            let created = try await Self.call(server, "POST", Self.group + "/flexClusters", Atlas.flexAccept, Self.flexBody("cluster-833"))
            #expect(created.status == 201, "\(created)")
            #expect(created.header("Content-Type") == "application/vnd.atlas.2024-11-13+json;charset=utf-8")
            let json = try created.json()
            #expect(Set(json.keys) == Self.flexKeys.subtracting(["tags"]))
            #expect(json["stateName"] as? String == "CREATING")
            #expect((json["connectionStrings"] as? [String: Any])?.keys.sorted() == ["standardSrv"])
            #expect(created.body.contains(#""providerSettings":{"backingProviderName":"AWS","diskSizeGB":5.0,"providerName":"FLEX","regionName":"US_EAST_1"}"#))

            // A dump taken mid-creation loads back with the cluster still CREATING, then IDLE on time.
            let state = try await admin("GET", server.url + "/__admin/state")
            #expect(state.body.contains(#""transition":{"seconds":6,"started":"2026-08-10T03:02:58Z","state":"CREATING"}"#))
            let reloaded = try await admin("PUT", server.url + "/__admin/state", state.body)
            #expect(reloaded.status == 200, "\(reloaded)")

            let onClusters = try await Self.call(server, "GET", Self.group + "/clusters/cluster-833", Self.v20230201)
            #expect(onClusters.status == 400 && onClusters.body == Self.flexClusterAPIError("cluster-833"), "\(onClusters)")
            #expect(onClusters.header("Deprecation") == "Mon, 5 Aug 2024 00:00:00 GMT")
            #expect(onClusters.header("Sunset") == "Thu, 1 Jul 2027 00:00:00 GMT")

            let got = try await Self.call(server, "GET", Self.group + "/flexClusters/cluster-833")
            #expect(try got.status == 200 && Set(try got.json().keys) == Self.flexKeys, "\(got)")
            let list = try await Self.call(server, "GET", Self.group + "/flexClusters")
            let names = (try list.json()["results"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(list.status == 200 && names?.contains("cluster-833") == true, "\(list)")
            #expect((try list.json()["results"] as? [[String: Any]])?.allSatisfy { $0["links"] == nil } == true)

            let deleteOnClusters = try await Self.call(server, "DELETE", Self.group + "/clusters/cluster-833", Self.v20230201)
            #expect(deleteOnClusters.status == 400 && deleteOnClusters.body == Self.flexClusterAPIError("cluster-833"))
            let deleted = try await Self.call(server, "DELETE", Self.group + "/flexClusters/cluster-833")
            #expect(deleted.status == 204 && deleted.body.isEmpty, "\(deleted)")
            #expect(deleted.header("Content-Type") == "application/vnd.atlas.2024-11-13+json;charset=utf-8")
            let deleting = try await Self.call(server, "GET", Self.group + "/flexClusters/cluster-833")
            #expect(try deleting.json()["stateName"] as? String == "DELETING", "\(deleting)")
            let again = try await Self.call(server, "DELETE", Self.group + "/flexClusters/cluster-833")
            #expect(again.body == Self.errorBody(
                "CLUSTER_ALREADY_REQUESTED_DELETION", 400, "The cluster cluster-833 has already been requested for deletion.",
                ["cluster-833"]))

            try await Self.advance(server, 60)
            let gone = try await Self.call(server, "GET", Self.group + "/flexClusters/cluster-833")
            expectAtlasError(gone, status: 404, body: Self.notFound("cluster-833"), deprecated: false)
        }
    }

    /// The Atlas CLI's `TestFlexBackup`: a fresh cluster watched to IDLE, the long-lived one's snapshots, a restore
    /// into the fresh one and a download, then the delete.
    @Test func cliFlexBackupTest() async throws {
        try await withAtlasMock(Self.arguments) { server in
            let created = try await Self.call(server, "POST", Self.group + "/flexClusters", Atlas.flexAccept, Self.flexBody("cluster-900"))
            #expect(created.status == 201, "\(created)")
            let watch = try await Self.call(server, "GET", Self.group + "/clusters/cluster-900", Self.v20240805)
            #expect(watch.status == 400 && watch.body == Self.flexClusterAPIError("cluster-900"))
            try await Self.advance(server, 8)
            let idle = try await Self.call(server, "GET", Self.group + "/flexClusters/cluster-900")
            #expect(try idle.json()["stateName"] as? String == "IDLE", "\(idle)")
            #expect(((try idle.json()["connectionStrings"]) as? [String: Any])?.keys.sorted() == ["standard", "standardSrv"])

            let snapshots = try await Self.call(server, "GET", Self.group + "/flexClusters/snapshotCluster0/backup/snapshots")
            let items = try #require(try snapshots.json()["results"] as? [[String: Any]], "\(snapshots)")
            #expect(try snapshots.json()["totalCount"] as? Int == 8)
            #expect(items.allSatisfy { $0["status"] as? String == "COMPLETED" && ($0["scheduledTime"] as? String)?.hasSuffix("T17:05:10Z") == true })
            let snapshotId = try #require(items.first?["id"] as? String)
            let described = try await Self.call(server, "GET", Self.group + "/flexClusters/snapshotCluster0/backup/snapshots/" + snapshotId)
            #expect(try described.status == 200 && (try described.json()["id"] as? String) == snapshotId, "\(described)")

            let onClusters = try await Self.call(server, "GET", Self.group + "/clusters/snapshotCluster0", Self.v20240805)
            #expect(onClusters.body == Self.flexClusterAPIError("snapshotCluster0"))
            let restore = try await Self.call(
                server, "POST", Self.group + "/flexClusters/snapshotCluster0/backup/restoreJobs", Atlas.flexAccept,
                #"{"snapshotId":"\#(snapshotId)","targetDeploymentItemName":"cluster-900","targetProjectId":"\#(Atlas.projectId)"}"#)
            #expect(restore.status == 200, "\(restore)")
            let jobId = try #require(try restore.json()["id"] as? String)
            try await Self.advance(server, 20)
            let job = try await Self.call(server, "GET", Self.group + "/flexClusters/snapshotCluster0/backup/restoreJobs/" + jobId)
            #expect(try job.json()["status"] as? String == "COMPLETED", "\(job)")
            let download = try await Self.call(
                server, "POST", Self.group + "/flexClusters/snapshotCluster0/backup/download", Atlas.flexAccept,
                #"{"snapshotId":"\#(snapshotId)"}"#)
            #expect(try download.status == 200 && (try download.json()["deliveryType"] as? String) == "DOWNLOAD", "\(download)")

            let deleteOnClusters = try await Self.call(server, "DELETE", Self.group + "/clusters/cluster-900", Self.v20230201)
            #expect(deleteOnClusters.status == 400)
            let deleted = try await Self.call(server, "DELETE", Self.group + "/flexClusters/cluster-900")
            #expect(deleted.status == 204)
            try await Self.advance(server, 60)
            let gone = try await Self.call(server, "GET", Self.group + "/flexClusters/cluster-900")
            #expect(gone.status == 404 && gone.body == Self.notFound("cluster-900"))
        }
    }

    /// Creates a project as the owner key: its id.
    static func createProject(_ server: AtlasMockProcess, _ name: String) async throws -> String {
        let created = try await Self.call(
            server, "POST", "/api/atlas/v2/groups", Atlas.tenantAccept,
            #"{"name":"\#(name)","orgId":"5f1d2c3b4a5e6f7081928374"}"#)
        #expect(created.status == 201, "\(created)")
        return try #require(try created.json()["id"] as? String, "\(created)")
    }

    /// The Atlas CLI's `TestClustersM0Flags`.
    @Test func cliM0Test() async throws {
        try await withAtlasMock(Self.arguments) { server in
            let project = try await Self.createProject(server, "clusters-m0-e2e")
            let path = "/api/atlas/v2/groups/\(project)/clusters"
            let created = try await Self.call(server, "POST", path, Self.v20230201, Self.m0Body("cluster-251"))
            #expect(created.status == 201, "\(created)")
            let json = try created.json()
            #expect(json["stateName"] as? String == "CREATING" && json["tags"] == nil && json["adaptiveCapacity"] == nil)
            #expect(created.body.contains(#""regionConfigs":[{"electableSpecs":{"effectiveInstanceSize":"M0","instanceSize":"M0"},"backingProviderName":"AWS","priority":7,"providerName":"TENANT","regionName":"US_EAST_1"}]"#))
            #expect(created.header("Deprecation") == "Mon, 5 Aug 2024 00:00:00 GMT")

            try await Self.advance(server, 4)
            let updating = try await Self.call(server, "GET", path + "/cluster-251", Self.v20240805)
            #expect(try updating.json()["stateName"] as? String == "UPDATING", "\(updating)")
            #expect(updating.body.hasPrefix(#"{"adaptiveCapacity":null,"#) && updating.header("Deprecation") == nil)
            try await Self.advance(server, 4)
            let idle = try await Self.call(server, "GET", path + "/cluster-251", Self.v20240805)
            #expect(try idle.json()["stateName"] as? String == "IDLE")
            #expect((try idle.json()["tags"] as? [Any])?.isEmpty == true)
            let second = try await Self.call(server, "POST", path, Self.v20230201, Self.m0Body("cluster-252"))
            #expect(second.status == 400 && second.header("X-Error-Code") == "VALIDATION_ERROR", "\(second)")

            let deleted = try await Self.call(server, "DELETE", path + "/cluster-251", Self.v20230201)
            #expect(deleted.status == 202 && deleted.body == "{}", "\(deleted)")
            #expect(deleted.header("Content-Type") == "application/vnd.atlas.2023-02-01+json;charset=utf-8")
        }
    }

    /// The Atlas CLI's `TestSharedClusterUpgrade`: M0 to M10 through the v1.0 tenantUpgrade path.
    @Test func cliSharedClusterUpgrade() async throws {
        try await withAtlasMock(Self.arguments) { server in
            let project = try await Self.createProject(server, "upgrade-e2e")
            let path = "/api/atlas/v2/groups/\(project)/clusters"
            let created = try await Self.call(server, "POST", path, Self.v20230201, Self.m0Body("cluster-712"))
            let oldId = try #require(try created.json()["id"] as? String)
            try await Self.advance(server, 8)
            let legacy = try await Self.call(server, "GET", "/api/atlas/v1.0/groups/\(project)/clusters/cluster-712", "Accept: application/json")
            #expect(legacy.status == 200 && legacy.header("Content-Type") == "application/json", "\(legacy)")
            #expect(legacy.body.contains(#""providerSettings":{"providerName":"TENANT","autoScaling":{"compute":{"maxInstanceSize":null,"minInstanceSize":null}},"#))

            let upgraded = try await Self.call(
                server, "POST", "/api/atlas/v1.0/groups/\(project)/clusters/tenantUpgrade", "Accept: application/json",
                #"{"name":"cluster-712","providerSettings":{"providerName":"AWS","instanceSizeName":"M10","regionName":"US_EAST_1"},"diskSizeGB":40,"tags":[{"key":"env","value":"e2e"}]}"#)
            #expect(upgraded.status == 200 && upgraded.header("Content-Type") == "application/json", "\(upgraded)")
            #expect(try upgraded.json()["stateName"] as? String == "UPDATING" && (try upgraded.json()["id"] as? String) == oldId)

            try await Self.advance(server, 15)
            let moved = try await Self.call(server, "GET", path + "/cluster-712", Self.v20240805)
            let json = try moved.json()
            #expect(json["stateName"] as? String == "UPDATING" && json["id"] as? String != oldId, "\(moved)")
            #expect(json["createDate"] as? String == "2026-08-10T03:03:06Z")
            #expect(moved.body.contains(#""instanceSize":"M10""#) && moved.body.contains(#""providerName":"AWS""#))
            try await Self.advance(server, 15)
            let idle = try await Self.call(server, "GET", path + "/cluster-712", Self.v20240805)
            #expect(try idle.json()["stateName"] as? String == "IDLE")
            #expect(idle.body.contains(#""tags":[{"key":"env","value":"e2e"}]"#))
        }
    }

    /// The Atlas CLI's `TestAtlasProjects` (without updateGroup, which is outside the subset).
    @Test func cliProjectsTest() async throws {
        try await withAtlasMock(Self.arguments) { server in
            let created = try await Self.call(
                server, "POST", "/api/atlas/v2/groups", Atlas.tenantAccept,
                #"{"clusterCount":0,"created":"0001-01-01T00:00:00Z","name":"e2e-proj-1","orgId":"5f1d2c3b4a5e6f7081928374"}"#)
            #expect(created.status == 201, "\(created)")
            let json = try created.json()
            #expect(Set(json.keys) == ["clusterCount", "created", "id", "links", "name", "orgId", "withDefaultAlertsSettings"])
            #expect((json["links"] as? [Any])?.count == 7 && json["created"] as? String == "2026-08-10T03:02:58Z")
            let id = try #require(json["id"] as? String)
            let list = try await Self.call(server, "GET", "/api/atlas/v2/groups", Atlas.tenantAccept)
            let item = (try list.json()["results"] as? [[String: Any]])?.first { $0["id"] as? String == id }
            #expect((item?["links"] as? [Any])?.count == 1 && (item?["tags"] as? [Any])?.isEmpty == true, "\(list)")
            let got = try await Self.call(server, "GET", "/api/atlas/v2/groups/" + id, Atlas.tenantAccept)
            #expect(try got.status == 200 && (try got.json()["clusterCount"] as? Int) == 0)
            let byName = try await Self.call(server, "GET", "/api/atlas/v2/groups/byName/e2e-proj-1", Atlas.tenantAccept)
            #expect(try byName.json()["id"] as? String == id)
            let duplicate = try await Self.call(
                server, "POST", "/api/atlas/v2/groups", Atlas.tenantAccept, #"{"name":"e2e-proj-1","orgId":"5f1d2c3b4a5e6f7081928374"}"#)
            expectAtlasError(
                duplicate, status: 409,
                body: Self.errorBody("GROUP_ALREADY_EXISTS", 409, #"A group with name \"e2e-proj-1\" already exists."#, ["e2e-proj-1"]),
                deprecated: false)
            let readOnly = try await Self.call(
                server, "POST", "/api/atlas/v2/groups", Atlas.tenantAccept, #"{"name":"e2e-proj-2","orgId":"5f1d2c3b4a5e6f7081928374"}"#,
                key: Atlas.readOnlyKey)
            #expect(readOnly.status == 401 && readOnly.header("X-Error-Code") == "NOT_ORG_GROUP_CREATOR", "\(readOnly)")
            let deleted = try await Self.call(server, "DELETE", "/api/atlas/v2/groups/" + id, Atlas.tenantAccept)
            #expect(deleted.status == 202 && deleted.body == "{}", "\(deleted)")
            let gone = try await Self.call(server, "GET", "/api/atlas/v2/groups/" + id, Atlas.tenantAccept)
            #expect(gone.status == 404 && gone.header("X-Error-Code") == "GROUP_NOT_FOUND")
            // The state after a create and delete (the creator's role on the project is gone too) loads back.
            let state = try await admin("GET", server.url + "/__admin/state")
            let reloaded = try await admin("PUT", server.url + "/__admin/state", state.body)
            #expect(reloaded.status == 200, "\(reloaded)")
        }
    }

    /// Terraform's `TestAccMockableAdvancedCluster_tenantUpgrade` capture: M0 → M40_NVME, then deleted.
    @Test func terraformTenantUpgradeCapture() async throws {
        try await withAtlasMock(Self.arguments) { server in
            let project = try await Self.createProject(server, "tf-upgrade")
            let path = "/api/atlas/v2/groups/\(project)/clusters"
            let created = try await Self.call(server, "POST", path, Self.v20241023, Self.m0Body("test-acc-tf-c-1"))
            #expect(created.status == 201 && created.header("Content-Type") == "application/vnd.atlas.2024-10-23+json;charset=utf-8")
            try await Self.advance(server, 8)
            #expect(try await Self.call(server, "GET", path + "/test-acc-tf-c-1", Self.v20240805).json()["stateName"] as? String == "IDLE")
            let list = try await Self.call(server, "GET", path, Self.v20240805)
            #expect(try list.json()["totalCount"] as? Int == 1, "\(list)")
            let flex = try await Self.call(server, "GET", "/api/atlas/v2/groups/\(project)/flexClusters")
            #expect(try flex.json()["totalCount"] as? Int == 0)
            let onFlex = try await Self.call(server, "GET", "/api/atlas/v2/groups/\(project)/flexClusters/test-acc-tf-c-1")
            #expect(onFlex.status == 400 && onFlex.header("X-Error-Code") == "CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API")

            let upgraded = try await Self.call(
                server, "POST", path + "/tenantUpgrade", Atlas.tenantAccept,
                #"{"name":"test-acc-tf-c-1","providerSettings":{"providerName":"AWS","instanceSizeName":"M40_NVME","regionName":"US_EAST_1"}}"#)
            #expect(try upgraded.status == 200 && (try upgraded.json()["stateName"] as? String) == "UPDATING", "\(upgraded)")
            try await Self.advance(server, 30)
            let idle = try await Self.call(server, "GET", path + "/test-acc-tf-c-1", Self.v20240805)
            #expect(try idle.json()["stateName"] as? String == "IDLE" && idle.body.contains(#""instanceSize":"M40_NVME""#), "\(idle)")

            let deleted = try await Self.call(server, "DELETE", path + "/test-acc-tf-c-1", Self.v20230201)
            #expect(deleted.status == 202)
            try await Self.advance(server, 30)
            let gone = try await Self.call(server, "GET", path + "/test-acc-tf-c-1", Self.v20240805)
            #expect(gone.status == 404 && gone.body == Self.notFound("test-acc-tf-c-1", project), "\(gone)")
        }
    }
}
