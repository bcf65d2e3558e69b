import Foundation

/// A JSON request body checked the way Atlas checks them: not JSON → `MALFORMED_JSON`; not an object →
/// `INVALID_JSON`; an unknown attribute → `INVALID_ATTRIBUTE` ("rejected rather than ignored"); a read-only one →
/// `ATTRIBUTE_READ_ONLY`; a wrong type or pattern → `INVALID_JSON_ATTRIBUTE`; a missing required one →
/// `MISSING_ATTRIBUTE`. Every attribute of these schemas is a string.
struct RequestBody {
    struct Schema: Sendable {
        let writable: [String: @Sendable (String) -> Bool]
        let readOnly: Set<String>
        let required: [String]
    }

    private let members: [String: String]

    init(_ bytes: [UInt8], schema: Schema) throws(AtlasFailure) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
        } catch {
            throw .api(.malformedJSON)
        }
        guard let dictionary = object as? [String: Any] else { throw .api(.invalidJSON) }
        var members: [String: String] = [:]
        for name in dictionary.keys.sorted() {
            if schema.readOnly.contains(name) { throw .api(.attributeReadOnly, .string(name)) }
            guard let isValid = schema.writable[name] else { throw .api(.invalidAttribute, .string(name)) }
            if dictionary[name] is NSNull { continue }
            guard let value = dictionary[name] as? String, isValid(value) else {
                throw .api(.invalidJSONAttribute, .string(name))
            }
            members[name] = value
        }
        for name in schema.required where members[name] == nil {
            throw .api(.missingAttribute, .string(name))
        }
        self.members = members
    }

    subscript(_ name: String) -> String? { self.members[name] }
}

extension RequestBody.Schema {
    private static let jobReadOnly: Set<String> = [
        "clusterName", "deliveryType", "expirationDate", "id", "instanceName", "links", "projectId", "restoreFinishedDate",
        "restoreScheduledDate", "snapshotFinishedDate", "snapshotUrl", "status",
    ]
    private static let restoreTarget: [String: @Sendable (String) -> Bool] = [
        "snapshotId": { Identifiers.isObjectID($0) },
        "targetDeploymentItemName": { Identifiers.isDeploymentItemName($0) },
        "targetProjectId": { Identifiers.isObjectID($0) },
    ]

    /// `TenantRestore` as the body of a tenant restore; `instanceName` is a Flex-only read-only field.
    static let tenantRestore = Self(
        writable: restoreTarget, readOnly: jobReadOnly.subtracting(["instanceName"]),
        required: ["snapshotId", "targetDeploymentItemName"])
    /// `TenantRestore` as the body of a tenant download. The schema marks `targetDeploymentItemName` required even
    /// here; what Atlas enforced is unknown, so a download needs only the snapshot.
    static let tenantDownload = Self(
        writable: restoreTarget, readOnly: jobReadOnly.subtracting(["instanceName"]), required: ["snapshotId"])
    /// `FlexBackupRestoreJobCreate20241113`.
    static let flexRestore = Self(
        writable: restoreTarget, readOnly: jobReadOnly.subtracting(["clusterName"]),
        required: ["snapshotId", "targetDeploymentItemName"])
    /// `FlexBackupSnapshotDownloadCreate20241113`.
    static let flexDownload = Self(writable: ["snapshotId": { Identifiers.isObjectID($0) }], readOnly: ["links"], required: ["snapshotId"])
}
