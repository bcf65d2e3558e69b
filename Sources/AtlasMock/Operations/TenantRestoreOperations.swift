/// The shared-tier (M2/M5) restore-job operations, API version 2023-01-01, deprecated in favour of Flex.
enum TenantRestoreOperations {
    /// `listSharedClusterBackupRestoreJobs`: a newest-first page of the cluster's jobs. The spec declares no
    /// paging parameters here, but Atlas answers with the paging envelope; atlas-mock honours them like other lists.
    static func list(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let cluster = try context.tenantCluster(in: try context.project(access: .readOnly))
        let now = context.now
        return try context.listPage(of: \.restoreJobs, cluster: cluster, order: .newestFirst) {
            RestoreJob.tenantView.render($0.resolved(at: now), selfURL: context.resourceURL + "/" + $0.id)
        }
    }

    static func get(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let cluster = try context.tenantCluster(in: try context.project(access: .readOnly))
        let job = try context.restoreJob(in: cluster, parameterName: "restoreId")
        return .entity(RestoreJob.tenantView.render(job, selfURL: context.resourceURL))
    }

    /// `createSharedClusterBackupRestoreJob`: answers 200 (not 201) with the new `PENDING` job.
    static func create(_ context: OperationContext) throws(AtlasFailure) -> OperationResult {
        let cluster = try context.tenantCluster(in: try context.project(access: .owner))
        let body = try RequestBody.decode(
            context.request.body, as: RestoreJob.tenantView, required: ["snapshotId", "targetDeploymentItemName"])
        let job = try context.createRestoreJob(
            from: cluster, snapshotId: body.snapshotId, targetName: body.targetDeploymentItemName!,
            targetProjectId: body.targetProjectId, access: .owner)
        return .entity(RestoreJob.tenantView.render(job, selfURL: context.jobURL(job, collection: "restores")))
    }
}

extension OperationContext {
    /// The canonical URL of a job created by a POST whose own path ends in a verb (`/restore`, `/download`).
    func jobURL(_ job: RestoreJob, collection: String) -> String {
        let path = self.request.path
        let parent = path[..<(path.lastIndex(of: "/") ?? path.endIndex)]
        return self.baseURL + parent + "/" + collection + "/" + job.id
    }
}
