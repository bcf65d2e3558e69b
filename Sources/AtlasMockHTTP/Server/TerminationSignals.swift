import Dispatch
import Glibc
import Logging
import Synchronization

/// Turns SIGTERM/SIGINT into a graceful shutdown: the first signal drains the server and then calls `exit(0)`;
/// a second one calls `exit(128 + signal)` at once, for an operator who does not want to wait.
///
/// Keep the instance alive for as long as the signals should be handled, and create it on the main thread before
/// the server starts: on Linux, Dispatch receives a signal only when it is blocked in every thread (or lands on
/// Dispatch's own), so `init` blocks the signals in the calling thread, and threads started later inherit that.
/// `@unchecked Sendable` invariant: every stored property is set once in `init` and never mutated, except the
/// signal count, which lives in a `Mutex`.
public final class TerminationSignals: @unchecked Sendable {
    private let server: HTTPServer
    private let logger: Logger
    private let exit: @Sendable (Int32) -> Void
    private let signalCount = Mutex(0)
    private var sources: [any DispatchSourceSignal] = []

    /// - Parameters:
    ///   - signals: the signals to handle; SIGTERM and SIGINT by default (tests use others).
    ///   - exit: ends the process with the given status; tests pass a closure that records it.
    public init(
        server: HTTPServer, logger: Logger, signals: [Int32] = [SIGTERM, SIGINT],
        exit: @escaping @Sendable (Int32) -> Void
    ) {
        self.server = server
        self.logger = logger
        self.exit = exit
        let queue = DispatchQueue(label: "atlas-mock.signals")
        for signalNumber in signals {
            // The default action would kill the process before Dispatch sees the signal; blocking keeps it pending
            // for Dispatch instead of letting an ignoring thread drop it.
            signal(signalNumber, SIG_IGN)
            var blocked = sigset_t()
            sigemptyset(&blocked)
            sigaddset(&blocked, signalNumber)
            pthread_sigmask(SIG_BLOCK, &blocked, nil)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { self.received(signalNumber) }
            source.resume()
            self.sources.append(source)
        }
    }

    private func received(_ signalNumber: Int32) {
        let count = self.signalCount.withLock { count in
            count += 1
            return count
        }
        if count == 1 {
            self.logger.notice("signal \(signalNumber): draining connections; send it again to exit at once")
            let exit = self.exit
            self.server.shutdown { exit(0) }
        } else {
            self.logger.notice("signal \(signalNumber) again: exiting now")
            self.exit(128 + signalNumber)
        }
    }
}
