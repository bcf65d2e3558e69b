import Foundation

@testable import AtlasMock

/// A small dataset built in code, independent of the default fixtures, so these tests pin behaviour, not data.
enum TestData {
    static let orgId = "5f1d2c3b4a5e6f7081928374"
    static let otherOrgId = "6a1d2c3b4a5e6f7081928375"
    static let projectId = "32b6e34b3d91647abb20e7b8"
    static let otherProjectId = "6b6e34b3d91647abb20e7b81"
    static let readKey = APIKey(
        publicKey: "reader", privateKey: "reader-secret", orgId: orgId, description: nil,
        roles: RoleAssignments(orgRoles: ["ORG_MEMBER"], projectRoles: [projectId: ["GROUP_READ_ONLY"]]), accessList: []
    )
    static let noRoleKey = APIKey(
        publicKey: "norole", privateKey: "norole-secret", orgId: orgId, description: nil,
        roles: RoleAssignments(orgRoles: ["ORG_MEMBER"], projectRoles: [:]), accessList: [])
    static let blockedKey = APIKey(
        publicKey: "blocked", privateKey: "blocked-secret", orgId: orgId, description: nil,
        roles: RoleAssignments(orgRoles: [], projectRoles: [projectId: ["GROUP_READ_ONLY"]]),
        accessList: [AccessListEntry("203.0.113.0/24")!])
    static let ownerKey = APIKey(
        publicKey: "owner", privateKey: "owner-secret", orgId: orgId, description: nil,
        roles: RoleAssignments(orgRoles: ["ORG_OWNER"], projectRoles: [:]), accessList: [])
    static let backupKey = APIKey(
        publicKey: "backup", privateKey: "backup-secret", orgId: orgId, description: nil,
        roles: RoleAssignments(orgRoles: [], projectRoles: [projectId: ["GROUP_BACKUP_MANAGER"]]), accessList: [])
    static let account = ServiceAccount(
        clientId: "mdb_sa_id_test", clientSecret: "mdb_sa_sk_test", orgId: orgId, name: "ci",
        roles: RoleAssignments(orgRoles: [], projectRoles: [projectId: ["GROUP_READ_ONLY"]]), accessList: [])

    static func date(_ text: String) -> Date { AtlasDate.parse(text)! }

    /// `count` jobs on Cluster0 with ascending ids, so the newest has the largest id.
    static func dataset(jobCount: Int = 3) -> AtlasDataset {
        var dataset = AtlasDataset()
        dataset.organizations = [
            Organization(id: orgId, name: "Org"), Organization(id: otherOrgId, name: "Other"),
        ]
        dataset.projects = [
            Project(id: projectId, name: "Project", orgId: orgId),
            Project(id: otherProjectId, name: "Elsewhere", orgId: otherOrgId),
        ]
        dataset.clusters = [
            Cluster(projectId: projectId, name: "Cluster0", kind: .shared(tier: "M2")),
            Cluster(projectId: projectId, name: "Empty0", kind: .shared(tier: "M5")),
            Cluster(projectId: projectId, name: "Free0", kind: .shared(tier: "M0")),
            Cluster(projectId: projectId, name: "Flex0", kind: .flex(origin: .flexAPI)),
            Cluster(projectId: projectId, name: "Migrated0", kind: .flex(origin: .migratedFromShared)),
            Cluster(projectId: projectId, name: "Dedicated0", kind: .dedicated(tier: "M10")),
            Cluster(projectId: otherProjectId, name: "Cluster0", kind: .shared(tier: "M2")),
            Cluster(projectId: projectId, name: "Target0", kind: .shared(tier: "M5")),
        ]
        dataset.snapshots = [
            snapshot("65c000000000000000000001", cluster: "Cluster0", scheduled: "2026-11-25T00:00:00Z"),
            failedSnapshot("65c000000000000000000002", cluster: "Cluster0", scheduled: "2026-11-10T00:00:00Z"),
            snapshot("65c000000000000000000003", cluster: "Migrated0", scheduled: "2026-11-26T00:00:00Z"),
            snapshot("65c000000000000000000004", cluster: "Flex0", scheduled: "2026-11-27T00:00:00Z"),
        ]
        dataset.restoreJobs = (0..<jobCount).map { index in
            RestoreJob(
                id: String(format: "65a000000000000000%06x", index), projectId: projectId, clusterName: "Cluster0",
                snapshotId: "65b000000000000000000001", deliveryType: .restore, status: .completed,
                targetDeploymentItemName: "Target0", targetProjectId: projectId,
                restoreScheduledDate: date("2025-11-01T10:00:00Z"), restoreFinishedDate: date("2025-11-01T10:05:00Z"),
                snapshotFinishedDate: date("2025-10-31T23:00:00Z"), expirationDate: nil, snapshotUrl: nil)
        }
        dataset.apiKeys = [readKey, noRoleKey, blockedKey, ownerKey, backupKey]
        dataset.serviceAccounts = [account]
        return dataset
    }

    /// A completed snapshot kept eight days, as Atlas keeps them.
    static func snapshot(_ id: String, cluster: String, scheduled: String) -> TenantSnapshot {
        let start = date(scheduled)
        return TenantSnapshot(
            id: id, projectId: projectId, clusterName: cluster, status: .completed, mongoDBVersion: "8.0.4",
            scheduledTime: start, startTime: start.addingTimeInterval(60), finishTime: start.addingTimeInterval(300),
            expiration: start.addingTimeInterval(8 * 86400))
    }

    static func failedSnapshot(_ id: String, cluster: String, scheduled: String) -> TenantSnapshot {
        var snapshot = self.snapshot(id, cluster: cluster, scheduled: scheduled)
        snapshot.status = .failed
        snapshot.finishTime = nil
        return snapshot
    }

    /// The instant backup tests stand at: after every snapshot above.
    static let now = date("2026-11-28T12:00:00Z")

    static func atlas(
        jobCount: Int = 3, configure: (inout AtlasConfiguration) -> Void = { _ in }
    ) -> FakeAtlas {
        var configuration = AtlasConfiguration()
        configure(&configuration)
        return FakeAtlas(configuration: configuration, fixtures: Fixtures(dataset: dataset(jobCount: jobCount)))
    }
}
