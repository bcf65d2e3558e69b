import AtlasMockHTTP
import FoundationEssentials

/// The daily snapshots Atlas takes of Flex and M2/M5 clusters, computed from the cluster and the clock rather than
/// stored: "starting 24 hours after you create your cluster", "a single daily snapshot at the same time", "the last
/// 8" kept (Atlas docs). The recordings add the rest: `startTime` = the scheduled time, `finishTime` a couple of
/// minutes later, `expiration` = scheduled + 8 days, status COMPLETED.
///
/// Ids are ObjectId-shaped and stable: the first four bytes are the scheduled time (so ids sort oldest first, as
/// Atlas lists them), the rest derive from the cluster's id and the day number. The same snapshot keeps its id
/// across reads, restarts and `/__admin/reset`.
enum DailySnapshotSchedule {
    static let interval: TimeInterval = 24 * 3600
    static let kept = 8
    static let retention: TimeInterval = 8 * 24 * 3600
    /// Between the 1.5 and 3.5 minutes recorded.
    static let duration: TimeInterval = 150

    /// The snapshots of `cluster` that exist at `now`, oldest first: day `n` is scheduled at `createDate + n × 24 h`,
    /// and exists from then until its expiration. The newest is RUNNING until its `finishTime`.
    static func snapshots(of cluster: Cluster, at now: Date) -> [TenantSnapshot] {
        guard cluster.hasDailySnapshots else { return [] }
        let elapsed = now.timeIntervalSince(cluster.createDate)
        guard elapsed >= Self.interval else { return [] }
        let newest = Int((elapsed / Self.interval).rounded(.down))
        // A snapshot is gone once `scheduled + 8 d <= now`, which leaves exactly the last 8 days.
        let oldest = max(1, newest - Self.kept + 1)
        return (oldest...newest).map { Self.snapshot(of: cluster, day: $0, at: now) }
    }

    /// Day `day`'s snapshot of `cluster` (as it stands at `now`).
    static func snapshot(of cluster: Cluster, day: Int, at now: Date) -> TenantSnapshot {
        let scheduled = cluster.createDate.addingTimeInterval(Double(day) * Self.interval)
        let finished = scheduled.addingTimeInterval(Self.duration)
        let done = now >= finished
        return TenantSnapshot(
            id: Self.snapshotID(clusterId: cluster.id, day: day, scheduled: scheduled), projectId: cluster.projectId,
            clusterName: cluster.name, status: done ? .completed : .running, mongoDBVersion: cluster.mongoDBVersion,
            scheduledTime: scheduled, startTime: scheduled, finishTime: done ? finished : nil,
            expiration: scheduled.addingTimeInterval(Self.retention))
    }

    /// `tttttttt` (scheduled time) + 10 hex digits of the cluster id's FNV-1a hash + the day as 6 hex digits.
    static func snapshotID(clusterId: String, day: Int, scheduled: Date) -> String {
        let seconds = UInt32(truncatingIfNeeded: Int(scheduled.timeIntervalSince1970.rounded(.down)))
        let hash = UInt64(truncatingIfNeeded: StableHash.fnv1a(clusterId.utf8) & 0xFF_FFFF_FFFF)
        return seconds.zeroPadded(8, radix: 16) + hash.zeroPadded(10, radix: 16)
            + UInt32(truncatingIfNeeded: day & 0xFF_FFFF).zeroPadded(6, radix: 16)
    }

    /// The span around `now` in which `cluster`'s snapshots neither appear, finish nor expire: between consecutive
    /// instants of `createDate + n × 24 h` and `createDate + n × 24 h + duration`.
    static func quietSpan(of cluster: Cluster, around now: Date) -> Range<Date> {
        let elapsed = now.timeIntervalSince(cluster.createDate)
        let day = (elapsed / Self.interval).rounded(.down)
        let scheduled = cluster.createDate.addingTimeInterval(day * Self.interval)
        let finished = scheduled.addingTimeInterval(Self.duration)
        if now < finished { return scheduled..<finished }
        return finished..<scheduled.addingTimeInterval(Self.interval)
    }
}
