import Glibc
import Dispatch
import Logging

/// One accepted TCP connection: owns the socket, moves bytes between it and a protocol engine, and enforces
/// output backpressure. The engine is chosen by the first bytes: the HTTP/2 preface, or else HTTP/1.1.
///
/// On the TLS listener a `TLSSession` sits between the socket and the engine: ciphertext read here is decrypted
/// there, engine output is encrypted there and written here, so turns, backpressure (counted in ciphertext) and
/// timeouts work as in cleartext. The handshake must finish within `headerReadTimeout`; then ALPN, not the first
/// bytes, chooses the engine. Closing gracefully sends `close_notify` before the FIN.
///
/// `@unchecked Sendable` invariant: every mutable property is touched only on `queue` (its event loop's serial
/// queue, shared with the loop's other connections); the server may only call `start`, `beginGracefulShutdown`
/// and `forceClose`, which hop onto `queue`. Members check it with `dispatchPrecondition`.
final class Connection: TimedConnectionIO, @unchecked Sendable {
    let queue: DispatchQueue
    let configuration: ServerConfiguration
    let handler: any HTTPHandler
    let accessLog: AccessLog
    let remoteAddress: String
    let remotePort: Int
    let overTLS: Bool
    private(set) var pendingOutputBytes = 0

    private enum State {
        case open
        /// `close(flush: true)` was called with output still queued.
        case closingAfterFlush
        /// Output written and our side shut down; input is read and discarded until EOF or a short deadline,
        /// because closing with unread input makes the kernel send a reset that can destroy our last response.
        case lingering
        case closed
    }

