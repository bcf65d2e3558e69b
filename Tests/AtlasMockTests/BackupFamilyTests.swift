import AtlasMockHTTP
import Foundation
import HTTPTypes
import Testing

@testable import AtlasMock

@Suite("Tenant and Flex backup operations over one store")
struct BackupFamilyTests {
    static let group = "/api/atlas/v2/groups/32b6e34b3d91647abb20e7b8"
    let tenant = group + "/clusters/Cluster0/backup/tenant"
    let flexAccept = "application/vnd.atlas.2024-11-13+json"

    func atlas(_ configure: (inout AtlasConfiguration) -> Void = { _ in }) -> FakeAtlas {
        TestData.atlas(jobCount: 0) {
            $0.clock = .frozen(TestData.now)
            configure(&$0)
        }
    }

    func owner(
        _ atlas: FakeAtlas, _ target: String, method: HTTPRequest.Method = .get, body: String? = nil,
        accept: String = "application/vnd.atlas.2023-01-01+json", user: String = "owner"
    ) -> HTTPServerResponse {
        atlas.sendDigest(target, method: method, user: user, password: "\(user)-secret", accept: accept, body: body)
    }

    @Test func createdRestoreJobsLiveThroughEachStatus() throws {
        let atlas = self.atlas()
        let created = self.owner(
            atlas, self.tenant + "/restore", method: .post,
            body: #"{"snapshotId":"65c000000000000000000001","targetDeploymentItemName":"Target0"}"#)
        #expect(created.head.status.code == 200)
        let job = try created.json()
        #expect(job["status"] as? String == "PENDING")
        #expect(job["deliveryType"] as? String == "RESTORE")
        #expect(job["clusterName"] as? String == "Cluster0")
        #expect(job["targetProjectId"] as? String == TestData.projectId)
        #expect(job["restoreScheduledDate"] as? String == "2026-11-28T12:00:00Z")
        #expect(job["expirationDate"] as? String == "2026-11-28T18:00:00Z")
        #expect(job["snapshotFinishedDate"] as? String == "2026-11-25T00:05:00Z")
        #expect(job["restoreFinishedDate"] == nil)
        let id = try #require(job["id"] as? String)
        let links = job["links"] as? [[String: String]]
        #expect(links?.first?["href"] == "http://localhost:8080" + self.tenant + "/restores/" + id)

        var seen: [String] = []
        for step in [0.0, 2, 3, 10] {
            atlas.clock.advance(by: step)
            let current = try self.owner(atlas, self.tenant + "/restores/" + id).json()
            seen.append(current["status"] as? String ?? "?")
        }
        #expect(seen == ["PENDING", "QUEUED", "RUNNING", "COMPLETED"])
        let done = try self.owner(atlas, self.tenant + "/restores/" + id).json()
        #expect(done["restoreFinishedDate"] as? String == "2026-11-28T12:00:15Z")
    }

    @Test func theSameJobReadsThroughBothAPIsUntilTheSunset() throws {
        let atlas = self.atlas {
            $0.deprecation.enforceSunset = true
            $0.deprecation.sunset = TestData.date("2026-11-29T00:00:00Z")
        }
        let flexJobs = Self.group + "/flexClusters/Migrated0/backup/restoreJobs"
        let created = self.owner(
            atlas, flexJobs, method: .post,
            body: #"{"snapshotId":"65c000000000000000000003","targetDeploymentItemName":"Target0"}"#, accept: self.flexAccept)
        #expect(created.head.status.code == 200)
        #expect(created.header("Content-Type") == "application/vnd.atlas.2024-11-13+json;charset=utf-8")
        let flexJob = try created.json()
        #expect(flexJob["instanceName"] as? String == "Migrated0")
        #expect(flexJob["clusterName"] == nil)
        #expect(flexJob["links"] == nil)
        let id = try #require(flexJob["id"] as? String)

        let tenantList = try self.owner(atlas, Self.group + "/clusters/Migrated0/backup/tenant/restores").json()
        let tenantItem = try #require((tenantList["results"] as? [[String: Any]])?.first)
        #expect(tenantItem["id"] as? String == id)
        #expect(tenantItem["clusterName"] as? String == "Migrated0")

        atlas.clock.advance(by: 12 * 3600)
        #expect(self.owner(atlas, Self.group + "/clusters/Migrated0/backup/tenant/restores").head.status.code == 410)
        let flexList = try self.owner(atlas, flexJobs, accept: self.flexAccept).json()
        #expect((flexList["results"] as? [[String: Any]])?.first?["id"] as? String == id)
        #expect((flexList["results"] as? [[String: Any]])?.first?["status"] as? String == "COMPLETED")
    }

    @Test func flexListsHaveFlexDefaultsAndNoItemLinks() throws {
        let atlas = self.atlas()
        let response = self.owner(atlas, Self.group + "/flexClusters/Flex0/backup/snapshots", accept: self.flexAccept)
        #expect(response.head.status.code == 200)
        let json = try response.json()
        let links = json["links"] as? [[String: String]]
        #expect(links?.first?["href"] == "http://localhost:8080\(Self.group)/flexClusters/Flex0/backup/snapshots?includeCount=true&pageNum=1&itemsPerPage=100")
        let item = try #require((json["results"] as? [[String: Any]])?.first)
        #expect(item["links"] == nil)
        #expect(item["expiration"] as? String == "2026-12-05T00:00:00Z")
        #expect(response.header("Deprecation") == nil)
    }

    @Test func flexRefusesNonFlexClustersAndOldVersions() {
        let atlas = self.atlas()
        let nonFlex = self.owner(atlas, Self.group + "/flexClusters/Cluster0/backup/restoreJobs", accept: self.flexAccept)
        #expect(nonFlex.head.status.code == 400)
        #expect(
            nonFlex.text
                == #"{"detail":"Cannot use non-flex cluster Cluster0 in the flex API.","error":400,"errorCode":"CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API","parameters":["Cluster0"],"reason":"Bad Request"}"#)
        let old = self.owner(atlas, Self.group + "/flexClusters/Flex0/backup/restoreJobs")
        #expect(old.head.status.code == 406)
    }

    @Test func downloadsCarryAFourHourLink() throws {
        let atlas = self.atlas()
        let tenantDownload = self.owner(
            atlas, self.tenant + "/download", method: .post, body: #"{"snapshotId":"65c000000000000000000001"}"#)
        #expect(tenantDownload.head.status.code == 200)
        let job = try tenantDownload.json()
        #expect(job["deliveryType"] as? String == "DOWNLOAD")
        #expect(job["expirationDate"] as? String == "2026-11-28T16:00:00Z")
        #expect((job["snapshotUrl"] as? String)?.hasPrefix("http://localhost:8080/") == true)
        let again = self.owner(
            atlas, self.tenant + "/download", method: .post, body: #"{"snapshotId":"65c000000000000000000001"}"#)
        #expect(again.head.status.code == 400)
        #expect(try again.json()["errorCode"] as? String == "CANNOT_DOWNLOAD_SNAPSHOT_CONCURRENTLY")

        let flex = self.owner(
            atlas, Self.group + "/flexClusters/Flex0/backup/download", method: .post,
            body: #"{"snapshotId":"65c000000000000000000004"}"#, accept: self.flexAccept)
        #expect(flex.head.status.code == 200)
        #expect(try flex.json()["instanceName"] as? String == "Flex0")
    }

    @Test(arguments: [
        ("{", "MALFORMED_JSON", [String]()),
        ("[]", "INVALID_JSON", []),
        (#"{"snapshotId":"65c000000000000000000001","targetDeploymentItemName":"Target0","color":"red"}"#, "INVALID_ATTRIBUTE", ["color"]),
        (#"{"snapshotId":"65c000000000000000000001","targetDeploymentItemName":"Target0","status":"COMPLETED"}"#, "ATTRIBUTE_READ_ONLY", ["status"]),
        (#"{"snapshotId":42,"targetDeploymentItemName":"Target0"}"#, "INVALID_JSON_ATTRIBUTE", ["snapshotId"]),
        (#"{"snapshotId":"nothex","targetDeploymentItemName":"Target0"}"#, "INVALID_JSON_ATTRIBUTE", ["snapshotId"]),
        (#"{"snapshotId":"65c000000000000000000001","targetDeploymentItemName":"bad/name"}"#, "INVALID_JSON_ATTRIBUTE", ["targetDeploymentItemName"]),
        (#"{"snapshotId":"65c000000000000000000001"}"#, "MISSING_ATTRIBUTE", ["targetDeploymentItemName"]),
    ])
    func restoreBodiesAreValidatedAsAtlasDoes(body: String, code: String, parameters: [String]) throws {
        let response = self.owner(self.atlas(), self.tenant + "/restore", method: .post, body: body)
        #expect(response.head.status.code == 400)
        let json = try response.json()
        #expect(json["errorCode"] as? String == code)
        #expect(json["parameters"] as? [String] == parameters)
    }

    @Test(arguments: [
        (#"{"snapshotId":"65c0000000000000000000ff","targetDeploymentItemName":"Target0"}"#, 404, "TENANT_SNAPSHOT_NOT_FOUND"),
        (#"{"snapshotId":"65c000000000000000000002","targetDeploymentItemName":"Target0"}"#, 409, "CANNOT_START_RESTORE_JOB_FOR_DELETED_SNAPSHOT"),
        (#"{"snapshotId":"65c000000000000000000001","targetDeploymentItemName":"Missing0"}"#, 404, "CLUSTER_NOT_FOUND"),
        (#"{"snapshotId":"65c000000000000000000001","targetDeploymentItemName":"Free0"}"#, 400, "TENANT_RESTORE_DESTINATION_UNAVAILABLE"),
        (#"{"snapshotId":"65c000000000000000000001","targetDeploymentItemName":"Target0","targetProjectId":"111111111111111111111111"}"#, 404, "GROUP_NOT_FOUND"),
    ])
    func restoreTargetsAreChecked(body: String, status: Int, code: String) throws {
        let response = self.owner(self.atlas(), self.tenant + "/restore", method: .post, body: body)
        #expect(response.head.status.code == status)
        #expect(try response.json()["errorCode"] as? String == code)
    }

    @Test func aSecondRestoreIntoABusyClusterConflicts() throws {
        let atlas = self.atlas()
        let body = #"{"snapshotId":"65c000000000000000000001","targetDeploymentItemName":"Target0"}"#
        #expect(self.owner(atlas, self.tenant + "/restore", method: .post, body: body).head.status.code == 200)
        let second = self.owner(atlas, self.tenant + "/restore", method: .post, body: body)
        #expect(second.head.status.code == 409)
        #expect(try second.json()["errorCode"] as? String == "ATLAS_CLUSTER_RESTORE_IN_PROGRESS")
        atlas.clock.advance(by: 60)
        #expect(self.owner(atlas, self.tenant + "/restore", method: .post, body: body).head.status.code == 200)
    }

    @Test func creatingNeedsProjectOwnerOrTheBackupRoleOnFlex() {
        let atlas = self.atlas()
        let body = #"{"snapshotId":"65c000000000000000000001","targetDeploymentItemName":"Target0"}"#
        let reader = atlas.sendDigest(self.tenant + "/restore", method: .post, user: "reader", password: "reader-secret", body: body)
        #expect(reader.head.status.code == 401)
        #expect(reader.text.contains("USER_UNAUTHORIZED"))
        let backupOnTenant = self.owner(atlas, self.tenant + "/restore", method: .post, body: body, user: "backup")
        #expect(backupOnTenant.head.status.code == 401)
        let backupOnFlex = self.owner(
            atlas, Self.group + "/flexClusters/Flex0/backup/download", method: .post,
            body: #"{"snapshotId":"65c000000000000000000004"}"#, accept: self.flexAccept, user: "backup")
        #expect(backupOnFlex.head.status.code == 200)
    }

    @Test func unknownAndMalformedIdsAre404() throws {
        let atlas = self.atlas()
        let missing = self.owner(atlas, self.tenant + "/restores/65a0000000000000000000ff")
        #expect(missing.head.status.code == 404)
        #expect(
            missing.text
                == #"{"detail":"No M2/M5 restore with ID 65a0000000000000000000ff exists for cluster Cluster0.","error":404,"errorCode":"TENANT_RESTORE_NOT_FOUND","parameters":["65a0000000000000000000ff","Cluster0"],"reason":"Not Found"}"#)
        #expect(try self.owner(atlas, self.tenant + "/restores/xyz").json()["errorCode"] as? String == "INVALID_JOB_ID")
        #expect(try self.owner(atlas, self.tenant + "/snapshots/xyz").json()["errorCode"] as? String == "INVALID_SNAPSHOT_ID")
        let snapshot = try self.owner(atlas, self.tenant + "/snapshots/65c000000000000000000001").json()
        #expect(snapshot["mongoDBVersion"] as? String == "8.0.4")
        #expect((snapshot["links"] as? [[String: String]])?.first?["rel"] == "self")
    }

    @Test func singleEntitiesWrapInAnEnvelope() throws {
        let json = try self.owner(self.atlas(), self.tenant + "/snapshots/65c000000000000000000001?envelope=true").json()
        #expect(json["status"] as? Int == 200)
        #expect((json["content"] as? [String: Any])?["id"] as? String == "65c000000000000000000001")
    }
}
