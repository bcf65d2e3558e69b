import FoundationEssentials

/// Clusters on the clock, in the store: what a request sees of them at `now`, and the changes time makes.
///
/// Stored clusters keep the transition they are in; reads resolve it (`Cluster.resolved(at:)`). Changes that time
/// makes to more than the cluster itself happen in `advance(to:)`, which the store runs under its lock before each
/// request: a finished deletion removes the cluster with its snapshots and restore jobs, so a new cluster of the
/// same name starts empty; a finished upgrade is folded in; the M2/M5 migration runs once its date is reached.
extension AtlasState {
    /// The cluster as it stands at `now`; nil when there is none or its deletion has finished.
    func cluster(_ key: ClusterKey, at now: Date) -> Cluster? {
        self.clusters[key]?.resolved(at: now)
    }

    /// A project's clusters at `now`, in creation order (ids begin with their creation time).
    func clusters(inProject projectId: String, at now: Date) -> [Cluster] {
        self.clusters.values.filter { $0.projectId == projectId }.compactMap { $0.resolved(at: now) }
            .sorted { ($0.createDate, $0.id) < ($1.createDate, $1.id) }
    }

    /// A cluster's snapshots at `now`: those loaded from fixtures and its daily ones, in ascending id order.
    func snapshots(of key: ClusterKey, at now: Date) -> [TenantSnapshot] {
        let stored = self.snapshots[key] ?? []
        guard let cluster = self.cluster(key, at: now), cluster.hasDailySnapshots else { return stored }
        let daily = DailySnapshotSchedule.snapshots(of: cluster, at: now)
        return stored.isEmpty ? daily : (stored + daily).sorted { $0.id < $1.id }
    }

    /// Applies what time has done by `now`; true when anything changed.
    mutating func advance(to now: Date, migration: SharedTierMigration) -> Bool {
        var changed = false
        if !self.sharedTierMigrated, migration.isDue(at: now) {
            self.sharedTierMigrated = true
            for (key, cluster) in self.clusters { self.clusters[key] = SharedTierMigration.migrate(cluster) }
            changed = true
        }
        // Most requests come while no transition ends: the clusters are looked at only once one has.
        if now >= self.currentTransitionEnds.first {
            for (key, cluster) in self.clusters
            where cluster.lifecycle.transition != nil && !cluster.lifecycle.isMoving(at: now) {
                if let settled = cluster.settled(at: now) {
                    self.clusters[key] = settled
                } else {
                    self.clusters[key] = nil
                    self.snapshots[key] = nil
                    self.restoreJobs[key] = nil
                }
                changed = true
            }
        }
        self.transitionEnds = self.currentTransitionEnds
        // Any change of clusters, or a clock outside the span the cache was rendered in, starts a new span.
        if !changed, let window = self.snapshotWindow, window.contains(now) { return false }
        self.snapshotWindow = self.quietSnapshotSpan(around: now)
        return true
    }

    /// The instant from which reads answer the same at any later time (jobs and cluster transitions).
    var clockSettledAt: Date {
        max(self.settledAt, self.currentTransitionEnds.last)
    }

    /// `transitionEnds`, or worked out from the clusters when a write cleared it.
    private var currentTransitionEnds: (first: Date, last: Date) {
        if let ends = self.transitionEnds { return ends }
        var ends = (first: Date.distantFuture, last: Date.distantPast)
        for cluster in self.clusters.values where cluster.lifecycle.transition != nil {
            ends.first = min(ends.first, cluster.lifecycle.ends)
            ends.last = max(ends.last, cluster.lifecycle.ends)
        }
        return ends
    }

    /// Runs the M2/M5 migration now, whatever its date (`POST /__admin/shared-tier-migration`).
    mutating func migrateSharedTier() {
        self.sharedTierMigrated = true
        for (key, cluster) in self.clusters { self.clusters[key] = SharedTierMigration.migrate(cluster) }
    }

    /// The span around `now` in which no cluster's daily snapshot appears or finishes.
    private func quietSnapshotSpan(around now: Date) -> Range<Date> {
        var lower = Date.distantPast
        var upper = Date.distantFuture
        for cluster in self.clusters.values where cluster.hasDailySnapshots {
            let span = DailySnapshotSchedule.quietSpan(of: cluster, around: now)
            lower = max(lower, span.lowerBound)
            upper = min(upper, span.upperBound)
        }
        return lower..<upper
    }
}
