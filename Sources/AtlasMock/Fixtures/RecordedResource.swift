/// What a recorded request path names, in the terms of the fixture format.
enum RecordedResource: Equatable {
    /// The two backup APIs over one store: tenant (`/clusters/{name}/backup/tenant/…`) and Flex
    /// (`/flexClusters/{name}/backup/…`).
    enum BackupAPI: Equatable {
        case tenant, flex
    }

    case organization(id: String)
    case project(id: String)
    /// `GET /groups/{id}/clusters/{name}`: a cluster description from the cluster API.
    case cluster(ClusterKey)
    /// `GET /groups/{id}/flexClusters/{name}`: a Flex cluster description.
    case flexCluster(ClusterKey)
    /// Restore-job lists, single jobs, and the jobs restore and download requests create.
    case restoreJobs(ClusterKey, BackupAPI)
    case snapshots(ClusterKey, BackupAPI)

    /// Nil for paths outside the fixture format. `path` may be a whole URL (a `self` link) with a query.
    init?(path: String) {
        var path = Substring(path)
        if let query = path.firstIndex(of: "?") { path = path[..<query] }
        guard let api = path.firstRange(of: "/api/atlas/v2/") else { return nil }
        let segments = path[api.upperBound...].split(separator: "/").map(String.init)
        switch segments.count {
        case 2 where segments[0] == "orgs": self = .organization(id: segments[1])
        case 2 where segments[0] == "groups": self = .project(id: segments[1])
        default:
            guard segments.count >= 4, segments[0] == "groups" else { return nil }
            let cluster = ClusterKey(projectId: segments[1], name: segments[3])
            let rest = segments[4...]
            switch (segments[2], Array(rest)) {
            case ("clusters", []): self = .cluster(cluster)
            case ("flexClusters", []): self = .flexCluster(cluster)
            case ("clusters", ["backup", "tenant", "restores"]), ("clusters", ["backup", "tenant", "restore"]),
                ("clusters", ["backup", "tenant", "download"]):
                self = .restoreJobs(cluster, .tenant)
            case ("clusters", let tail) where tail.count == 4 && tail.starts(with: ["backup", "tenant", "restores"]):
                self = .restoreJobs(cluster, .tenant)
            case ("clusters", let tail) where tail.starts(with: ["backup", "tenant", "snapshots"]) && tail.count <= 4:
                self = .snapshots(cluster, .tenant)
            case ("flexClusters", ["backup", "download"]): self = .restoreJobs(cluster, .flex)
            case ("flexClusters", let tail) where tail.starts(with: ["backup", "restoreJobs"]) && tail.count <= 3:
                self = .restoreJobs(cluster, .flex)
            case ("flexClusters", let tail) where tail.starts(with: ["backup", "snapshots"]) && tail.count <= 3:
                self = .snapshots(cluster, .flex)
            default: return nil
            }
        }
    }
}
