import HTTPTypes

/// Every operation of the fake Atlas API: one line each, method, path, legacy operationId, versions and the
/// function that runs it. Adding an operation means a line here and a function in `Operations/`.
enum AtlasRoutes {
    private static let tenant = "/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/backup/tenant"
    private static let flex = "/api/atlas/v2/groups/{groupId}/flexClusters/{name}/backup"
    private static let tenantVersions = [APIVersion.v2023_01_01]
    private static let flexVersions = [APIVersion.v2024_11_13]
    private static let groups = "/api/atlas/v2/groups"
    private static let clusters = "/api/atlas/v2/groups/{groupId}/clusters"
    private static let flexClusters = "/api/atlas/v2/groups/{groupId}/flexClusters"
    private static let projectVersions = [APIVersion.v2023_01_01]
    private static let clusterReadVersions: [APIVersion] = [.v2023_01_01, .v2023_02_01, .v2024_08_05]
    private static let clusterWriteVersions: [APIVersion] = [.v2023_01_01, .v2023_02_01, .v2024_08_05, .v2024_10_23]
    /// The clusters API's 2023 versions: `Deprecation: Mon, 5 Aug 2024`, `Sunset: Thu, 1 Jul 2027` (recorded on
    /// 2023-02-01; the same assumed for 2023-01-01).
    private static let clusters2023: [APIVersion: Operation.Deprecation] = {
        let deprecation = Operation.Deprecation.fixed(
            deprecation: AtlasDate.parse("2024-08-05T00:00:00Z")!, sunset: AtlasDate.parse("2027-07-01T00:00:00Z")!)
        return [.v2023_01_01: deprecation, .v2023_02_01: deprecation]
    }()

    /// A shared-tier (M2/M5) backup operation under `tenant`: every version deprecated in favour of Flex.
    private static func sharedTier(
        _ method: HTTPRequest.Method, _ path: String, _ name: String, _ rateLimit: RateLimitedEndpointSet,
        _ run: @escaping @Sendable (OperationContext) throws(AtlasFailure) -> OperationResult
    ) -> Operation {
        .deprecated(method, tenant + path, name, versions: tenantVersions, .sharedTier, rateLimit: rateLimit, run: run)
    }

