import FoundationEssentials

/// `FlexClusterDescription20241113` exactly as recorded (1,336 real objects): alphabetical keys, a fixed key set,
/// never `links`, `backupSettings` always enabled, `providerSettings` with `diskSizeGB` written `5.0`,
/// `connectionStrings` growing from `standardSrv` to both once IDLE, and `tags` missing from a create answer when
/// the request had none.
enum FlexClusterRepresentation {
    static func json(_ cluster: Cluster, at now: Date, omitTags: Bool = false) -> JSONValue {
        var members: [String: JSONValue] = [
            "backupSettings": .object(["enabled": .bool(true)]),
            "clusterType": .string("REPLICASET"),
            "connectionStrings": ClusterConnectionStrings.json(
                of: cluster, standard: cluster.hasStandardConnectionString(at: now)),
            "createDate": .string(AtlasDate.format(cluster.createDate)),
            "groupId": .string(cluster.projectId),
            "id": .string(cluster.id),
            "mongoDBVersion": .string(cluster.mongoDBVersion),
            "name": .string(cluster.name),
            "providerSettings": .object([
                "backingProviderName": .string(cluster.backingProviderName),
                "diskSizeGB": .number("5.0"),
                "providerName": .string("FLEX"),
                "regionName": .string(cluster.regionName),
            ]),
            "stateName": .string(cluster.state(at: now).rawValue),
            "terminationProtectionEnabled": .bool(cluster.terminationProtectionEnabled),
            "versionReleaseSystem": .string("LTS"),
        ]
        if !omitTags { members["tags"] = .array(cluster.tags.map(\.json)) }
        return .object(members)
    }
}
