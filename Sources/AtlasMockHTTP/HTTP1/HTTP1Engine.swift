import Dispatch
import FoundationEssentials
import HTTPTypes

/// HTTP/1.x on one connection: persistent by default, pipelined requests answered one at a time and in order,
/// `Expect: 100-continue`, `Upgrade: h2c`, and the read/idle timeouts of `ServerConfiguration`.
/// Confined to the connection's queue (see `ConnectionIO`).
final class HTTP1Engine: ProtocolEngine {
    private enum State {
        /// Between requests, nothing buffered.
        case idle
        case readingHead
        case readingBody(HTTP1RequestHead)
        /// The handler has the request; further input waits in `input`.
        case awaitingResponse
        /// An error response or `Connection: close` was sent, or the connection moved to HTTP/2.
        case done
    }

    private weak var io: (any TimedConnectionIO)?
    private var parser: HTTP1Parser
    private var state = State.idle
    /// Received, not yet parsed; parsing resumes at `inputStart` (pipelined requests wait here).
    private var input: [UInt8] = []
    private var inputStart = 0
    private var body: [UInt8] = []
    /// When the current request's head began; for the access log.
    private var started = DispatchTime.now()
    private var headerTimerArmed = false
    private var draining = false
    private var inputEnded = false
    private var pausedForInput = false
    /// True while the handler runs inside `answer`: a reply then comes before `io.dispatch` returns.
    private var dispatching = false
    /// Unparsed input kept while a request is being answered, beyond which reading pauses.
    private let maxBufferedInput: Int
    /// Requests answered since this connection last let the others go first (see `process`).
    private var answeredThisTurn = 0
    private var continuationScheduled = false
    /// A pipelining client's share of a worker thread before it waits behind the other connections. Small enough
    /// that 20 clients pipelining thousands of requests delay a one-request client by milliseconds, not seconds.
    private static let requestsPerTurn = 16

    init(io: any TimedConnectionIO) {
        self.io = io
        self.parser = HTTP1Parser(limits: HTTP1Parser.Limits(io.configuration))
        self.maxBufferedInput = io.configuration.maxRequestLineBytes + io.configuration.maxHeaderBytes
    }

    var isIdle: Bool {
        if case .idle = self.state { return self.inputStart == self.input.count }
        return false
    }

    func receive(_ bytes: UnsafeRawBufferPointer) {
        self.input.append(contentsOf: bytes)
        self.process()
    }

    func inputClosed() {
        self.inputEnded = true
        self.process()
    }

    /// Pipelined requests wait while the peer is not reading (see `process`); a drained socket resumes them.
    func outputDrained() {
        self.process()
    }

    func startGracefulShutdown() {
        self.draining = true
        if self.isIdle { self.finish() }
    }

    // MARK: Requests

    /// Parses buffered input until it needs more, a request goes to the handler, or this turn's share of requests
    /// (`requestsPerTurn`) is used up.
    private func process() {
        guard let io = self.io else { return }
        defer { self.compactInput() }
        while true {
            switch self.state {
            case .awaitingResponse:
                return self.pauseIfBufferFull(io)
            case .done:
                return
            case .idle:
                guard self.inputStart < self.input.count else {
                    self.answeredThisTurn = 0
                    if self.inputEnded {
                        self.finish()
                    } else {
                        io.setTimer(io.configuration.idleTimeout) { [weak self] in self?.finish() }
                    }
                    return
                }
                // Responses are queued whole: a peer that pipelines requests for large responses and never reads
                // them would make us queue one after another without bound. The next request waits for a drain.
                if io.pendingOutputBytes > io.configuration.maxPendingOutputBytes { return }
                if self.answeredThisTurn >= Self.requestsPerTurn {
                    self.pauseIfBufferFull(io)
                    return self.continueNextTurn(io)
                }
                self.state = .readingHead
                self.started = .now()
            case .readingHead, .readingBody:
                break
            }

            let result = self.input.withUnsafeBytes { all in
                Result { () throws(HTTP1ParseError) -> HTTP1Parser.Step in
                    let unparsed = UnsafeRawBufferPointer(rebasing: all[self.inputStart...])
                    let step = try self.parser.next(unparsed)
                    if case .body(let range) = step.event { self.body.append(contentsOf: unparsed[range]) }
                    return step
                }
            }
            let step: HTTP1Parser.Step
            switch result {
            case .failure(let error):
                return self.fail(status: error.status, message: error.message)
            case .success(let value):
                step = value
            }
            self.inputStart += step.consumed

            switch step.event {
            case .head(let head):
                self.headerTimerArmed = false
                self.state = .readingBody(head)
                if head.hasBody {
                    io.setTimer(io.configuration.bodyReadTimeout) { [weak self] in
                        self?.fail(status: .requestTimeout, message: "request body timed out")
                    }
                    // Only a client still waiting for permission needs it (RFC 9110 §10.1.1).
                    if head.expectsContinue, head.version == .http1_1, self.inputStart == self.input.count {
                        io.send(Self.continueResponse)
                    }
                } else {
                    io.cancelTimer()
                }
            case .body:
                break
            case .end:
                guard case .readingBody(let head) = self.state else { return }
                io.cancelTimer()
                self.state = .awaitingResponse
                self.answer(head, io: io)
            case nil:
                if self.inputEnded {
                    // The peer stopped sending in the middle of a request: nobody is left to answer.
                    return self.finish()
                }
                if case .readingHead = self.state, !self.headerTimerArmed {
                    self.headerTimerArmed = true
                    io.setTimer(io.configuration.headerReadTimeout) { [weak self] in
                        self?.fail(status: .requestTimeout, message: "request header timed out")
                    }
                }
                return
            }
        }
    }

