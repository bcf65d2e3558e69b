/// The request bodies of the project, cluster and Flex cluster operations, as the spec declares them (field
/// names, types, enums, read-only marks), with Atlas's own errors for names, providers and sizes.
enum ClusterRequestSchemas {
    typealias Field = RequestSchema.Field

    /// Cluster names: `^[a-zA-Z0-9][a-zA-Z0-9-]*$`, at most 64 characters (the length Atlas documents for names).
    static let maxClusterNameLength = 64

    static let clusterName = Field(kind: .string, required: true) { (name) throws(AtlasFailure) in
        guard Identifiers.isClusterName(name) else { throw .api(.clusterNameInvalid, .string(name)) }
        guard name.utf8.count <= Self.maxClusterNameLength else {
            throw .api(.clusterNameTooLong, .string(name), .int(Self.maxClusterNameLength))
        }
    }

    static let tags = Field(
        kind: .array(
            .object(
                RequestSchema(fields: [
                    "key": Field(kind: .string, required: true, rule: Self.tagText("tags.key")),
                    "value": Field(kind: .string, required: true, rule: Self.tagText("tags.value")),
                ]))))

    /// `ResourceTag` keys and values: 1–255 characters.
    private static func tagText(_ attribute: String) -> @Sendable (String) throws(AtlasFailure) -> Void {
        { (text) throws(AtlasFailure) in
            guard (1...255).contains(text.count) else { throw .api(.invalidJSONAttribute, .string(attribute)) }
        }
    }

    private static func objectID(_ attribute: String) -> @Sendable (String) throws(AtlasFailure) -> Void {
        { (text) throws(AtlasFailure) in
            guard Identifiers.isObjectID(text) else { throw .api(.invalidJSONAttribute, .string(attribute)) }
        }
    }

    private static let readOnlyString = Field(kind: .string, readOnly: true)
    private static let readOnlyAny = Field(kind: .anyObject, readOnly: true)
    private static let links = Field(kind: .array(.anyObject), readOnly: true)

    // MARK: Projects

    /// `Group` (createGroup): `name` (1–64 of letters, numbers and `-_.(),:&@+'`) and `orgId` required.
    static let group = RequestSchema(fields: [
        "clusterCount": Field(kind: .integer, readOnly: true),
        "created": readOnlyString,
        "id": readOnlyString,
        "links": links,
        "name": Field(kind: .string, required: true) { (name) throws(AtlasFailure) in
            guard Identifiers.isDeploymentItemName(name) else { throw .api(.invalidGroupName, .string(name)) }
        },
        "orgId": Field(kind: .string, required: true, rule: Self.objectID("orgId")),
        "regionUsageRestrictions": Field(kind: .enumeration(["COMMERCIAL_FEDRAMP_REGIONS_ONLY", "GOV_REGIONS_ONLY"])),
        "tags": tags,
        "withDefaultAlertsSettings": Field(kind: .bool),
    ])

    // MARK: Flex clusters

    /// `FlexClusterDescriptionCreate20241113`.
    static let flexCreate = RequestSchema(fields: [
        "links": links,
        "name": clusterName,
        "providerSettings": Field(
            kind: .object(
                RequestSchema(fields: [
                    "backingProviderName": Field(kind: .enumeration(["AWS", "AZURE", "GCP"]), required: true),
                    "diskSizeGB": Field(kind: .number, readOnly: true),
                    "providerName": Field(kind: .enumeration(["FLEX"]), readOnly: true),
                    "regionName": Field(kind: .string, required: true),
                ])), required: true),
        "tags": tags,
        "terminationProtectionEnabled": Field(kind: .bool),
    ])

    /// `FlexClusterDescriptionUpdate20241113`: tags and termination protection only.
    static let flexUpdate = RequestSchema(fields: [
        "links": links, "tags": tags, "terminationProtectionEnabled": Field(kind: .bool),
    ])

    // MARK: Clusters

    private static let providerName = Field(kind: .string, required: true) { (provider) throws(AtlasFailure) in
        guard ["AWS", "AZURE", "GCP", "TENANT"].contains(provider) else {
            throw .api(.invalidProvider, .string(provider))
        }
    }

