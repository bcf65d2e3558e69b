import AtlasMockHTTP
import FoundationEssentials

/// A cluster as the clusters API shows it, in each of its media versions, as recorded from Atlas (17,793 objects):
/// alphabetical top-level keys; TENANT region configs in their own key order (`electableSpecs, backingProviderName,
/// priority, providerName, regionName`); dedicated ones alphabetical; self/restoreJobs/snapshots links; `tags`
/// missing from a create answer without tags.
enum ClusterRepresentation {
    /// The three shapes behind the four media versions.
    enum View: Sendable, Equatable {
        /// 2023-01-01, `LegacyAtlasCluster` (also the `/api/atlas/v1.0` paths).
        case legacy
        /// 2023-02-01, `AdvancedClusterDescription`.
        case advanced
        /// 2024-08-05 and 2024-10-23, `ClusterDescription20240805`: explicit `"adaptiveCapacity": null` first (as
        /// Atlas has written since 2026-05), the `effective*` fields, no `numShards`, disk sizes inside the specs.
        case current
    }

    static func json(
        _ cluster: Cluster, view: View, at now: Date, baseURL: String, omitTags: Bool = false
    ) -> JSONValue {
        let standard = cluster.hasStandardConnectionString(at: now)
        var members: [String: JSONValue] = [
            "backupEnabled": .bool(cluster.isTenantForm ? cluster.tenantInstanceSize != "M0" : false),
            "biConnector": .object(["enabled": .bool(false), "readPreference": .string("secondary")]),
            "clusterType": .string(cluster.dedicated?.clusterType ?? "REPLICASET"),
            "connectionStrings": ClusterConnectionStrings.json(of: cluster, standard: standard),
            "createDate": .string(AtlasDate.format(cluster.createDate)),
            "diskWarmingMode": .string("FULLY_WARMED"),
            "encryptionAtRestProvider": .string("NONE"),
            "globalClusterSelfManagedSharding": .bool(false),
            "groupId": .string(cluster.projectId),
            "id": .string(cluster.id),
            "labels": .array([]),
            "links": Self.links(cluster, baseURL: baseURL),
            "mongoDBMajorVersion": .string(cluster.mongoDBMajorVersion),
            "mongoDBVersion": .string(cluster.mongoDBVersion),
            "name": .string(cluster.name),
            "paused": .bool(false),
            "pitEnabled": .bool(false),
            "rootCertType": .string("ISRGROOTX1"),
            "stateName": .string(cluster.state(at: now).rawValue),
            "terminationProtectionEnabled": .bool(cluster.terminationProtectionEnabled),
            "versionReleaseSystem": .string("LTS"),
        ]
        if !omitTags { members["tags"] = .array(cluster.tags.map(\.json)) }
        let specs = cluster.isTenantForm
            ? [Self.tenantReplicationSpec(cluster, view: view)]
            : (cluster.dedicated?.replicationSpecs ?? []).map { Self.dedicatedReplicationSpec($0, view: view) }
        members["replicationSpecs"] = .array(specs)
        switch view {
        case .current:
            members["adaptiveCapacity"] = .null
            members["effectiveDatabaseEdition"] = .string("CORE")
            members["effectiveReplicationSpecs"] = .array(specs)
            members["featureCompatibilityVersion"] = .string(cluster.mongoDBMajorVersion)
            members["internalClusterRole"] = .string("NONE")
            members["redactClientLogData"] = .bool(false)
            members["retainBackups"] = .bool(false)
            members["useAwsTimeBasedSnapshotCopyForFastInitialSync"] = .bool(false)
        case .advanced:
            members["diskSizeGB"] = .number(Self.diskSizeGB(of: cluster))
        case .legacy:
            members["diskSizeGB"] = .number(Self.diskSizeGB(of: cluster))
            members["replicationSpecs"] = .array([Self.legacyReplicationSpec(cluster)])
            Self.addLegacyMembers(cluster, standard: standard, to: &members)
        }
        // Writable settings a dedicated cluster was created or updated with are echoed as sent.
        if let settings = cluster.dedicated?.settings {
            for (key, value) in settings where members[key] != nil || Self.echoed(key, in: view) { members[key] = value }
        }
        return .object(members)
    }

    /// Settings that only appear when a client set them.
    private static func echoed(_ key: String, in view: View) -> Bool {
        ["acceptDataRisksAndForceReplicaSetReconfig", "advancedConfiguration", "configServerManagementMode",
         "mongoDBEmployeeAccessGrant", "replicaSetScalingStrategy"].contains(key)
    }

