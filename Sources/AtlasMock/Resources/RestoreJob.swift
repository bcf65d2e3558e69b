import FoundationEssentials

/// The phases Atlas reports for restore jobs and snapshots (spec enum).
public enum BackupStatus: String, Sendable, CaseIterable {
    case pending = "PENDING"
    case queued = "QUEUED"
    case running = "RUNNING"
    case failed = "FAILED"
    case completed = "COMPLETED"
}

public enum DeliveryType: String, Sendable, CaseIterable {
    case restore = "RESTORE"
    case download = "DOWNLOAD"
}

/// A restore or download job (`TenantRestore` / `FlexBackupRestoreJob20241113`); one record serves both APIs.
public struct RestoreJob: Sendable, Equatable {
    public var id: String
    public var projectId: String
    public var clusterName: String
    public var snapshotId: String
    public var deliveryType: DeliveryType?
    public var status: BackupStatus?
    public var targetDeploymentItemName: String?
    public var targetProjectId: String?
    public var restoreScheduledDate: Date?
    public var restoreFinishedDate: Date?
    public var snapshotFinishedDate: Date?
    public var expirationDate: Date?
    public var snapshotUrl: String?
    /// Set on jobs created through the API: their status follows this timeline on the mock clock. Jobs loaded
    /// from fixtures have none and keep the status they were given.
    public var timeline: RestoreTimeline? = nil
}

extension RestoreJob {
    /// `TenantRestore` exactly as Atlas returns it; `links` is accepted and ignored (it is derived when served).
    static let schema = ResourceSchema<RestoreJob>(
        "tenantRestoreJobs", blank: { RestoreJob(id: "", projectId: "", clusterName: "", snapshotId: "") },
        fields: [
            .required("id", \.id, .objectID, readOnly: true, "the job id (unique)"),
            .required("projectId", \.projectId, .reference, readOnly: true, "the source cluster's project"),
            .required("clusterName", \.clusterName, FieldCodec.clusterName.sharing(), readOnly: true, "the source cluster (must exist)"),
            .required(
                "snapshotId", \.snapshotId, .reference,
                "the snapshot restored; need not be loaded, as Atlas keeps jobs whose snapshots expired"),
            .optional("deliveryType", \.deliveryType, .enumeration, readOnly: true, "restore or download"),
            .optional("status", \.status, .enumeration, readOnly: true, "kept as given (fixture jobs do not progress)"),
            .optional(
                "targetDeploymentItemName", \.targetDeploymentItemName, FieldCodec.deploymentItemName.sharing(), "the restore target"),
            .optional("targetProjectId", \.targetProjectId, .reference, "the target's project"),
            .optional("restoreScheduledDate", \.restoreScheduledDate, .date, readOnly: true, "when it was requested"),
            .optional("restoreFinishedDate", \.restoreFinishedDate, .date, readOnly: true, "when it ended"),
            .optional(
                "snapshotFinishedDate", \.snapshotFinishedDate, .date, readOnly: true, "when its snapshot finished"),
            .optional("expirationDate", \.expirationDate, .date, readOnly: true, "when its link expires"),
            .optional("snapshotUrl", \.snapshotUrl, .string, readOnly: true, "a download's URL"),
            .ignored("links", .anyArray, "accepted and ignored: derived when served"),
        ])

    /// `TenantRestore`, with the `self` link Atlas documents for entities.
    static let tenantView = Self.schema.view(links: true)
    /// `FlexBackupRestoreJob20241113`: `instanceName` instead of `clusterName`, and no `links` (real Flex items
    /// carry none).
    static let flexView = Self.schema.view(renaming: Self.flexSpelling, links: false)
    /// `FlexBackupSnapshotDownloadCreate20241113`: only the snapshot.
    static let flexDownloadRequest = Self.schema.view(including: ["snapshotId", "links"], links: false)

    init(id: String, projectId: String, clusterName: String, snapshotId: String) {
        self.init(
            id: id, projectId: projectId, clusterName: clusterName, snapshotId: snapshotId, deliveryType: nil,
            status: nil, targetDeploymentItemName: nil, targetProjectId: nil, restoreScheduledDate: nil,
            restoreFinishedDate: nil, snapshotFinishedDate: nil, expirationDate: nil, snapshotUrl: nil)
    }

    var isInProgress: Bool { self.status == .pending || self.status == .queued || self.status == .running }
}
