/// The shared-tier (M2/M5) snapshot operations, API version 2023-01-01, deprecated in favour of Flex.
enum TenantSnapshotOperations {
    static func list(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let cluster = try context.tenantCluster(in: try context.project(access: .readOnly))
        return try context.listPage(of: \.snapshots, cluster: cluster) {
            $0.tenantJSON(selfURL: context.resourceURL + "/" + $0.id)
        }
    }

    static func get(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let cluster = try context.tenantCluster(in: try context.project(access: .readOnly))
        return .entity(try context.snapshot(in: cluster).tenantJSON(selfURL: context.resourceURL))
    }

    /// `downloadSharedClusterBackup`: a `DOWNLOAD` job whose `snapshotUrl` stays valid four hours.
    static func download(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let cluster = try context.tenantCluster(in: try context.project(access: .owner))
        let body = try RequestBody(context.request.body, schema: .tenantDownload)
        let job = try context.createDownloadJob(
            from: cluster, snapshotId: body["snapshotId"]!, targetName: body["targetDeploymentItemName"],
            targetProjectId: body["targetProjectId"])
        return .entity(job.tenantJSON(selfURL: context.jobURL(job, collection: "restores")))
    }
}
