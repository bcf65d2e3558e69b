import FoundationEssentials

/// A shared-tier or Flex snapshot (`BackupTenantSnapshot` / `FlexBackupSnapshot20241113`).
public struct TenantSnapshot: Sendable, Equatable {
    public var id: String
    /// The cluster it belongs to; Atlas's snapshot objects do not name it (fixtures group snapshots under it).
    public var projectId: String
    public var clusterName: String
    public var status: BackupStatus?
    public var mongoDBVersion: String?
    public var scheduledTime: Date?
    public var startTime: Date?
    public var finishTime: Date?
    public var expiration: Date?
}

extension TenantSnapshot {
    /// The snapshot object exactly as Atlas returns it; `links` is accepted and ignored.
    static let schema = ResourceSchema<TenantSnapshot>(
        "snapshots", blank: { TenantSnapshot(id: "", projectId: "", clusterName: "") },
        fields: [
            .required("id", \.id, .objectID, "the snapshot id (unique)"),
            .ignored("links", .anyArray, "accepted and ignored: derived when served"),
            .optional("status", \.status, .enumeration, "the snapshot's state"),
            .optional("mongoDBVersion", \.mongoDBVersion, .string, "the server version snapshotted"),
            .optional("scheduledTime", \.scheduledTime, .date, "when it was scheduled"),
            .optional("startTime", \.startTime, .date, "when it started"),
            .optional("finishTime", \.finishTime, .date, "when it finished"),
            .optional("expiration", \.expiration, .date, "when Atlas deletes it"),
        ])

    /// `BackupTenantSnapshot`, with the `self` link Atlas documents for entities.
    static let tenantView = Self.schema.view(links: true)
    /// `FlexBackupSnapshot20241113`: the same fields, without `links` (real Flex items carry none).
    static let flexView = Self.schema.view(links: false)

    init(id: String, projectId: String, clusterName: String) {
        self.init(
            id: id, projectId: projectId, clusterName: clusterName, status: nil, mongoDBVersion: nil,
            scheduledTime: nil, startTime: nil, finishTime: nil, expiration: nil)
    }
}

/// A cluster's snapshots as fixtures write them: `{"projectId", "clusterName", "snapshots": […]}`.
struct SnapshotGroup: Sendable {
    var projectId: String
    var clusterName: String
    var snapshots: LocatedRecords<TenantSnapshot>

    static let schema = ResourceSchema<SnapshotGroup>(
        "tenantSnapshots", blank: { SnapshotGroup(projectId: "", clusterName: "", snapshots: LocatedRecords()) },
        fields: [
            .required("projectId", \.projectId, .reference, "the cluster's project"),
            .required("clusterName", \.clusterName, .clusterName, "the cluster (must exist)"),
            .required(
                "snapshots", \.snapshots, .records(TenantSnapshot.schema, type: "array of `BackupTenantSnapshot`"),
                "the cluster's snapshots, as Atlas lists them"),
        ],
        check: { group, _, _, _ in
            // Atlas's snapshot objects do not name their cluster; the group does.
            for index in group.snapshots.records.indices {
                group.snapshots.records[index].projectId = group.projectId
                group.snapshots.records[index].clusterName = group.clusterName
            }
            return true
        })
}