    /// The HTTP/2 connection preface (RFC 9113 §3.4); anything else is HTTP/1.x.
    private static let http2Preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
    /// The answer to plain HTTP sent to the TLS port (nginx answers it 400 too), in cleartext: the client would
    /// not understand anything else.
    private static let plaintextOnTLSPort: [UInt8] = {
        let body = "This port speaks HTTPS: the plain HTTP request was sent to a TLS port.\n"
        return Array(
            ("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body).utf8)
    }()
    /// Bytes read in one turn (see `readable`); the buffer lives on the stack of the reading thread.
    private static let readTurnBytes = 64 * 1024
    private static let readsPerTurn = 16
    private static let lingerTimeout = DispatchTimeInterval.seconds(2)

    private let fd: Int32
    private let logger: Logger
    private let onClose: @Sendable (ObjectIdentifier) -> Void
    private var state = State.open
    private var engine: (any ProtocolEngine)?
    /// Input received before an engine was chosen (at most a preface's worth).
    private var undecided: [UInt8] = []
    /// What the TLS listener serves with; nil on the cleartext listener.
    private let tlsIdentity: TLSIdentity?
    /// The connection's TLS state, made by `start`; nil in cleartext and once closed.
    private var tls: TLSSession?
    private let loop: EventLoop
    /// The loop registration that reports input; nil until `start` and after closing.
    private var readToken: UInt64?
    /// True while input is not wanted (see `updateReading`): readiness reports are ignored meanwhile, and input
    /// that arrived is looked for when reading resumes.
    private var readSuspended = true
    /// Created when a write first hits a full socket; most connections never need one.
    private var writeSource: (any DispatchSourceWrite)?
    private var writeSuspended = true
    private var timer: (any DispatchSourceTimer)?
    private var timerAction: (() -> Void)?
    /// When `timerAction` is due.
    private var timerDeadline = DispatchTime.distantFuture
    /// When `timer` is set to fire; may be earlier than `timerDeadline` (see `armTimer`).
    private var timerScheduledFor = DispatchTime.distantFuture
    /// Armed while output waits for a full socket, rescheduled whenever some is written (`writeTimeout`). Separate
    /// from `timer`, which the engine owns: a stalled peer must be cut off whatever the engine is waiting for.
    private var stallTimer: (any DispatchSourceTimer)?
    private var output: [[UInt8]] = []
    /// Bytes of `output[0]` already written.
    private var outputOffset = 0
    private var engineWantsPause = false
    private var inputEnded = false
    /// Sources whose cancel handler has yet to run, plus one for the loop registration; the descriptor is closed
    /// when it reaches zero, as Dispatch requires, so a reused descriptor number never meets a stale source.
    private var liveSources = 1

    init(
        fd: Int32, remote: SocketAddress, loop: EventLoop, configuration: ServerConfiguration,
        handler: any HTTPHandler, accessLog: AccessLog, logger: Logger, tls: TLSIdentity?,
        onClose: @escaping @Sendable (ObjectIdentifier) -> Void
    ) {
        self.fd = fd
        self.tlsIdentity = tls
        self.overTLS = tls != nil
        self.remoteAddress = remote.host
        self.remotePort = remote.port
        self.configuration = configuration
        self.handler = handler
        self.accessLog = accessLog
        self.logger = logger
        self.onClose = onClose
        self.loop = loop
        self.queue = loop.queue
    }

    // MARK: Server side

    /// Starts reading; until the first bytes arrive the idle timeout applies (TLS: until the handshake is done,
    /// the header read timeout).
    func start() {
        self.queue.async {
            // Force-closed before it started: the descriptor is closed, and its number may be someone else's.
            guard case .open = self.state else { return }
            if let identity = self.tlsIdentity {
                guard let session = TLSSession(identity: identity) else {
                    self.logger.warning("connection \(self.remoteAddress):\(self.remotePort): cannot create a TLS session")
                    return self.closeNow()
                }
                self.tls = session
            }
            do {
                self.readToken = try self.loop.register(self.fd) { self.readable() }
            } catch {
                self.logger.warning("connection \(self.remoteAddress):\(self.remotePort): \(error)")
                return self.closeNow()
            }
            self.updateReading()
            if self.tls != nil {
                self.setTimer(self.configuration.headerReadTimeout) {
                    self.logger.debug("connection \(self.remoteAddress):\(self.remotePort): TLS handshake timed out")
                    self.close(flush: false)
                }
            } else {
                self.setTimer(self.configuration.idleTimeout) { self.close(flush: false) }
            }
        }
    }

    /// Graceful shutdown: an idle connection closes now, a busy one lets its engine finish. Input already
    /// waiting in the socket is read first, so a request the client sent just before is not mistaken for idleness.
    func beginGracefulShutdown() {
        self.queue.async {
            self.readable()
            guard case .open = self.state else { return }
            if let engine = self.engine, !engine.isIdle {
                engine.startGracefulShutdown()
            } else {
                self.close(flush: true)
            }
        }
    }

    func forceClose() {
        self.queue.async { self.closeNow() }
    }

    // MARK: ConnectionIO

    func send(_ bytes: [UInt8]) {
        dispatchPrecondition(condition: .onQueue(self.queue))
        guard case .open = self.state, !bytes.isEmpty else { return }
        guard let tls = self.tls else { return self.queueOutput(bytes) }
        guard tls.send(bytes), let records = tls.takeOutput() else {
            self.logger.debug("connection \(self.remoteAddress):\(self.remotePort): TLS cannot send")
            return self.closeNow()
        }
        self.queueOutput(records)
    }

    /// Queues bytes for the socket as they are (ciphertext on a TLS connection).
    private func queueOutput(_ bytes: [UInt8]) {
        guard case .open = self.state else { return }
        self.output.append(bytes)
        self.pendingOutputBytes += bytes.count
        // While the write source is armed the socket is full: appending is all there is to do.
        if self.writeSuspended {
            _ = self.flush()
        }
        self.updateReading()
    }

    func setReadingPaused(_ paused: Bool) {
        dispatchPrecondition(condition: .onQueue(self.queue))
        self.engineWantsPause = paused
        self.updateReading()
    }

    func close(flush: Bool) {
        dispatchPrecondition(condition: .onQueue(self.queue))
        switch self.state {
        case .open:
            guard flush else { return self.closeNow() }
            if let tls = self.tls {
                tls.sendCloseNotify()
                if let closeNotify = tls.takeOutput() { self.queueOutput(closeNotify) }
            }
            self.state = .closingAfterFlush
            self.cancelTimer()
            if self.pendingOutputBytes == 0 { self.finishClosing() } else { self.updateReading() }
        case .closingAfterFlush, .lingering:
            if !flush { self.closeNow() }
        case .closed:
            break
        }
    }

    func setTimer(_ timeout: DispatchTimeInterval, onExpiry: @escaping () -> Void) {
        dispatchPrecondition(condition: .onQueue(self.queue))
        // Once closing, the timer belongs to the lingering close, not to the engine.
        guard case .open = self.state else { return }
        self.armTimer(timeout, onExpiry: onExpiry)
    }

    private func armTimer(_ timeout: DispatchTimeInterval, onExpiry: @escaping () -> Void) {
        self.timerAction = onExpiry
        let deadline = DispatchTime.now() + timeout
        self.timerDeadline = deadline
        if let timer = self.timer {
            // Rescheduling a Dispatch timer wakes Dispatch's manager thread (an eventfd write and a context
            // switch), and a keep-alive connection re-arms its idle timer on every request: 18% of CPU time in
            // the benchmark profile. A timer that fires no later than the new deadline is left alone;
            // `timerFired` moves it on to `timerDeadline`.
            guard deadline < self.timerScheduledFor else { return }
            self.timerScheduledFor = deadline
            timer.schedule(deadline: deadline)
            return
        }
        let timer = DispatchSource.makeTimerSource(queue: self.queue)
        timer.setEventHandler { self.timerFired() }
        timer.setCancelHandler { self.sourceCancelled() }
        self.timerScheduledFor = deadline
        timer.schedule(deadline: deadline)
        self.liveSources += 1
        self.timer = timer
        timer.resume()
    }

    func cancelTimer() {
        dispatchPrecondition(condition: .onQueue(self.queue))
        // The Dispatch timer is left scheduled (see `armTimer`): firing without an action does nothing.
        self.timerAction = nil
        self.timerDeadline = .distantFuture
    }

    func replaceEngine(with engine: any ProtocolEngine, leftover: [UInt8]) {
        dispatchPrecondition(condition: .onQueue(self.queue))
        guard case .open = self.state else { return }
        self.engine = engine
        self.engineWantsPause = false
        self.updateReading()
        if !leftover.isEmpty {
            leftover.withUnsafeBytes { engine.receive($0) }
        }
        if self.inputEnded { engine.inputClosed() }
    }

    func continueLater(_ work: @escaping () -> Void) {
        dispatchPrecondition(condition: .onQueue(self.queue))
        // The loop's queue is shared by its connections and runs its work in order: whatever they queued
        // (readiness batches, replies, timers) goes first. `work` stays on `queue`, hence the unchecked transfer.
        let work = UnsafeTransfer(work)
        self.queue.async { work.value() }
    }

    // MARK: Input

    /// One turn of input: reads until the socket is empty (readiness is edge-triggered, so an EOF or reset that
    /// arrived with the data is announced only by reading on), then hands everything read to the engine at once.
    /// Reading all before answering is what keeps a turn fair: a keep-alive client answered during the turn
    /// sends its next request after our empty read, which makes a new readiness event that waits behind the other
    /// connections, instead of being read, and answered, in this same turn.
    /// A turn reads at most `readTurnBytes` in at most `readsPerTurn` reads; a socket with more gets another turn
    /// after the others (`continueLater`).
    private func readable() {
        dispatchPrecondition(condition: .onQueue(self.queue))
        guard !self.readSuspended, self.state == .open || self.state == .lingering else { return }
        let discarding = self.state == .lingering
        withUnsafeTemporaryAllocation(byteCount: Self.readTurnBytes, alignment: 16) { buffer in
            var filled = 0
            var sawEnd = false
            var sawEmpty = false
            var reads = 0
            while filled < buffer.count, reads < Self.readsPerTurn {
                reads += 1
                let result: IOResult<Int>
                do {
                    result = try Syscall.run("read") {
                        Glibc.read(self.fd, buffer.baseAddress! + filled, buffer.count - filled)
                    }
                } catch {
                    // ECONNRESET and friends: the peer is gone, and so is whoever would read our answers.
                    self.logger.debug("connection \(self.remoteAddress):\(self.remotePort): \(error)")
                    return self.closeNow()
                }
                switch result {
                case .wouldBlock: sawEmpty = true
                case .done(0): sawEnd = true
                case .done(let count): filled = discarding ? 0 : filled + count
                }
                if sawEmpty || sawEnd { break }
            }
            if filled > 0 {
                if let tls = self.tls {
                    sawEnd = self.receiveTLS(tls, buffer, count: filled) || sawEnd
                } else {
                    self.deliver(UnsafeRawBufferPointer(rebasing: buffer[..<filled]))
                }
            }
            if sawEnd {
                self.endOfInput()
            } else if !sawEmpty {
                self.continueLater { self.readable() }
            }
        }
    }

    /// Hands ciphertext to the TLS session, plaintext on to the engine, and what TLS answers back to the peer.
    /// True when the peer ended its side with `close_notify`.
    private func receiveTLS(_ tls: TLSSession, _ buffer: UnsafeMutableRawBufferPointer, count: Int) -> Bool {
        let wasEstablished = tls.isEstablished
        let input = tls.receive(buffer, count: count) { plaintext in
            self.deliver(plaintext)
            return self.state == .open
        }
        guard case .open = self.state else { return false }
        switch input {
        case .failed(.plaintextHTTP):
            self.queueOutput(Self.plaintextOnTLSPort)
            self.close(flush: true)
            return false
        case .failed(.protocolError(let reason)):
            self.logger.debug("connection \(self.remoteAddress):\(self.remotePort): TLS: \(reason)")
            // The alert OpenSSL wrote, if any, goes out before the FIN.
            if let alert = tls.takeOutput() { self.queueOutput(alert) }
            self.close(flush: true)
            return false
        case .needMore, .closeNotify:
            if let records = tls.takeOutput() { self.queueOutput(records) }
            if !wasEstablished, tls.isEstablished, self.engine == nil {
                // The handshake's deadline is met; the peer now gets the idle time to send its first request.
                self.setTimer(self.configuration.idleTimeout) { self.close(flush: false) }
            }
            if case .closeNotify = input { return true }
            return false
        }
    }

    private func deliver(_ bytes: UnsafeRawBufferPointer) {
        if let engine = self.engine {
            return engine.receive(bytes)
        }
        let isHTTP2: Bool
        if let tls = self.tls {
            isHTTP2 = tls.applicationProtocol == .http2
        } else {
            self.undecided.append(contentsOf: bytes)
            let compared = min(self.undecided.count, Self.http2Preface.count)
            isHTTP2 = self.undecided.prefix(compared).elementsEqual(Self.http2Preface.prefix(compared))
            if isHTTP2 && compared < Self.http2Preface.count { return }
        }
        self.cancelTimer()
        let engine: any ProtocolEngine = isHTTP2 ? HTTP2Engine(io: self) : HTTP1Engine(io: self)
        self.engine = engine
        guard self.tls == nil else { return engine.receive(bytes) }
        let first = self.undecided
        self.undecided = []
        first.withUnsafeBytes { engine.receive($0) }
    }

    private func endOfInput() {
        self.inputEnded = true
        self.updateReading()
        switch self.state {
        case .lingering: self.closeNow()
        case .open: if let engine = self.engine { engine.inputClosed() } else { self.closeNow() }
        case .closingAfterFlush, .closed: break
        }
    }

    /// Reads only while the engine wants input and the peer is reading our output: a peer that does not read
    /// cannot make us buffer without bound, and it costs other connections nothing.
    private func updateReading() {
        if case .closed = self.state { return }
        let shouldRead: Bool
        switch self.state {
        case .open:
            shouldRead = !self.inputEnded && !self.engineWantsPause
                && self.pendingOutputBytes <= self.configuration.maxPendingOutputBytes
        case .lingering:
            shouldRead = !self.inputEnded
        case .closingAfterFlush, .closed:
            shouldRead = false
        }
        if shouldRead, self.readSuspended {
            self.readSuspended = false
            // Bytes that arrived while suspended were announced then, and only then: look for them now.
            self.queue.async { self.readable() }
        } else if !shouldRead, !self.readSuspended {
            self.readSuspended = true
        }
    }

    // MARK: Output

    /// Writes queued output until done or the socket is full. Returns false when the connection was closed.
    private func flush() -> Bool {
        while self.pendingOutputBytes > 0 {
            let result: IOResult<Int>
            do {
                result = try self.writeQueued()
            } catch {
                self.logger.debug("connection \(self.remoteAddress):\(self.remotePort): \(error)")
                self.closeNow()
                return false
            }
            switch result {
            case .wouldBlock:
                self.armWriteSource()
                return true
            case .done(let written):
                self.consume(written)
                self.stallTimer?.schedule(deadline: .now() + self.configuration.writeTimeout)
            }
        }
        self.stallTimer?.schedule(deadline: .distantFuture)
        self.output.removeAll(keepingCapacity: true)
        if !self.writeSuspended {
            self.writeSuspended = true
            self.writeSource?.suspend()
        }
        if case .closingAfterFlush = self.state { self.finishClosing() }
        return true
    }

    /// One `writev` of up to 16 queued buffers, so a response head and a large body go out together.
    private func writeQueued() throws(SyscallError) -> IOResult<Int> {
        let count = min(self.output.count, 16)
        var vectors = [iovec](repeating: iovec(), count: count)
        return try self.withBuffers(from: 0, count: count, vectors: &vectors).get()
    }

    /// Pins each buffer with nested `withUnsafeBytes` so the pointers in `vectors` stay valid during `writev`.
    private func withBuffers(
        from index: Int, count: Int, vectors: inout [iovec]
    ) -> Result<IOResult<Int>, SyscallError> {
        if index == count {
            let fd = self.fd
            return vectors.withUnsafeBufferPointer { pointer in
                Result { () throws(SyscallError) in
                    try Syscall.run("writev") { writev(fd, pointer.baseAddress, Int32(count)) }
                }
            }
        }
        let skip = index == 0 ? self.outputOffset : 0
        return self.output[index].withUnsafeBytes { bytes in
            vectors[index] = iovec(
                iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress! + skip), iov_len: bytes.count - skip)
            return self.withBuffers(from: index + 1, count: count, vectors: &vectors)
        }
    }

    private func consume(_ written: Int) {
        self.pendingOutputBytes -= written
        var remaining = written + self.outputOffset
        var done = 0
        while done < self.output.count, remaining >= self.output[done].count {
            remaining -= self.output[done].count
            done += 1
        }
        self.output.removeFirst(done)
        self.outputOffset = remaining
    }

    private func armWriteSource() {
        guard self.writeSuspended else { return }
        self.armStallTimer()
        if self.writeSource == nil {
            let source = DispatchSource.makeWriteSource(fileDescriptor: self.fd, queue: self.queue)
            source.setEventHandler { self.writable() }
            source.setCancelHandler { self.sourceCancelled() }
            self.liveSources += 1
            self.writeSource = source
        }
        self.writeSuspended = false
        self.writeSource?.resume()
    }

    /// Starts the `writeTimeout` clock for output that could not be written at once.
    private func armStallTimer() {
        if let stallTimer = self.stallTimer {
            stallTimer.schedule(deadline: .now() + self.configuration.writeTimeout)
            return
        }
        let timer = DispatchSource.makeTimerSource(queue: self.queue)
        timer.setEventHandler {
            self.logger.debug("connection \(self.remoteAddress):\(self.remotePort): peer stopped reading; closing")
            self.closeNow()
        }
        timer.setCancelHandler { self.sourceCancelled() }
        timer.schedule(deadline: .now() + self.configuration.writeTimeout)
        self.liveSources += 1
        self.stallTimer = timer
        timer.resume()
    }

    private func writable() {
        switch self.state {
        case .open, .closingAfterFlush:
            guard self.flush(), self.pendingOutputBytes == 0 else { return }
            self.updateReading()
            if case .open = self.state { self.engine?.outputDrained() }
        case .lingering, .closed:
            break
        }
    }

    // MARK: Closing

    /// Output is written: shut our side down, and linger (see `State.lingering`) only when unread input is
    /// waiting, which is when a close would send a reset; otherwise a drain would wait on idle peers for nothing.
    private func finishClosing() {
        _ = try? Syscall.check("shutdown") { shutdown(self.fd, Int32(SHUT_WR)) }
        var probe: UInt8 = 0
        let unread = try? Syscall.run("recv") { recv(self.fd, &probe, 1, Int32(MSG_PEEK | MSG_DONTWAIT)) }
        guard !self.inputEnded, case .done(let count)? = unread, count > 0 else { return self.closeNow() }
        self.state = .lingering
        self.armTimer(Self.lingerTimeout) { self.closeNow() }
        self.updateReading()
    }

    private func closeNow() {
        guard self.state != .closed else { return }
        self.state = .closed
        self.engine = nil
        self.tls = nil
        self.timerAction = nil
        self.timerDeadline = .distantFuture
        self.output = []
        self.pendingOutputBytes = 0
        self.readSuspended = true
        // Dispatch objects must not be released suspended: resume before cancelling.
        if let writeSource = self.writeSource {
            if self.writeSuspended {
                self.writeSuspended = false
                writeSource.resume()
            }
            writeSource.cancel()
        }
        self.timer?.cancel()
        self.stallTimer?.cancel()
        if let token = self.readToken {
            self.readToken = nil
            self.loop.deregister(self.fd, token: token)
        }
        // The registration's share of `liveSources`, released at once: unlike a Dispatch source it has no
        // cancel handler to wait for. A connection closed before `start` registered it never had one.
        self.sourceCancelled()
    }

    private func sourceCancelled() {
        self.liveSources -= 1
        guard self.liveSources == 0 else { return }
        Glibc.close(self.fd)
        // The sources' handlers referenced `self`; dropping the sources breaks that cycle.
        self.writeSource = nil
        self.timer = nil
        self.stallTimer = nil
        self.onClose(ObjectIdentifier(self))
    }

    private func timerFired() {
        self.timerScheduledFor = .distantFuture
        guard self.timerAction != nil else { return }
        if DispatchTime.now() < self.timerDeadline {
            // Re-armed for later since this firing was scheduled.
            self.timerScheduledFor = self.timerDeadline
            self.timer?.schedule(deadline: self.timerDeadline)
            return
        }
        let action = self.timerAction
        self.timerAction = nil
        action?()
    }
}
