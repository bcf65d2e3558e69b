/// Every operation of the fake Atlas API: one line each, method, path, legacy operationId, versions and the
/// function that runs it. Adding an operation means a line here and a function in `Operations/`.
enum AtlasRoutes {
    private static let tenant = "/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/backup/tenant"
    private static let flex = "/api/atlas/v2/groups/{groupId}/flexClusters/{name}/backup"
    private static let tenantVersions = [APIVersion.v2023_01_01]
    private static let flexVersions = [APIVersion.v2024_11_13]

    static let all: [Operation] = [
        // OAuth 2.0 for service accounts: Basic client credentials, OAuth-shaped errors.
        Operation(
            .post, "/api/oauth/token", "createAccessToken", versions: tenantVersions,
            authentication: .ownCredentials, run: OAuthOperations.token),
        Operation(
            .post, "/api/oauth/revoke", "revokeAccessToken", versions: tenantVersions,
            authentication: .ownCredentials, run: OAuthOperations.revoke),

        // Shared-tier (M2/M5) backups, deprecated in favour of Flex.
        .deprecated(
            .get, tenant + "/restores", "listSharedClusterBackupRestoreJobs", versions: tenantVersions, .sharedTier,
            rateLimit: .tenantRestoreJobs, run: TenantRestoreOperations.list),
        .deprecated(
            .get, tenant + "/restores/{restoreId}", "getSharedClusterBackupRestoreJob", versions: tenantVersions,
            .sharedTier, rateLimit: .tenantRestoreJobs, run: TenantRestoreOperations.get),
        .deprecated(
            .post, tenant + "/restore", "createSharedClusterBackupRestoreJob", versions: tenantVersions, .sharedTier,
            rateLimit: .tenantRestoreJobs, run: TenantRestoreOperations.create),
        .deprecated(
            .get, tenant + "/snapshots", "listSharedClusterBackups", versions: tenantVersions, .sharedTier,
            rateLimit: .tenantSnapshots, run: TenantSnapshotOperations.list),
        .deprecated(
            .get, tenant + "/snapshots/{snapshotId}", "getSharedClusterBackup", versions: tenantVersions, .sharedTier,
            rateLimit: .tenantSnapshots, run: TenantSnapshotOperations.get),
        .deprecated(
            .post, tenant + "/download", "downloadSharedClusterBackup", versions: tenantVersions, .sharedTier,
            rateLimit: .tenantSnapshots, run: TenantSnapshotOperations.download),

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
    ]
}