    static let all: [Operation] = [
        // OAuth 2.0 for service accounts: Basic client credentials, OAuth-shaped errors.
        Operation(
            .post, "/api/oauth/token", "createAccessToken", versions: tenantVersions,
            authentication: .ownCredentials, run: OAuthOperations.token),
        Operation(
            .post, "/api/oauth/revoke", "revokeAccessToken", versions: tenantVersions,
            authentication: .ownCredentials, run: OAuthOperations.revoke),

        // Shared-tier (M2/M5) backups, deprecated in favour of Flex.
        sharedTier(.get, "/restores", "listSharedClusterBackupRestoreJobs", .tenantRestoreJobs, TenantRestoreOperations.list),
        sharedTier(.get, "/restores/{restoreId}", "getSharedClusterBackupRestoreJob", .tenantRestoreJobs, TenantRestoreOperations.get),
        sharedTier(.post, "/restore", "createSharedClusterBackupRestoreJob", .tenantRestoreJobs, TenantRestoreOperations.create),
        sharedTier(.get, "/snapshots", "listSharedClusterBackups", .tenantSnapshots, TenantSnapshotOperations.list),
        sharedTier(.get, "/snapshots/{snapshotId}", "getSharedClusterBackup", .tenantSnapshots, TenantSnapshotOperations.get),
        sharedTier(.post, "/download", "downloadSharedClusterBackup", .tenantSnapshots, TenantSnapshotOperations.download),

        // Flex backups.
        Operation(.get, flex + "/restoreJobs", "listFlexBackupRestoreJobs", versions: flexVersions, rateLimit: .flexRestoreJobs,
            run: FlexBackupOperations.listJobs),
        Operation(.post, flex + "/restoreJobs", "createFlexBackupRestoreJob", versions: flexVersions, rateLimit: .flexRestoreJobs,
            run: FlexBackupOperations.createJob),
        Operation(
            .get, flex + "/restoreJobs/{restoreJobId}", "getFlexBackupRestoreJob", versions: flexVersions,
            rateLimit: .flexRestoreJobs, run: FlexBackupOperations.getJob),
        Operation(.get, flex + "/snapshots", "listFlexBackups", versions: flexVersions, rateLimit: .flexSnapshots,
            run: FlexBackupOperations.listSnapshots),
        Operation(
            .get, flex + "/snapshots/{snapshotId}", "getFlexBackup", versions: flexVersions, rateLimit: .flexSnapshots,
            run: FlexBackupOperations.getSnapshot),
        Operation(.post, flex + "/download", "downloadFlexBackup", versions: flexVersions, rateLimit: .flexSnapshots,
            run: FlexBackupOperations.download),

        // Projects.
        Operation(.get, groups, "listProjects", versions: projectVersions, run: ProjectOperations.list),
        Operation(.post, groups, "createProject", versions: projectVersions, run: ProjectOperations.create),
        Operation(.get, groups + "/byName/{groupName}", "getProjectByName", versions: projectVersions, run: ProjectOperations.getByName),
        Operation(.get, groups + "/{groupId}", "getProject", versions: projectVersions, run: ProjectOperations.get),
        Operation(.delete, groups + "/{groupId}", "deleteProject", versions: projectVersions, run: ProjectOperations.delete),

        // Clusters (M0/M2/M5, dedicated; Flex ones made by createCluster or migrated, until the cutoff).
        Operation(
            .get, clusters, "listClusters", versions: clusterReadVersions, deprecations: clusters2023,
            run: ClusterOperations.list),
        Operation(
            .post, clusters, "createCluster", versions: clusterWriteVersions, deprecations: clusters2023,
            run: ClusterOperations.create),
        Operation(
            .post, clusters + "/tenantUpgrade", "upgradeSharedCluster", versions: [.v2023_01_01],
            run: ClusterOperations.tenantUpgrade),
        Operation(
            .get, clusters + "/{clusterName}", "getCluster", versions: clusterReadVersions, deprecations: clusters2023,
            run: ClusterOperations.get),
        Operation(
            .patch, clusters + "/{clusterName}", "updateCluster", versions: clusterWriteVersions,
            deprecations: clusters2023, run: ClusterOperations.update),
        Operation(
            .delete, clusters + "/{clusterName}", "deleteCluster", versions: [.v2023_01_01, .v2023_02_01],
            deprecations: [.v2023_01_01: clusters2023[.v2023_01_01]!], run: ClusterOperations.delete),
        // The v1.0 paths the Atlas CLI's `clusters upgrade` still uses (no media versions; legacy JSON).
        Operation(
            .get, "/api/atlas/v1.0/groups/{groupId}/clusters/{clusterName}", "getCluster", versions: [.v2023_01_01],
            unversioned: true, run: ClusterOperations.get),
        Operation(
            .post, "/api/atlas/v1.0/groups/{groupId}/clusters/tenantUpgrade", "upgradeSharedCluster",
            versions: [.v2023_01_01], unversioned: true, run: ClusterOperations.tenantUpgrade),

        // Flex clusters.
        Operation(.get, flexClusters, "listFlexClusters", versions: flexVersions, run: FlexClusterOperations.list),
        Operation(.post, flexClusters, "createFlexCluster", versions: flexVersions, run: FlexClusterOperations.create),
        Operation(
            .post, "/api/atlas/v2/groups/{groupId}/flexClusters:tenantUpgrade", "upgradeFlexCluster",
            versions: flexVersions, run: FlexClusterOperations.tenantUpgrade),
        Operation(.get, flexClusters + "/{name}", "getFlexCluster", versions: flexVersions, run: FlexClusterOperations.get),
        Operation(.patch, flexClusters + "/{name}", "updateFlexCluster", versions: flexVersions, run: FlexClusterOperations.update),
        Operation(.delete, flexClusters + "/{name}", "deleteFlexCluster", versions: flexVersions, run: FlexClusterOperations.delete),
    ]
}
