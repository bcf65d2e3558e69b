import FoundationEssentials

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
        let dictionary: [String: Member]
        switch Self.parseObject(bytes) {
        case .malformed: throw .api(.malformedJSON)
        case .notAnObject: throw .api(.invalidJSON)
        case .object(let parsed): dictionary = parsed
        }
        var members: [String: String] = [:]
        for name in dictionary.keys.sorted() {
            if schema.readOnly.contains(name) { throw .api(.attributeReadOnly, .string(name)) }
            guard let isValid = schema.writable[name] else { throw .api(.invalidAttribute, .string(name)) }
            switch dictionary[name] {
            case .null: continue
            case .string(let value) where isValid(value): members[name] = value
            default: throw .api(.invalidJSONAttribute, .string(name))
            }
        }
        for name in schema.required where members[name] == nil {
            throw .api(.missingAttribute, .string(name))
        }
        self.members = members
    }

    subscript(_ name: String) -> String? { self.members[name] }

    /// What a member's value can be, as far as these schemas care.
    private enum Member {
        case null
        case string(String)
        case other
    }

    private enum ParsedBody {
        case malformed
        case notAnObject
        case object([String: Member])
    }

    /// Parsed with the package's strict RFC 8259 parser (the fixtures'); a repeated name keeps its last value.
    private static func parseObject(_ bytes: [UInt8]) -> ParsedBody {
        guard !bytes.isEmpty else { return .malformed }
        return bytes.withUnsafeBufferPointer { buffer in
            guard let document = try? FixtureJSONParser.parse(buffer) else { return .malformed }
            guard case .object(let pairs) = document else { return .notAnObject }
            var members: [String: Member] = [:]
            for (key, value) in pairs {
                members[FixtureJSONParser.string(key, in: buffer)] = switch value {
                case .null: .null
                case .string(let text): .string(FixtureJSONParser.string(text, in: buffer))
                default: .other
                }
            }
            return .object(members)
        }
    }
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