    static func links(_ cluster: Cluster, baseURL: String) -> JSONValue {
        let selfURL = "\(baseURL)/api/atlas/v2/groups/\(cluster.projectId)/clusters/\(cluster.name)"
        return .array([
            GroupRepresentation.link(selfURL, rel: "self"),
            GroupRepresentation.link(selfURL + "/backup/restoreJobs", rel: "https://cloud.mongodb.com/restoreJobs"),
            GroupRepresentation.link(selfURL + "/backup/snapshots", rel: "https://cloud.mongodb.com/snapshots"),
        ])
    }

    /// A tenant's disk: 0.5 GB for an M0, 2 GB for an M2, 5 GB for an M5; a dedicated cluster's as asked.
    static func diskSizeGB(of cluster: Cluster) -> String {
        if cluster.isTenantForm {
            switch cluster.tenantInstanceSize {
            case "M2": return "2.0"
            case "M5": return "5.0"
            default: return "0.5"
            }
        }
        let electable = cluster.dedicated?.replicationSpecs.first?.regionConfigs.first?.electableSpecs
        return electable?.diskSizeGB ?? DedicatedDefaults.diskSizeGB(for: electable?.instanceSize ?? "M10")
    }

    // MARK: TENANT form

    private static func tenantReplicationSpec(_ cluster: Cluster, view: View) -> JSONValue {
        let size = cluster.tenantInstanceSize ?? "M0"
        // A Flex cluster shown in TENANT form is effectively FLEX (the spec's `effectiveInstanceSize` enum has it).
        let effective = if case .flex = cluster.kind { "FLEX" } else { size }
        var electable: [(String, JSONValue)] = [
            ("effectiveInstanceSize", .string(effective)), ("instanceSize", .string(size)),
        ]
        if view == .current { electable.append(("diskSizeGB", .number(Self.diskSizeGB(of: cluster)))) }
        let region = JSONValue.orderedObject([
            ("electableSpecs", .orderedObject(electable)),
            ("backingProviderName", .string(cluster.backingProviderName)),
            ("priority", .int(7)),
            ("providerName", .string("TENANT")),
            ("regionName", .string(cluster.regionName)),
        ])
        var spec: [String: JSONValue] = [
            "id": .string(DerivedID.make(from: cluster.id, salt: "replicationSpec")),
            "regionConfigs": .array([region]),
            "zoneId": .string(DerivedID.make(from: cluster.id, salt: "zone")),
            "zoneName": .string("Zone 1"),
        ]
        if view != .current { spec["numShards"] = .int(1) }
        return .object(spec)
    }

    // MARK: Dedicated form

