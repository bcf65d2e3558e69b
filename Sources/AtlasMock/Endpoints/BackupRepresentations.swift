/// The JSON shapes of restore jobs and snapshots, in each API's field names. Absent values are omitted.
extension RestoreJob {
    /// `TenantRestore`, with the `self` link Atlas documents for entities.
    func tenantJSON(selfURL: String) -> JSONValue {
        var members = self.commonMembers
        members["clusterName"] = .string(self.clusterName)
        members["links"] = .array([.object(["href": .string(selfURL), "rel": .string("self")])])
        return .object(members)
    }

    /// `FlexBackupRestoreJob20241113`: `instanceName` instead of `clusterName`, and no `links` (real Flex items
    /// carry none).
    var flexJSON: JSONValue {
        var members = self.commonMembers
        members["instanceName"] = .string(self.clusterName)
        return .object(members)
    }

    private var commonMembers: [String: JSONValue] {
        var members: [String: JSONValue] = [
            "id": .string(self.id),
            "projectId": .string(self.projectId),
            "snapshotId": .string(self.snapshotId),
        ]
        members["deliveryType"] = self.deliveryType.map { .string($0.rawValue) }
        members["status"] = self.status.map { .string($0.rawValue) }
        members["targetDeploymentItemName"] = self.targetDeploymentItemName.map { .string($0) }
        members["targetProjectId"] = self.targetProjectId.map { .string($0) }
        members["restoreScheduledDate"] = self.restoreScheduledDate.map { .string(AtlasDate.format($0)) }
        members["restoreFinishedDate"] = self.restoreFinishedDate.map { .string(AtlasDate.format($0)) }
        members["snapshotFinishedDate"] = self.snapshotFinishedDate.map { .string(AtlasDate.format($0)) }
        members["expirationDate"] = self.expirationDate.map { .string(AtlasDate.format($0)) }
        members["snapshotUrl"] = self.snapshotUrl.map { .string($0) }
        return members
    }
}
