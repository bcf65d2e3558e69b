import FoundationEssentials

/// A cluster on the clock: what it is at an instant, and what the representations ask of it.
extension Cluster {
    /// The cluster as it stands at `now`: an upgrade past its halfway point has replaced the old cluster; nil once a
    /// deletion has finished.
    func resolved(at now: Date) -> Cluster? {
        guard self.lifecycle.state(at: now) != nil else { return nil }
        guard let upgrade = self.upgrade, self.lifecycle.transition == .updating,
            now >= self.lifecycle.started.addingTimeInterval(self.lifecycle.duration / 2)
        else { return self }
        var record = self
        record.kind = upgrade.kind
        record.id = upgrade.newId
        record.dedicated = upgrade.dedicated
        if let tags = upgrade.tags { record.tags = tags }
        switch upgrade.kind {
        case .dedicated:
            record.createDate = upgrade.requested
            record.tenantInstanceSize = nil
        case .flex:
            record.tenantInstanceSize = nil
        case .shared(let tier):
            record.tenantInstanceSize = tier
        }
        record.upgrade = nil
        return record
    }

    /// `stateName` at `now` (call on a resolved record).
    func state(at now: Date) -> ClusterState { self.lifecycle.state(at: now) ?? .deleting }

    /// A finished upgrade folded into the record: what the store keeps once the transition is over.
    func settled(at now: Date) -> Cluster? {
        guard var record = self.resolved(at: now) else { return nil }
        if !record.lifecycle.isMoving(at: now), record.lifecycle.transition != .deleting {
            record.lifecycle = .resting(record.lifecycle.state(at: now) ?? .idle)
        }
        return record
    }

    /// Whether the clusters API shows this cluster in TENANT form (M0/M2/M5 sizes, `providerName` TENANT).
    var isTenantForm: Bool {
        switch self.kind {
        case .shared: return true
        case .flex(.createCluster), .flex(.migratedFromShared): return true
        case .flex(.flexAPI), .dedicated: return false
        }
    }

    /// The MongoDB major version, `8.0` for `8.0.29`.
    var mongoDBMajorVersion: String {
        self.mongoDBVersion.split(separator: ".").prefix(2).joined(separator: ".")
    }

    /// Whether connection strings beyond `standardSrv` exist yet: only once the cluster has first been IDLE.
    func hasStandardConnectionString(at now: Date) -> Bool {
        guard case .creating = self.lifecycle.transition else { return true }
        return !self.lifecycle.isMoving(at: now)
    }

    /// Whether Atlas takes daily snapshots of it: Flex clusters and M2/M5.
    var hasDailySnapshots: Bool {
        guard self.dailySnapshots else { return false }
        switch self.kind {
        case .flex: return true
        case .shared(let tier): return tier != "M0"
        case .dedicated: return false
        }
    }
}
