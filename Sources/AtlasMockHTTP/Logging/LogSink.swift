import Dispatch
import Glibc
import Synchronization

/// Where finished log lines go: a bounded buffer that one writer thread of its own drains to a file descriptor
/// (stderr, or a file). Whoever logs, an event loop above all, only copies its line into the buffer: a log output
/// that stops moving (a pipe nobody reads, a full disk, a slow terminal) stops the writer thread, never the server.
///
/// When the buffer is full, further lines are dropped and counted; once the output moves again, one line (a
/// warning, in the sink's format) says how many were lost, in the place where they went missing. Write errors
/// (a full disk, a closed pipe) lose the lines of that write the same way, and the writer retries a little later.
///
/// A sink lives as long as the process: its writer thread keeps it, and the descriptor, to the end.
public final class LogSink: Sendable {
    public let format: LogFormat
    /// What the output is called in the dropped-lines notice: `stderr` or the file's path.
    public let name: String
    private let descriptor: Int32
    /// Bytes the buffer may hold; a line that would go beyond it is dropped.
    private let capacity: Int
    /// Invariant: `pending` holds whole lines only, at most `capacity` bytes; `writerIdle` is true exactly while
    /// the writer waits (or is about to wait) on `wake`, so a producer signals `wake` at most once per wait.
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)
    private let drained = DispatchSemaphore(value: 0)

    private struct State {
        var pending: [UInt8] = []
        /// Lines refused (buffer full) or lost (write errors) since the last notice went out.
        var dropped = 0
        var writerIdle = false
        /// A batch taken from `pending` is being written.
        var writing = false
        /// `flush` waits on `drained`.
        var flushWaiting = false
        /// The last write failed (a full disk, a pipe without reader): `flush` does not wait for a dropped-lines
        /// notice that may never be writable.
        var failing = false

        /// Everything queued has been written, or the output fails (then what is queued is tried once more and
        /// likely lost, and the notice retried every 100 ms would keep a flush waiting for nothing).
        var settled: Bool { self.pending.isEmpty && (self.failing || (!self.writing && self.dropped == 0)) }
    }

    /// The default bound: about 10,000 access-log lines, so a stall of a second or two at benchmark rates loses
    /// nothing, and a stalled sink holds at most two such buffers (the one filling, the one being written).
    public static let defaultCapacity = 1 << 20

    /// Lines for the process's standard error.
    public static func standardError(format: LogFormat, capacity: Int = defaultCapacity) -> LogSink {
        LogSink(descriptor: STDERR_FILENO, name: "stderr", format: format, capacity: capacity)
    }

    /// Appends to the file at `path`, creating it (mode 0644) when missing.
    /// Throws `LogSinkError` naming the path and the reason when it cannot be opened for writing.
    public static func file(path: String, format: LogFormat, capacity: Int = defaultCapacity) throws(LogSinkError)
        -> LogSink
    {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw LogSinkError(path: path, reason: String(cString: strerror(errno)))
        }
        return LogSink(descriptor: descriptor, name: path, format: format, capacity: capacity)
    }

    private init(descriptor: Int32, name: String, format: LogFormat, capacity: Int) {
        self.descriptor = descriptor
        self.name = name
        self.format = format
        self.capacity = capacity
        self.startWriter()
    }

    /// Queues one line (ending in a newline); never waits for the output. Drops it when the buffer is full.
    public func append(_ line: [UInt8]) {
        let wakeWriter = self.state.withLock { state -> Bool in
            guard state.pending.count + line.count <= self.capacity else {
                state.dropped += 1
                return false
            }
            state.pending.append(contentsOf: line)
            guard state.writerIdle else { return false }
            state.writerIdle = false
            return true
        }
        if wakeWriter { self.wake.signal() }
    }

    /// Waits until every line queued so far is written (and any dropped-lines notice with them), at most
    /// `timeout`. False when the output did not take them in time (it is stalled); the lines stay queued.
    @discardableResult
    public func flush(timeout: DispatchTimeInterval) -> Bool {
        let deadline = DispatchTime.now() + timeout
        while true {
            let (done, wakeWriter) = self.state.withLock { state -> (Bool, Bool) in
                if state.settled { return (true, false) }
                state.flushWaiting = true
                defer { state.writerIdle = false }
                return (false, state.writerIdle)
            }
            if done { return true }
            if wakeWriter { self.wake.signal() }
            // A signal may be stale (left by a flush that timed out): the state is checked again either way.
            guard self.drained.wait(timeout: deadline) == .success else { return false }
        }
    }

    // MARK: The writer thread

    private func startWriter() {
        // The thread gets the sink retained through its one argument and keeps it for the life of the process.
        let context = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(
            &thread, nil,
            { context in
                Unmanaged<LogSink>.fromOpaque(context!).takeRetainedValue().runWriter()
            }, context)
        precondition(rc == 0, "cannot start the log writer thread (\(rc))")
        pthread_detach(thread)
    }

    /// Wakes shortly after the first line of a batch (also for `flush`), writes everything queued by then in one
    /// go, and sleeps again when nothing is left.
    private func runWriter() -> Never {
        var batch: [UInt8] = []
        while true {
            let (dropped, signalDrained) = self.state.withLock { state -> (Int?, Bool) in
                state.writing = false
                let signal = state.flushWaiting && state.settled
                if signal { state.flushWaiting = false }
                if state.pending.isEmpty && state.dropped == 0 {
                    state.writerIdle = true
                    return (nil, signal)
                }
                swap(&batch, &state.pending)
                state.writing = true
                defer { state.dropped = 0 }
                return (state.dropped, signal)
            }
            if signalDrained { self.drained.signal() }
            guard let dropped else {
                self.wake.wait()
                // Lines logged within the next few milliseconds join this batch: at most ~200 wake-ups and writes
                // a second however many lines arrive (at 1 ms, the wake-ups and sleeps were 2% of the server's
                // time in the HTTP/1.1 profile). 5 ms of 100,000 lines a second is ~55 KiB, far below the bound.
                usleep(5000)
                continue
            }
            if dropped > 0 {
                batch += self.format.line(
                    level: .warning, label: "atlas-mock", source: "AtlasMockHTTP",
                    message: "\(dropped) log line(s) dropped: \(self.name) was not taking them fast enough")
            }
            if let unwritten = self.write(batch) {
                // Lost: counted for the next notice, which is retried after a pause rather than in a busy loop.
                let lost = unwritten.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) } - (dropped > 0 ? 1 : 0)
                self.state.withLock { state in
                    state.dropped += dropped + max(lost, 0)
                    state.failing = true
                }
                usleep(100_000)
            } else {
                self.state.withLock { $0.failing = false }
            }
            batch.removeAll(keepingCapacity: true)
        }
    }

    /// Writes all of `bytes`, waiting as long as the output needs. Returns what could not be written after an
    /// error (a full disk, a closed pipe), nil when everything was.
    private func write(_ bytes: [UInt8]) -> ArraySlice<UInt8>? {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.write(self.descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                offset += count
                continue
            }
            switch count < 0 ? errno : 0 {
            case EINTR:
                continue
            case EAGAIN:
                // An inherited non-blocking descriptor: wait for room instead of spinning.
                var request = pollfd(fd: self.descriptor, events: Int16(POLLOUT), revents: 0)
                _ = poll(&request, 1, 1000)
            default:
                return bytes[offset...]
            }
        }
        return nil
    }
}

/// A log file that cannot be opened for writing.
public struct LogSinkError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String

    public var description: String { "cannot open log file '\(self.path)': \(self.reason)" }
}