    private static func dedicatedReplicationSpec(_ spec: ReplicationSpec, view: View) -> JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(spec.id),
            "regionConfigs": .array(spec.regionConfigs.map { Self.dedicatedRegionConfig($0, view: view) }),
            "zoneId": .string(spec.zoneId),
            "zoneName": .string(spec.zoneName),
        ]
        if view != .current { members["numShards"] = .int(spec.numShards) }
        return .object(members)
    }

    private static func dedicatedRegionConfig(_ region: RegionConfig, view: View) -> JSONValue {
        let size = region.electableSpecs?.instanceSize ?? "M10"
        let disk = region.electableSpecs?.diskSizeGB ?? DedicatedDefaults.diskSizeGB(for: size)
        func hardware(_ spec: HardwareSpec?, nodes: Int) -> JSONValue {
            var members: [String: JSONValue] = [
                "instanceSize": .string(spec?.instanceSize ?? size),
                "nodeCount": .int(spec?.nodeCount ?? nodes),
            ]
            if view == .current { members["diskSizeGB"] = .number(spec?.diskSizeGB ?? disk) }
            if region.providerName == "AWS" {
                members["diskIOPS"] = .int(spec?.diskIOPS ?? 3000)
                members["ebsVolumeType"] = .string(spec?.ebsVolumeType ?? "STANDARD")
            }
            return .object(members)
        }
        let autoScaling: JSONValue = .object([
            "compute": .object(["enabled": .bool(false), "scaleDownEnabled": .bool(false)]),
            "diskGB": .object(["enabled": .bool(true)]),
        ])
        return .object([
            "analyticsAutoScaling": region.analyticsAutoScaling ?? autoScaling,
            "analyticsSpecs": hardware(region.analyticsSpecs, nodes: 0),
            "autoScaling": region.autoScaling ?? autoScaling,
            "electableSpecs": hardware(region.electableSpecs, nodes: 3),
            "priority": .int(region.priority),
            "providerName": .string(region.providerName),
            "readOnlySpecs": hardware(region.readOnlySpecs, nodes: 0),
            "regionName": .string(region.regionName),
        ])
    }

    // MARK: Legacy (2023-01-01) form

    private static func legacyReplicationSpec(_ cluster: Cluster) -> JSONValue {
        let region = cluster.dedicated?.replicationSpecs.first?.regionConfigs.first
        let nodes = region?.electableSpecs?.nodeCount ?? 3
        return .object([
            "id": .string(cluster.dedicated?.replicationSpecs.first?.id
                ?? DerivedID.make(from: cluster.id, salt: "replicationSpec")),
            "numShards": .int(cluster.dedicated?.replicationSpecs.first?.numShards ?? 1),
            "regionsConfig": .object([region?.regionName ?? cluster.regionName: Self.regionSpec(nodes: nodes)]),
            "zoneName": .string(cluster.dedicated?.replicationSpecs.first?.zoneName ?? "Zone 1"),
        ])
    }

    private static func regionSpec(nodes: Int) -> JSONValue {
        .object([
            "analyticsNodes": .int(0), "electableNodes": .int(nodes), "priority": .int(7), "readOnlyNodes": .int(0),
        ])
    }

    /// `providerSettings` (TENANT's own key order, with the explicit nulls Atlas writes), the `mongoURI…` strings,
    /// `srvAddress`, `replicationSpec`, `numShards`, `replicationFactor`, `providerBackupEnabled`.
    private static func addLegacyMembers(_ cluster: Cluster, standard: Bool, to members: inout [String: JSONValue]) {
        let region = cluster.dedicated?.replicationSpecs.first?.regionConfigs.first
        if cluster.isTenantForm {
            let size = cluster.tenantInstanceSize ?? "M0"
            members["providerSettings"] = .orderedObject([
                ("providerName", .string("TENANT")),
                ("autoScaling", .object(["compute": .object(["maxInstanceSize": .null, "minInstanceSize": .null])])),
                ("backingProviderName", .string(cluster.backingProviderName)),
                ("effectiveInstanceSizeName", .string(size)),
                ("instanceSizeName", .string(size)),
                ("regionName", .string(cluster.regionName)),
            ])
        } else {
            members["providerSettings"] = .orderedObject([
                ("providerName", .string(region?.providerName ?? "AWS")),
                ("instanceSizeName", .string(region?.electableSpecs?.instanceSize ?? "M10")),
                ("regionName", .string(region?.regionName ?? cluster.regionName)),
            ])
        }
        members["srvAddress"] = .string(ClusterConnectionStrings.standardSrv(of: cluster))
        if standard {
            // `mongoURI` is the seed list without the options that `mongoURIWithOptions` adds.
            let uri = ClusterConnectionStrings.standard(of: cluster)
            members["mongoURI"] = .string("mongodb://" + uri.dropFirst("mongodb://".count).prefix { $0 != "/" })
            members["mongoURIWithOptions"] = .string(uri)
            members["mongoURIUpdated"] = .string(AtlasDate.format(cluster.createDate))
        }
        members["replicationSpec"] = .object([
            region?.regionName ?? cluster.regionName: Self.regionSpec(nodes: region?.electableSpecs?.nodeCount ?? 3)
        ])
        members["numShards"] = .int(1)
        members["replicationFactor"] = .int(3)
        members["providerBackupEnabled"] = .bool(false)
    }
}

/// Defaults for dedicated clusters when a request leaves them out.
enum DedicatedDefaults {
    /// The smallest disk Atlas gives each size ("If you specify a disk size below the minimum (10 GB) …").
    static func diskSizeGB(for instanceSize: String) -> String {
        switch instanceSize {
        case "M10", "M20": return "10.0"
        case "M30": return "40.0"
        default: return "80.0"
        }
    }
}

/// Ids of the parts of a cluster (replication specs, zones) derived from its id: the same timestamp, the rest
/// from a stable hash, so they never change between reads.
enum DerivedID {
    static func make(from id: String, salt: String) -> String {
        let hash = StableHash.fnv1a(Array(id.utf8) + Array(salt.utf8))
        return String(id.prefix(8)) + hash.zeroPadded(16, radix: 16).suffix(16)
    }
}
