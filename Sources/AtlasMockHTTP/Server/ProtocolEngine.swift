import Dispatch
import Synchronization

/// What one HTTP version's engine (HTTP/1.1 or HTTP/2) needs from the connection it runs on.
///
/// Confinement: every member is used on `queue` only, by the connection and its engine alike.
/// The connection owns the socket; the engine owns the protocol state. Neither outlives the other's
/// use: the connection keeps its engine strongly, the engine keeps the connection weakly.
protocol ConnectionIO: AnyObject {
    /// The serial queue the connection is confined to (its event loop's, shared with other connections); all
    /// protocol state lives on it.
    var queue: DispatchQueue { get }
    var configuration: ServerConfiguration { get }
    var handler: any HTTPHandler { get }
    var accessLog: AccessLog { get }
    /// The peer's IP address (no port) and port.
    var remoteAddress: String { get }
    var remotePort: Int { get }
    /// Bytes queued for the peer and not yet accepted by the socket.
    var pendingOutputBytes: Int { get }
    /// Whether the connection speaks TLS: its requests are marked `overTLS`, and `Upgrade: h2c` (cleartext
    /// only, RFC 9113 §3.1) is ignored on it.
    var overTLS: Bool { get }

    /// Queues bytes for the peer; the connection writes them as the socket allows, in order.
    /// It tries to write at once, so a caller sending a response in one buffer costs one syscall.
    /// Ignored once `close` was called.
    func send(_ bytes: [UInt8])
    /// Stops or resumes reading from the socket (backpressure, or while a request is being answered).
    func setReadingPaused(_ paused: Bool)
    /// Closes the connection: after the queued output is written (`flush: true`) or at once.
    func close(flush: Bool)
    /// Hands the connection to another engine (prior-knowledge HTTP/2, or `Upgrade: h2c`);
    /// `leftover` is input the old engine received but did not consume, fed to the new one first.
    func replaceEngine(with engine: any ProtocolEngine, leftover: [UInt8])
    /// Runs `work` on `queue` after whatever other connections have already queued there (their turns):
    /// how an engine holding more work than one turn's share (pipelined requests) lets the others go first.
    func continueLater(_ work: @escaping () -> Void)
}

/// A connection with one timer, for engines that enforce read and idle timeouts (the HTTP/1.1 engine).
/// A refinement rather than part of `ConnectionIO` so an engine tested against a fake connection that has
/// no timers needs none. Confined to `queue` like the rest.
protocol TimedConnectionIO: ConnectionIO {
    /// Arms the connection's one timer: `onExpiry` runs on `queue` once `timeout` has passed, unless
    /// `setTimer` (which replaces it) or `cancelTimer` is called first. It fires at most once per arming.
    /// Engines use it for their read and idle timeouts. A new engine starts with no timer armed: the
    /// connection cancels its own (pre-engine idle) timer before creating the engine that answers the
    /// connection's first bytes, and an engine handing over with `replaceEngine` cancels its own first.
    func setTimer(_ timeout: DispatchTimeInterval, onExpiry: @escaping () -> Void)
    func cancelTimer()
}

/// One HTTP version's protocol logic for one connection. Confined to `ConnectionIO.queue`.
protocol ProtocolEngine: AnyObject {
    /// Bytes the peer sent.
    func receive(_ bytes: UnsafeRawBufferPointer)
    /// The peer closed its sending side (read returned 0).
    func inputClosed()
    /// Output that had to wait for the socket (it was full when `send` tried) has now been written in full:
    /// a chance to produce more. Never called from within `send`.
    func outputDrained()
    /// The server is shutting down: finish requests already received, accept no new ones,
    /// close when done (HTTP/2: GOAWAY with the last stream id processed).
    func startGracefulShutdown()
    /// True when no request is being received or answered, so the connection may be closed at once.
    var isIdle: Bool { get }
}

extension ConnectionIO {
    /// Runs the handler for `request` and delivers its reply on `queue`, exactly once: before returning when the
    /// handler answered while `handle` ran (the common case; no hop back onto the queue, which cost a thread
    /// wake-up per request in the benchmark profile), else later from `queue`. Engines must therefore expect
    /// `onReply` both from within this call and afterwards.
    /// The request is stamped with `overTLS` on its way.
    /// A handler that throws is answered with its own `responseForFailure`: the one place where a
    /// failure inside the application becomes an HTTP response.
    func dispatch(_ request: HTTPServerRequest, onReply: @escaping (HTTPServerReply) -> Void) {
        // Stamped here, where every request of either engine passes, rather than by each engine.
        var request = request
        request.overTLS = self.overTLS
        let queue = self.queue
        let handler = self.handler
        let delivery = ReplyDelivery()
        // A late completion may run on any thread; the hop back to `queue` restores confinement.
        // `onReply` never leaves `queue`, which is why it need not be Sendable: it is smuggled through
        // `UnsafeTransfer` and only ever called from `queue`.
        let deliver = UnsafeTransfer(onReply)
        do {
            try handler.handle(request) { reply in
                guard delivery.lateReply(reply) else { return }
                queue.async { deliver.value(reply) }
            }
        } catch {
            onReply(delivery.handlerReturned() ?? .response(handler.responseForFailure(error, request: request)))
            return
        }
        if let reply = delivery.handlerReturned() { onReply(reply) }
    }
}

/// Tells a reply given while the handler still runs (delivered by `dispatch` itself once `handle` returns) from one
/// given afterwards (delivered through the queue).
private final class ReplyDelivery: Sendable {
    /// Invariant: `returned` turns true once; `early` is only set while it is false.
    private let state = Mutex<(returned: Bool, early: HTTPServerReply?)>((false, nil))

    /// Keeps a reply given before `handle` returned; true when it came later and must be delivered by the caller.
    func lateReply(_ reply: HTTPServerReply) -> Bool {
        self.state.withLock { state in
            if state.returned { return true }
            state.early = reply
            return false
        }
    }

    /// Marks `handle` as returned; the reply it gave meanwhile, if any.
    func handlerReturned() -> HTTPServerReply? {
        self.state.withLock { state in
            state.returned = true
            return state.early
        }
    }
}

/// Carries a non-Sendable value across a hop that provably ends on the queue it came from.
struct UnsafeTransfer<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
