/// The Flex backup operations (API version 2024-11-13), which replace the tenant ones. They serve every Flex
/// cluster, including those migrated from M2/M5, over the same store, with Flex field names and no item links.
enum FlexBackupOperations {
    /// Project roles besides Project Owner that may create a Flex restore job: the spec names Project Backup
    /// Recovery Operator; Project Backup Manager is not named anywhere and kept as the broader backup role (inferred).
    static let restoreRoles = ["GROUP_BACKUP_RECOVERY_OPERATOR", "GROUP_BACKUP_MANAGER"]
    /// Likewise for a Flex download: the spec names Project Backup Export Operator.
    static let downloadRoles = ["GROUP_BACKUP_EXPORT_OPERATOR", "GROUP_BACKUP_MANAGER"]


    static func listJobs(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let cluster = try context.flexCluster(in: try context.project(access: .readOnly))
        let now = context.now
        return try context.listPage(of: \.restoreJobs, cluster: cluster) { RestoreJob.flexView.render($0.resolved(at: now)) }
    }

    static func getJob(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let cluster = try context.flexCluster(in: try context.project(access: .readOnly))
        return .entity(RestoreJob.flexView.render(try context.restoreJob(in: cluster, parameterName: "restoreJobId")))
    }

    static func createJob(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let access = ProjectAccess.ownerOr(Self.restoreRoles)
        let cluster = try context.flexCluster(in: try context.project(access: access))
        let body = try RequestBody.decode(
            context.request.body, as: RestoreJob.flexView, required: ["snapshotId", "targetDeploymentItemName"])
        let job = try context.createRestoreJob(
            from: cluster, snapshotId: body.snapshotId, targetName: body.targetDeploymentItemName!,
            targetProjectId: body.targetProjectId, access: access)
        return .entity(RestoreJob.flexView.render(job))
    }

    static func listSnapshots(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let cluster = try context.flexCluster(in: try context.project(access: .readOnly))
        return try context.snapshotPage(of: cluster) { TenantSnapshot.flexView.render($0) }
    }

    static func getSnapshot(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let cluster = try context.flexCluster(in: try context.project(access: .readOnly))
        return .entity(TenantSnapshot.flexView.render(try context.snapshot(in: cluster)))
    }

    /// `downloadFlexBackup`: answers with a `FlexBackupRestoreJob20241113` of delivery type `DOWNLOAD`.
    static func download(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let cluster = try context.flexCluster(in: try context.project(access: .ownerOr(Self.downloadRoles)))
        let body = try RequestBody.decode(
            context.request.body, as: RestoreJob.flexDownloadRequest, required: ["snapshotId"])
        return .entity(RestoreJob.flexView.render(try context.createDownloadJob(from: cluster, snapshotId: body.snapshotId)))
    }
}

extension OperationContext {
    /// The Flex cluster `{name}` names: any Flex cluster, whatever its origin; others are refused.
    func flexCluster(in project: Project) throws(AtlasFailure) -> Cluster {
        let cluster = try self.cluster(in: project, parameterName: "name")
        guard case .flex = cluster.kind else { throw .api(.cannotUseNonFlexClusterInFlexAPI, .string(cluster.name)) }
        return cluster
    }
}
