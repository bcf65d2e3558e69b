import FoundationEssentials
import Synchronization

/// The server's notion of "now": what token expiry, nonce expiry, job progress and the sunset switch read.
/// It runs with the real clock plus an offset, or stands frozen at an instant; tests move it through the admin API.
public final class MockClock: Sendable {
    public enum Mode: Sendable, Equatable {
        /// Real time shifted by `offset` seconds.
        case running(offset: TimeInterval)
        /// Time stands still at this instant.
        case frozen(Date)
    }

    /// Invariant: `mode` is read and replaced only under this lock, so every reader sees one consistent mode.
    private let mode: Mutex<Mode>

    public init(_ mode: Mode = .running(offset: 0)) {
        self.mode = Mutex(mode)
    }

    public func now() -> Date {
        switch self.mode.withLock({ $0 }) {
        case .running(let offset): return Date().addingTimeInterval(offset)
        case .frozen(let instant): return instant
        }
    }

    public var currentMode: Mode { self.mode.withLock { $0 } }

    public func set(_ mode: Mode) {
        self.mode.withLock { $0 = mode }
    }

    /// Moves the clock forward (or back, with a negative interval), keeping it frozen or running as it was.
    public func advance(by interval: TimeInterval) {
        self.mode.withLock { mode in
            switch mode {
            case .running(let offset): mode = .running(offset: offset + interval)
            case .frozen(let instant): mode = .frozen(instant.addingTimeInterval(interval))
            }
        }
    }
}
