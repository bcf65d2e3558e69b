import AtlasMockHTTP
import Foundation
import Testing

@testable import AtlasMock

/// Who may create restore and download jobs: the spec's role sentences for each of the four create operations.
@Suite struct BackupRolesTests {
    static let group = "/api/atlas/v2/groups/\(TestData.projectId)"
    static let flexAccept = "application/vnd.atlas.2024-11-13+json"
    static let restoreBody = #"{"snapshotId":"65c000000000000000000004","targetDeploymentItemName":"Target0"}"#
    static let downloadBody = #"{"snapshotId":"65c000000000000000000004"}"#

    static func atlas() -> FakeAtlas {
        var dataset = TestData.dataset(jobCount: 0)
        for role in ["GROUP_BACKUP_RECOVERY_OPERATOR", "GROUP_BACKUP_EXPORT_OPERATOR"] {
            dataset.apiKeys.append(
                APIKey(
                    publicKey: role, privateKey: role + "-secret", orgId: TestData.orgId, description: nil,
                    roles: RoleAssignments(orgRoles: [], projectRoles: [TestData.projectId: [role]]), accessList: []))
        }
        var configuration = AtlasConfiguration()
        configuration.clock = .frozen(TestData.now)
        return FakeAtlas(configuration: configuration, fixtures: Fixtures(dataset: dataset))
    }

    static func post(_ atlas: FakeAtlas, _ path: String, _ body: String, as user: String, flex: Bool = true) -> Int {
        let accept = flex ? Self.flexAccept : "application/vnd.atlas.2023-01-01+json"
        return Int(
            atlas.sendDigest(
                Self.group + path, method: .post, user: user, password: user + "-secret", accept: accept, body: body
            )
            .head.status.code)
    }

    @Test(arguments: [
        // "Project Owner role or Project Backup Recovery Operator role" (createFlexBackupRestoreJob).
        ("GROUP_BACKUP_RECOVERY_OPERATOR", 200, 401),
        // "Project Owner role or Project Backup Export Operator role" (downloadFlexBackup).
        ("GROUP_BACKUP_EXPORT_OPERATOR", 401, 200),
        // Not named by the spec; kept as the broader backup role (README: inferred).
        ("backup", 200, 200),
        ("reader", 401, 401),
    ])
    func flexCreateAndDownloadFollowTheSpecsRoles(user: String, restore: Int, download: Int) {
        let atlas = Self.atlas()
        #expect(Self.post(atlas, "/flexClusters/Flex0/backup/restoreJobs", Self.restoreBody, as: user) == restore)
        #expect(Self.post(atlas, "/flexClusters/Flex0/backup/download", Self.downloadBody, as: user) == download)
    }

    /// The tenant create and download operations name Project Owner only.
    @Test(arguments: ["GROUP_BACKUP_RECOVERY_OPERATOR", "GROUP_BACKUP_EXPORT_OPERATOR", "backup"])
    func tenantCreateAndDownloadNeedProjectOwner(user: String) {
        let atlas = Self.atlas()
        let restore = #"{"snapshotId":"65c000000000000000000003","targetDeploymentItemName":"Target0"}"#
        let download = #"{"snapshotId":"65c000000000000000000003"}"#
        #expect(Self.post(atlas, "/clusters/Migrated0/backup/tenant/restore", restore, as: user, flex: false) == 401)
        #expect(Self.post(atlas, "/clusters/Migrated0/backup/tenant/download", download, as: user, flex: false) == 401)
        #expect(
            Self.post(atlas, "/clusters/Migrated0/backup/tenant/download", download, as: "owner", flex: false) == 200)
    }

    @Test func fixturesAcceptTheBackupOperatorRoles() throws {
        let json = #"""
            {"organizations":[{"id":"5f1d2c3b4a5e6f7081928374","name":"Org"}],
             "projects":[{"id":"32b6e34b3d91647abb20e7b8","name":"P","orgId":"5f1d2c3b4a5e6f7081928374"}],
             "apiKeys":[{"publicKey":"ops","privateKey":"s","orgId":"5f1d2c3b4a5e6f7081928374","roles":[
               {"groupId":"32b6e34b3d91647abb20e7b8","roleName":"GROUP_BACKUP_RECOVERY_OPERATOR"},
               {"groupId":"32b6e34b3d91647abb20e7b8","roleName":"GROUP_BACKUP_EXPORT_OPERATOR"}]}]}
            """#
        let fixtures = try FixtureLoader.load(json: Array(json.utf8), source: "roles.json")
        #expect(
            fixtures.dataset.apiKeys.first?.roles.projectRoles[TestData.projectId]
                == ["GROUP_BACKUP_RECOVERY_OPERATOR", "GROUP_BACKUP_EXPORT_OPERATOR"])
    }
}
