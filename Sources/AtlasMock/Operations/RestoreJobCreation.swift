import FoundationEssentials

/// Creating restore and download jobs, shared by the tenant and Flex APIs (one store behind both).
extension OperationContext {
    /// How long Atlas keeps a restore job's link valid (observed on Flex: `restoreScheduledDate` + 6 h).
    static let restoreExpiry: TimeInterval = 6 * 3600
    /// A download's `snapshotUrl` "remains active for four hours after you make the request".
    static let downloadExpiry: TimeInterval = 4 * 3600

    /// The snapshot `snapshotId` of `cluster`. Atlas deletes a snapshot when it expires (it keeps the last 8, each
    /// `expiration` = `scheduledTime` + 8 days), so a listed one exists even when its `expiration` has passed on the
    /// mock clock: fixtures are a picture of what Atlas listed, and the mock does not delete them as time moves.
    /// Only a snapshot that failed has no data to restore (409 `CANNOT_START_RESTORE_JOB_FOR_DELETED_SNAPSHOT`).
    func restorableSnapshot(_ snapshotId: String, of cluster: Cluster) throws(AtlasFailure) -> TenantSnapshot {
        let key = ClusterKey(projectId: cluster.projectId, name: cluster.name)
        let now = self.now
        guard let snapshot = self.store.read({ $0.snapshots(of: key, at: now).first { $0.id == snapshotId } }) else {
            throw .api(.tenantSnapshotNotFound, .string(snapshotId), .string(cluster.name))
        }
        if snapshot.status == .failed { throw .api(.cannotStartRestoreJobForDeletedSnapshot, .string(snapshotId)) }
        return snapshot
    }

    /// Creates a `RESTORE` job from `cluster`'s snapshot into `targetName` in `targetProjectId` (default: the
    /// source project). The caller needs `access` on the target project too.
    func createRestoreJob(
        from cluster: Cluster, snapshotId: String, targetName: String, targetProjectId: String?, access: ProjectAccess
    ) throws(AtlasFailure) -> RestoreJob {
        let snapshot = try self.restorableSnapshot(snapshotId, of: cluster)
        let targetProjectId = targetProjectId ?? cluster.projectId
        guard let targetProject = self.store.read({ $0.projects[targetProjectId] }) else {
            throw .api(.groupNotFound, .string(targetProjectId))
        }
        try self.principal.authorize(access, on: targetProject)
        let targetKey = ClusterKey(projectId: targetProjectId, name: targetName)
        let now = self.now
        guard let target = self.store.read({ $0.cluster(targetKey, at: now) }) else {
            throw .api(.clusterNotFound, .string(targetName), .string(targetProjectId))
        }
        // An M0 cannot take a restore; nor can a cluster still being created or already being deleted.
        if case .shared("M0") = target.kind { throw .api(.tenantRestoreDestinationUnavailable, .string(targetName)) }
        if [.creating, .deleting].contains(target.state(at: now)) {
            throw .api(.tenantRestoreDestinationUnavailable, .string(targetName))
        }

        var job = self.newJob(from: cluster, snapshot: snapshot, delivery: .restore)
        job.targetDeploymentItemName = targetName
        job.targetProjectId = targetProjectId
        job.expirationDate = self.now.addingTimeInterval(Self.restoreExpiry)
        return try self.store.write { state throws(AtlasFailure) -> RestoreJob in
            // Checked under the same lock as the insert, so two concurrent restores cannot both pass.
            let busy = state.restoreJobs.values.contains { jobs in
                jobs.contains { existing in
                    existing.targetProjectId == targetProjectId && existing.targetDeploymentItemName == targetName
                        && existing.deliveryType != .download && existing.resolved(at: now).isInProgress
                }
            }
            if busy { throw .api(.atlasClusterRestoreInProgress, .string(targetName)) }
            state.insert(job)
            return job
        }
    }

    /// Creates a `DOWNLOAD` job for `cluster`'s snapshot, with a `snapshotUrl` valid for four hours. The tenant
    /// API's body (a `TenantRestore`) may name a target, which the job echoes as Atlas echoes request fields.
    func createDownloadJob(
        from cluster: Cluster, snapshotId: String, targetName: String? = nil, targetProjectId: String? = nil
    ) throws(AtlasFailure) -> RestoreJob {
        let snapshot = try self.restorableSnapshot(snapshotId, of: cluster)
        var job = self.newJob(from: cluster, snapshot: snapshot, delivery: .download)
        job.targetDeploymentItemName = targetName
        job.targetProjectId = targetName == nil ? targetProjectId : targetProjectId ?? cluster.projectId
        job.expirationDate = self.now.addingTimeInterval(Self.downloadExpiry)
        job.snapshotUrl = "\(self.baseURL)/backup/download/\(job.id)/\(snapshot.id).tar.gz"
        let key = ClusterKey(projectId: cluster.projectId, name: cluster.name)
        let now = self.now
        return try self.store.write { state throws(AtlasFailure) -> RestoreJob in
            let busy = (state.restoreJobs[key] ?? []).contains {
                $0.snapshotId == snapshotId && $0.deliveryType == .download && $0.resolved(at: now).isInProgress
            }
            if busy { throw .api(.cannotDownloadSnapshotConcurrently, .string(snapshotId)) }
            state.insert(job)
            return job
        }
    }

    private func newJob(from cluster: Cluster, snapshot: TenantSnapshot, delivery: DeliveryType) -> RestoreJob {
        let timeline = RestoreTimeline(
            scheduled: self.now, durations: self.settings.restorePhases,
            outcome: self.failsCreatedJobs ? .failed : .completed)
        return RestoreJob(
            id: Identifiers.makeObjectID(timestamp: Int(self.now.timeIntervalSince1970)), projectId: cluster.projectId,
            clusterName: cluster.name, snapshotId: snapshot.id, deliveryType: delivery, status: .pending,
            targetDeploymentItemName: nil, targetProjectId: nil, restoreScheduledDate: self.now,
            restoreFinishedDate: nil, snapshotFinishedDate: snapshot.finishTime, expirationDate: nil, snapshotUrl: nil,
            timeline: timeline)
    }
}