    private static let instanceSizes = ClusterTiers.shared + ClusterTiers.dedicated

    private static func hardware(_ view: ClusterRepresentation.View) -> Field {
        var fields: [String: Field] = [
            "diskIOPS": Field(kind: .integer),
            "ebsVolumeType": Field(kind: .enumeration(["STANDARD", "PROVISIONED"])),
            "effectiveInstanceSize": Field(kind: .string, readOnly: true),
            "instanceSize": Field(kind: .enumeration(Self.instanceSizes)),
            "nodeCount": Field(kind: .integer),
        ]
        if view == .current { fields["diskSizeGB"] = Field(kind: .number) }
        return Field(kind: .object(RequestSchema(fields: fields)))
    }

    private static func regionConfig(_ view: ClusterRepresentation.View) -> RequestSchema {
        var fields: [String: Field] = [
            "analyticsAutoScaling": Field(kind: .anyObject),
            "analyticsSpecs": hardware(view),
            "autoScaling": Field(kind: .anyObject),
            "backingProviderName": Field(kind: .enumeration(["AWS", "AZURE", "GCP"])),
            "electableSpecs": hardware(view),
            "priority": Field(kind: .integer),
            "providerName": providerName,
            "readOnlySpecs": hardware(view),
            "regionName": Field(kind: .string, required: true),
        ]
        if view == .current {
            for name in ["effectiveAnalyticsSpecs", "effectiveElectableSpecs", "effectiveReadOnlySpecs"] {
                fields[name] = readOnlyAny
            }
        }
        return RequestSchema(fields: fields)
    }

    private static func replicationSpec(_ view: ClusterRepresentation.View) -> RequestSchema {
        var fields: [String: Field] = [
            "id": readOnlyString,
            "regionConfigs": Field(kind: .array(.object(Self.regionConfig(view))), required: true),
            "zoneId": readOnlyString,
            "zoneName": Field(kind: .string),
        ]
        if view == .advanced { fields["numShards"] = Field(kind: .integer) }
        return RequestSchema(fields: fields)
    }

    /// Members every version's cluster body has (`ClusterDescription20240805`, `AdvancedClusterDescription`,
    /// `LegacyAtlasCluster`); `adaptiveCapacity` and `effectiveDatabaseEdition` are what Atlas sends but the spec
    /// lacks, accepted read-only so a description read and sent back passes.
    private static let common: [String: Field] = [
        "acceptDataRisksAndForceReplicaSetReconfig": Field(kind: .string),
        "adaptiveCapacity": readOnlyAny,
        "advancedConfiguration": Field(kind: .anyObject),
        "backupEnabled": Field(kind: .bool),
        "biConnector": Field(kind: .anyObject),
        "clusterType": Field(kind: .enumeration(["REPLICASET", "SHARDED", "GEOSHARDED"])),
        "configServerManagementMode": Field(kind: .enumeration(["ATLAS_MANAGED", "FIXED_TO_DEDICATED"])),
        "configServerType": readOnlyString,
        "connectionStrings": readOnlyAny,
        "createDate": readOnlyString,
        "diskWarmingMode": Field(kind: .enumeration(["FULLY_WARMED", "VISIBLE_EARLIER"])),
        "effectiveDatabaseEdition": readOnlyString,
        "encryptionAtRestProvider": Field(kind: .enumeration(["NONE", "AWS", "AZURE", "GCP"])),
        "featureCompatibilityVersion": readOnlyString,
        "featureCompatibilityVersionExpirationDate": readOnlyString,
        "globalClusterSelfManagedSharding": Field(kind: .bool),
        "groupId": readOnlyString,
        "id": readOnlyString,
        "labels": Field(kind: .array(.anyObject)),
        "links": links,
        "mongoDBEmployeeAccessGrant": Field(kind: .anyObject),
        "mongoDBMajorVersion": Field(kind: .string),
        "mongoDBVersion": readOnlyString,
        "paused": Field(kind: .bool),
        "pitEnabled": Field(kind: .bool),
        "replicaSetScalingStrategy": Field(kind: .enumeration(["SEQUENTIAL", "WORKLOAD_TYPE", "NODE_TYPE"])),
        "rootCertType": Field(kind: .enumeration(["ISRGROOTX1"])),
        "stateName": readOnlyString,
        "tags": tags,
        "terminationProtectionEnabled": Field(kind: .bool),
        "versionReleaseSystem": Field(kind: .enumeration(["LTS", "CONTINUOUS"])),
    ]

