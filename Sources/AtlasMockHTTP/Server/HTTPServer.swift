import Dispatch
import Glibc
import Logging
import Synchronization

/// The HTTP server: listens, accepts, and runs each connection with the engine its first bytes ask for
/// (HTTP/1.1, or HTTP/2 by prior knowledge or `Upgrade: h2c`). Knows HTTP, not Atlas: requests go to `handler`.
public final class HTTPServer: Sendable {
    private let configuration: ServerConfiguration
    private let handler: any HTTPHandler
    private let logger: Logger
    private let accessLog: AccessLog

    private struct State {
        var listener: Listener?
        /// One per core, created by `start`; connections are spread over them in turn.
        var loops: [EventLoop] = []
        var nextLoop = 0
        var stopped = false
        var connections: [ObjectIdentifier: Connection] = [:]
        var shutdownCompletions: [@Sendable () -> Void] = []
        /// The most connections open at once since memory was last handed back.
        var burstPeak = 0
    }

    /// The connection registry and life cycle. Invariant: `connections` holds exactly the connections whose
    /// socket is still open (a connection is added before it starts and removed by its own close), so its count
    /// is what `maxConnections` limits; `shutdownCompletions` run once, when `stopped` and `connections` is empty.
    /// Only accepts and closes take the lock; requests never do.
    private let state = Mutex(State())

    public init(configuration: ServerConfiguration, handler: any HTTPHandler, logger: Logger) {
        self.configuration = configuration
        self.handler = handler
        self.logger = logger
        self.accessLog = configuration.accessLog ?? AccessLog(logger: logger)
    }

    /// Binds and listens; returns the actual address (the chosen port when `configuration.port` is 0).
    /// Throws `ListenError`, naming the address, when the host cannot be resolved or bound (e.g. EADDRINUSE).
    public func start() throws -> BoundAddress {
        self.state.withLock { state in
            precondition(state.listener == nil && !state.stopped, "HTTPServer.start() called twice or after shutdown")
        }
        // As many loops as cores: each loop's connections are served one at a time, on one thread.
        let loops = try (0..<max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))).map { index throws(SyscallError) in
            try EventLoop(label: "atlas-mock.loop\(index)")
        }
        let listener = try Listener(host: self.configuration.host, port: self.configuration.port, logger: self.logger) {
            [weak self] fd, remote in
            self?.accepted(fd: fd, remote: remote)
        }
        self.state.withLock { state in
            state.listener = listener
            state.loops = loops
        }
        listener.start()
        self.logger.info("listening on \(listener.address.urlString)")
        return listener.address
    }

    /// Open connections, including those still finishing a graceful shutdown.
    public var connectionCount: Int {
        self.state.withLock { $0.connections.count }
    }

    /// Graceful shutdown: stops accepting, closes idle connections at once and lets busy ones finish their
    /// in-flight requests (HTTP/1.1 answers with `Connection: close`, HTTP/2 sends GOAWAY). `completion` runs
    /// once every connection is closed; connections still open after `configuration.drainTimeout` are
    /// force-closed first.
    public func shutdown(completion: @escaping @Sendable () -> Void) {
        let (listener, connections, done) = self.state.withLock { state in
            state.stopped = true
            state.shutdownCompletions.append(completion)
            let listener = state.listener
            state.listener = nil
            return (listener, Array(state.connections.values), state.connections.isEmpty)
        }
        listener?.stop()
        if done { return self.runCompletionsIfDrained() }
        self.logger.info("draining \(connections.count) connection(s)")
        for connection in connections {
            connection.beginGracefulShutdown()
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + self.configuration.drainTimeout) { [weak self] in
            guard let self else { return }
            let remaining = self.state.withLock { Array($0.connections.values) }
            if !remaining.isEmpty {
                self.logger.warning("drain timeout: closing \(remaining.count) connection(s)")
            }
            for connection in remaining {
                connection.forceClose()
            }
        }
    }

    /// Immediate shutdown: stops accepting and closes every connection without waiting.
    public func shutdownNow() {
        let (listener, connections) = self.state.withLock { state in
            state.stopped = true
            let listener = state.listener
            state.listener = nil
            return (listener, Array(state.connections.values))
        }
        listener?.stop()
        for connection in connections {
            connection.forceClose()
        }
    }

    // MARK: Connections

    /// A burst is this many connections open at once; once no more than `quietConnections` remain, the memory
    /// they used is handed back (`FreedMemory`). Ordinary test suites never reach it.
    private static let burstConnections = 256
    private static let quietConnections = 4

    private static let serviceUnavailable: [UInt8] = {
        let body = "too many open connections\n"
        return Array(
            ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body).utf8)
    }()

    /// Runs on the listener's queue for every accepted socket.
    private func accepted(fd: Int32, remote: SocketAddress) {
        let connection = self.state.withLock { state -> Connection? in
            guard !state.stopped, state.connections.count < self.configuration.maxConnections else { return nil }
            let loop = state.loops[state.nextLoop]
            state.nextLoop = (state.nextLoop + 1) % state.loops.count
            let connection = Connection(
                fd: fd, remote: remote, loop: loop, configuration: self.configuration, handler: self.handler,
                accessLog: self.accessLog, logger: self.logger
            ) { [weak self] id in
                self?.closed(id)
            }
            state.connections[ObjectIdentifier(connection)] = connection
            state.burstPeak = max(state.burstPeak, state.connections.count)
            return connection
        }
        guard let connection else { return self.reject(fd) }
        connection.start()
    }

    /// Over the cap (or shutting down): a best-effort 503 on the fresh socket, whose send buffer is empty.
    /// Input already received is read first, because closing with unread input sends a reset that can
    /// destroy the 503 before the client reads it.
    private func reject(_ fd: Int32) {
        var discard = [UInt8](repeating: 0, count: 4096)
        while case .done(let count)? = try? Syscall.run("recv", { recv(fd, &discard, discard.count, 0) }), count > 0 {}
        _ = try? Syscall.run("send") {
            Self.serviceUnavailable.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
        _ = try? Syscall.check("shutdown") { Glibc.shutdown(fd, Int32(SHUT_WR)) }
        Glibc.close(fd)
    }

    private func closed(_ id: ObjectIdentifier) {
        let burstEnded = self.state.withLock { state -> Bool in
            state.connections.removeValue(forKey: id)
            guard state.burstPeak >= Self.burstConnections, state.connections.count <= Self.quietConnections else {
                return false
            }
            state.burstPeak = state.connections.count
            return true
        }
        if burstEnded {
            FreedMemory.returnToSystemSoon()
        }
        self.runCompletionsIfDrained()
    }

    private func runCompletionsIfDrained() {
        let completions = self.state.withLock { state -> [@Sendable () -> Void] in
            guard state.stopped, state.connections.isEmpty else { return [] }
            defer { state.shutdownCompletions = [] }
            return state.shutdownCompletions
        }
        for completion in completions {
            completion()
        }
    }
}
