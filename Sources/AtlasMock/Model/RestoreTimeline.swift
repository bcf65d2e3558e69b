import FoundationEssentials

/// How long a created restore job spends in each phase before it finishes, on the mock clock. Atlas's real
/// durations depend on data size; these defaults are short so tests can poll to completion, and
/// `PUT /__admin/clock` skips them entirely.
public struct RestorePhaseDurations: Sendable, Equatable {
    public var pending: TimeInterval = 2
    public var queued: TimeInterval = 3
    public var running: TimeInterval = 10

    public init(pending: TimeInterval = 2, queued: TimeInterval = 3, running: TimeInterval = 10) {
        self.pending = pending
        self.queued = queued
        self.running = running
    }
}

/// The life of one created job: when it was scheduled, the phase durations in force then, and how it ends.
public struct RestoreTimeline: Sendable, Equatable {
    public var scheduled: Date
    public var durations: RestorePhaseDurations
    /// `.completed`, or `.failed` when a fault rule said so at creation.
    public var outcome: BackupStatus

    var finished: Date { self.scheduled.addingTimeInterval(self.durations.pending + self.durations.queued + self.durations.running) }

    func status(at now: Date) -> BackupStatus {
        let elapsed = now.timeIntervalSince(self.scheduled)
        if elapsed < self.durations.pending { return .pending }
        if elapsed < self.durations.pending + self.durations.queued { return .queued }
        if elapsed < self.durations.pending + self.durations.queued + self.durations.running { return .running }
        return self.outcome
    }
}

extension RestoreJob {
    /// The job as it stands at `now`: a created job's status and `restoreFinishedDate` follow its timeline.
    public func resolved(at now: Date) -> RestoreJob {
        guard let timeline = self.timeline else { return self }
        var job = self
        job.status = timeline.status(at: now)
        if job.status == .completed || job.status == .failed { job.restoreFinishedDate = timeline.finished }
        return job
    }
}