    /// The 2023-01-01 `providerSettings` (`ClusterProviderSettings` and its per-provider forms).
    private static let legacyProviderSettings = RequestSchema(fields: [
        "autoScaling": Field(kind: .anyObject),
        "backingProviderName": Field(kind: .enumeration(["AWS", "AZURE", "GCP"])),
        "diskIOPS": Field(kind: .integer),
        "effectiveInstanceSizeName": readOnlyString,
        "encryptEBSVolume": Field(kind: .bool),
        "instanceSizeName": Field(kind: .enumeration(Self.instanceSizes + [ClusterTiers.flex])),
        "providerName": Field(kind: .string, required: true) { (provider) throws(AtlasFailure) in
            guard ["AWS", "AZURE", "GCP", "TENANT", "FLEX"].contains(provider) else {
                throw .api(.invalidProvider, .string(provider))
            }
        },
        "regionName": Field(kind: .string),
        "volumeType": Field(kind: .enumeration(["STANDARD", "PROVISIONED"])),
    ])

    /// The cluster body of `view`'s versions; `create` makes `name` required (an update names it in the path).
    static func cluster(_ view: ClusterRepresentation.View, create: Bool) -> RequestSchema {
        var fields = Self.common
        fields["name"] = create ? Self.clusterName : Field(kind: .string, rule: Self.clusterName.rule)
        switch view {
        case .current:
            fields["effectiveReplicationSpecs"] = Field(kind: .array(.anyObject), readOnly: true)
            fields["internalClusterRole"] = readOnlyString
            fields["redactClientLogData"] = Field(kind: .bool)
            fields["replicationSpecs"] = Field(kind: .array(.object(Self.replicationSpec(view))))
            fields["retainBackups"] = Field(kind: .bool)
            fields["useAwsTimeBasedSnapshotCopyForFastInitialSync"] = Field(kind: .bool)
        case .advanced:
            fields["diskSizeGB"] = Field(kind: .number)
            fields["replicationSpecs"] = Field(kind: .array(.object(Self.replicationSpec(view))))
        case .legacy:
            fields["autoScaling"] = Field(kind: .anyObject)
            fields["deleteAfterCreationHours"] = Field(kind: .integer)
            fields["deleteAfterDate"] = readOnlyString
            fields["diskSizeGB"] = Field(kind: .number)
            fields["mongoDBVersion"] = Field(kind: .string)
            for name in ["mongoURI", "mongoURIUpdated", "mongoURIWithOptions", "srvAddress"] {
                fields[name] = readOnlyString
            }
            fields["numShards"] = Field(kind: .integer)
            fields["providerBackupEnabled"] = Field(kind: .bool)
            fields["providerSettings"] = Field(kind: .object(Self.legacyProviderSettings))
            fields["replicationFactor"] = Field(kind: .integer)
            fields["replicationSpec"] = Field(kind: .anyObject)
            fields["replicationSpecs"] = Field(kind: .array(.anyObject))
        }
        return RequestSchema(fields: fields)
    }

    /// `LegacyAtlasTenantClusterUpgradeRequest` (tenantUpgrade, 2023-01-01): a `LegacyAtlasCluster` with `name`
    /// required and the target in `providerSettings`.
    static let tenantUpgrade: RequestSchema = {
        var schema = Self.cluster(.legacy, create: true)
        schema.fields["providerSettings"]?.required = true
        return schema
    }()

    /// `AtlasTenantClusterUpgradeRequest20240805` (flexClusters:tenantUpgrade): the target as replication specs.
    static let flexTenantUpgrade = Self.cluster(.current, create: true)
}
