import FoundationEssentials

/// The indexed form of an `AtlasDataset`, built once per load and mutated in place by API calls.
///
/// Restore jobs and snapshots are kept per cluster in ascending id order (ids embed their creation time), so a
/// page of either listing order (jobs newest first, snapshots oldest first) is a slice computed from indices: no
/// sort or scan per request.
struct AtlasState: Sendable {
    var organizations: [String: Organization] = [:]
    var projects: [String: Project] = [:]
    /// Every write of a cluster forgets what is derived from them, so nothing can be written without it.
    var clusters: [ClusterKey: Cluster] = [:] {
        didSet {
            self.snapshotWindow = nil
            self.transitionEnds = nil
        }
    }
    var restoreJobs: [ClusterKey: [RestoreJob]] = [:]
    var snapshots: [ClusterKey: [TenantSnapshot]] = [:]
    var apiKeys: [String: APIKey] = [:]
    var serviceAccounts: [String: ServiceAccount] = [:]
    /// When the last job following a timeline finishes: from then on, reads answer the same at any clock time.
    private(set) var settledAt = Date.distantPast
    /// The clock span over which no daily snapshot appears or finishes (`AtlasState+Clusters`); nil until computed
    /// and after every cluster write.
    var snapshotWindow: Range<Date>?
    /// When the first and the last cluster transition in progress end (`AtlasState+Clusters`), so requests need
    /// not look at every cluster; nil until computed and after every cluster write.
    var transitionEnds: (first: Date, last: Date)?
    /// Whether `--shared-tier-migration` has run on this data.
    var sharedTierMigrated = false

    init(_ dataset: AtlasDataset) {
        for organization in dataset.organizations { self.organizations[organization.id] = organization }
        for project in dataset.projects { self.projects[project.id] = project }
        for cluster in dataset.clusters {
            self.clusters[ClusterKey(projectId: cluster.projectId, name: cluster.name)] = cluster
        }
        for job in dataset.restoreJobs {
            self.noteTimeline(of: job)
            self.restoreJobs[ClusterKey(projectId: job.projectId, name: job.clusterName), default: []].append(job)
        }
        for key in self.restoreJobs.keys { self.restoreJobs[key]!.sort { $0.id < $1.id } }
        for snapshot in dataset.snapshots {
            self.snapshots[ClusterKey(projectId: snapshot.projectId, name: snapshot.clusterName), default: []]
                .append(snapshot)
        }
        for key in self.snapshots.keys { self.snapshots[key]!.sort { $0.id < $1.id } }
        for key in dataset.apiKeys { self.apiKeys[key.publicKey] = key }
        for account in dataset.serviceAccounts { self.serviceAccounts[account.clientId] = account }
    }

    /// The dataset this state holds, in a stable order (for `/__admin/state`).
    var dataset: AtlasDataset {
        var dataset = AtlasDataset()
        dataset.organizations = self.organizations.values.sorted { $0.id < $1.id }
        dataset.projects = self.projects.values.sorted { $0.id < $1.id }
        dataset.clusters = self.clusters.values.sorted { ($0.projectId, $0.name) < ($1.projectId, $1.name) }
        dataset.snapshots = self.snapshots.keys.sorted { ($0.projectId, $0.name) < ($1.projectId, $1.name) }
            .flatMap { self.snapshots[$0]! }
        dataset.restoreJobs = self.restoreJobs.keys.sorted { ($0.projectId, $0.name) < ($1.projectId, $1.name) }
            .flatMap { self.restoreJobs[$0]! }
        dataset.apiKeys = self.apiKeys.values.sorted { $0.publicKey < $1.publicKey }
        dataset.serviceAccounts = self.serviceAccounts.values.sorted { $0.clientId < $1.clientId }
        return dataset
    }

    /// Inserts a job keeping ascending id order (new ids are normally the largest, so this is an append).
    mutating func insert(_ job: RestoreJob) {
        self.noteTimeline(of: job)
        let key = ClusterKey(projectId: job.projectId, name: job.clusterName)
        var jobs = self.restoreJobs[key, default: []]
        let index = jobs.lastIndex { $0.id < job.id }.map { $0 + 1 } ?? 0
        jobs.insert(job, at: index)
        self.restoreJobs[key] = jobs
    }
}

extension AtlasState {
    private mutating func noteTimeline(of job: RestoreJob) {
        if let finished = job.timeline?.finished { self.settledAt = max(self.settledAt, finished) }
    }
}