    private func answer(_ head: HTTP1RequestHead, io: any TimedConnectionIO) {
        let body = self.body
        self.body = []
        let request = HTTPServerRequest(
            head: head.request, body: body, remoteAddress: io.remoteAddress, remotePort: io.remotePort,
            version: head.version)
        if !self.draining, let settings = head.h2cUpgradeSettings, let decoded = Self.base64URLDecoded(settings) {
            return self.upgrade(request, settings: decoded, io: io)
        }
        self.answeredThisTurn += 1
        self.dispatching = true
        io.dispatch(request) { [weak self] reply in
            self?.respond(reply, to: request, head: head)
        }
        self.dispatching = false
    }

    private func respond(_ reply: HTTPServerReply, to request: HTTPServerRequest, head: HTTP1RequestHead) {
        guard case .awaitingResponse = self.state, let io = self.io else { return }
        guard case .response(let response) = reply else {
            self.state = .done
            return io.close(flush: false)
        }
        let keepAlive = head.keepAlive && !self.draining
            && !(response.head.headerFields.value(of: .connection)?.lowercased().contains("close") ?? false)
        let sendsBody = head.method != .head && response.head.status.allowsContent
        HTTP1ResponseSerializer.write(
            response, keepAlive: keepAlive, requestVersion: head.version, includeBody: sendsBody, to: io)
        io.accessLog.record(
            request: request, status: response.head.status.code, bodyBytes: sendsBody ? response.body.count : 0,
            started: self.started)

        guard keepAlive else { return self.finish() }
        self.state = .idle
        if self.pausedForInput {
            self.pausedForInput = false
            io.setReadingPaused(false)
        }
        // A reply given during `dispatch` returns to the `process` loop that dispatched it, which goes on with
        // the next pipelined request: recursing here would nest one call per pipelined request.
        if !self.dispatching { self.process() }
    }

    /// Stops reading while more than a request's worth of input waits unparsed; `respond` resumes it.
    private func pauseIfBufferFull(_ io: any TimedConnectionIO) {
        guard !self.pausedForInput, self.input.count - self.inputStart > self.maxBufferedInput else { return }
        self.pausedForInput = true
        io.setReadingPaused(true)
    }

    private func continueNextTurn(_ io: any TimedConnectionIO) {
        guard !self.continuationScheduled else { return }
        self.continuationScheduled = true
        io.continueLater { [weak self] in
            guard let self else { return }
            self.continuationScheduled = false
            self.answeredThisTurn = 0
            self.process()
        }
    }

    // MARK: Upgrade

    private static let switchingToH2C = Array(
        "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n".utf8)
    private static let continueResponse = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// RFC 7540 §3.2: 101, then the HTTP/2 engine owns the connection and answers this request on stream 1.
    private func upgrade(_ request: HTTPServerRequest, settings: [UInt8], io: any TimedConnectionIO) {
        self.state = .done
        io.cancelTimer()
        io.send(Self.switchingToH2C)
        let leftover = Array(self.input[self.inputStart...])
        self.input = []
        self.inputStart = 0
        var upgraded = request
        upgraded.version = .http2
        do {
            let engine = try HTTP2Engine(io: io, upgradedRequest: upgraded, http2Settings: settings)
            io.replaceEngine(with: engine, leftover: leftover)
        } catch {
            // After the 101 there is no HTTP/1.1 left to explain the failure in.
            io.close(flush: true)
        }
    }

    /// `HTTP2-Settings` is base64url without padding (RFC 7540 §3.2.1); nil when it is not.
    static func base64URLDecoded(_ text: String) -> [UInt8]? {
        var standard = String(decoding: text.utf8.map { $0 == UInt8(ascii: "-") ? UInt8(ascii: "+") : $0 == UInt8(ascii: "_") ? UInt8(ascii: "/") : $0 }, as: UTF8.self)
        standard += String(repeating: "=", count: (4 - standard.utf8.count % 4) % 4)
        return Data(base64Encoded: standard).map { Array($0) }
    }

    // MARK: Ending

    /// Answers an unusable request with `Connection: close`, then closes once it is written.
    private func fail(status: HTTPResponse.Status, message: String) {
        guard let io = self.io else { return }
        if case .done = self.state { return }
        self.state = .done
        io.cancelTimer()
        HTTP1ResponseSerializer.writeError(status: status, message: message, to: io)
        io.close(flush: true)
    }

    /// Closes after pending output: keep-alive ended, peer finished, idle timeout or shutdown.
    private func finish() {
        self.state = .done
        self.io?.close(flush: true)
    }

    private func compactInput() {
        if self.inputStart == self.input.count {
            self.input.removeAll(keepingCapacity: true)
        } else if self.inputStart > 0 {
            self.input.removeFirst(self.inputStart)
        }
        self.inputStart = 0
    }
}
