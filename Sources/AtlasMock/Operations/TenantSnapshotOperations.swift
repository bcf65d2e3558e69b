/// The shared-tier (M2/M5) snapshot operations, API version 2023-01-01, deprecated in favour of Flex.
enum TenantSnapshotOperations {
    static func list(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let cluster = try context.tenantCluster(in: try context.project(access: .readOnly))
        return try context.listPage(of: \.snapshots, cluster: cluster, order: .oldestFirst) {
            TenantSnapshot.tenantView.render($0, selfURL: context.resourceURL + "/" + $0.id)
        }
    }

    static func get(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let cluster = try context.tenantCluster(in: try context.project(access: .readOnly))
        return .entity(TenantSnapshot.tenantView.render(try context.snapshot(in: cluster), selfURL: context.resourceURL))
    }

    /// `downloadSharedClusterBackup`: a `DOWNLOAD` job whose `snapshotUrl` stays valid four hours.
    static func download(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let cluster = try context.tenantCluster(in: try context.project(access: .owner))
        // The schema marks `targetDeploymentItemName` required even here; what Atlas enforced is unknown, so a
        // download needs only the snapshot.
        let body = try RequestBody.decode(context.request.body, as: RestoreJob.tenantView, required: ["snapshotId"])
        let job = try context.createDownloadJob(
            from: cluster, snapshotId: body.snapshotId, targetName: body.targetDeploymentItemName,
            targetProjectId: body.targetProjectId)
        return .entity(RestoreJob.tenantView.render(job, selfURL: context.jobURL(job, collection: "restores")))
    }
}
