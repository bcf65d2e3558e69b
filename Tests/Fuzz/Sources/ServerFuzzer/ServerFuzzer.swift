import AtlasMock
import Dispatch
import Foundation
import Logging
import Synchronization

@testable import AtlasMockHTTP

/// The whole server minus sockets: the input is what a client sends on one connection (HTTP/1.1 requests, or
/// the HTTP/2 preface and frames), delivered to the engine the real connection would pick, with the real
/// `FakeAtlas` (default fixtures) answering. Each input runs twice, with authentication off (so requests
/// reach the endpoints) and strict (so they reach the Digest and Bearer parsers).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    for mode in [AtlasConfiguration.AuthMode.off, .strict] {
        MemoryConnection(authMode: mode).run(bytes)
    }
    return 0
}

/// A connection that keeps everything in memory: its socket takes all output at once, its timer fires only
/// when `run` has delivered all input, and reading pauses exactly when the engine asks. Confined to `queue`,
/// like a real connection; `run` is the only entry from outside it.
final class MemoryConnection: TimedConnectionIO, @unchecked Sendable {
    static let http2Preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
    static let accessLog = AccessLog(logger: Logger(label: "access") { _ in SwiftLogNoOpLogHandler() })

    let queue = DispatchQueue(label: "memory-connection")
    let configuration: ServerConfiguration
    let handler: any HTTPHandler
    let replies: PendingReplies
    var accessLog: AccessLog { Self.accessLog }
    let remoteAddress = "192.0.2.7"
    let remotePort = 40_000
    var pendingOutputBytes: Int { 0 }

    private var engine: (any ProtocolEngine)?
    private var paused = false
    private var closed = false
    private var timer: (() -> Void)?
    /// Changes whenever the engine does something observable; `settle` waits until it stops changing.
    private var progress = 0

    init(authMode: AtlasConfiguration.AuthMode) {
        var configuration = AtlasConfiguration()
        configuration.authMode = authMode
        // Small limits, so short inputs reach every limit check.
        configuration.server.maxRequestLineBytes = 256
        configuration.server.maxHeaderBytes = 1024
        configuration.server.maxHeaderCount = 16
        configuration.server.maxBodyBytes = 4096
        configuration.server.maxConcurrentStreams = 8
        self.configuration = configuration.server
        self.replies = PendingReplies()
        self.handler = CountingHandler(
            atlas: FakeAtlas(configuration: configuration, fixtures: .default), replies: self.replies)
    }

    /// Delivers `bytes` in reads of at most 512 bytes, honouring pauses, then lets the timer fire and closes
    /// the input, waiting for the handler's replies after each step.
    func run(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let stop = self.queue.sync { () -> Bool in
                if self.closed || self.paused { return true }
                let count = min(512, bytes.count - offset)
                let piece = Array(bytes[offset..<offset + count])
                offset += count
                self.deliver(piece)
                return false
            }
            if stop { break }
            self.settle()
        }
        self.queue.sync {
            if !self.closed, let timer = self.timer {
                self.timer = nil
                timer()
            }
        }
        self.settle()
        self.queue.sync {
            if !self.closed { self.engine?.inputClosed() }
        }
        self.settle()
        self.queue.sync {
            if !self.closed { self.engine?.startGracefulShutdown() }
            self.engine = nil
        }
    }

    /// As `Connection.deliver`: the first bytes choose the engine.
    private func deliver(_ piece: [UInt8]) {
        if self.engine == nil {
            let isHTTP2 = piece.starts(with: Self.http2Preface)
            self.engine = isHTTP2 ? HTTP2Engine(io: self) : HTTP1Engine(io: self)
        }
        piece.withUnsafeBytes { self.engine?.receive($0) }
    }

    /// Runs the queue until the engine stops making progress and no reply is outstanding (a reply delayed by
    /// an injected fault is waited for briefly, then abandoned).
    private func settle() {
        var idleRounds = 0
        while idleRounds < 50 {
            let before = self.queue.sync { self.progress }
            self.queue.sync {}
            let after = self.queue.sync { self.progress }
            if after != before {
                idleRounds = 0
            } else if self.replies.outstanding == 0 {
                return
            } else {
                idleRounds += 1
                usleep(100)
            }
        }
    }

    func send(_ bytes: [UInt8]) {
        dispatchPrecondition(condition: .onQueue(self.queue))
        self.progress += 1
    }

    func setReadingPaused(_ paused: Bool) {
        dispatchPrecondition(condition: .onQueue(self.queue))
        self.paused = paused
        self.progress += 1
    }

    func close(flush: Bool) {
        dispatchPrecondition(condition: .onQueue(self.queue))
        self.closed = true
        self.timer = nil
        self.progress += 1
    }

    func replaceEngine(with engine: any ProtocolEngine, leftover: [UInt8]) {
        dispatchPrecondition(condition: .onQueue(self.queue))
        self.engine = engine
        self.progress += 1
        if !leftover.isEmpty { leftover.withUnsafeBytes { engine.receive($0) } }
    }

    /// No other connection waits here: the work runs next on `queue`, which `settle` drains.
    func continueLater(_ work: @escaping () -> Void) {
        dispatchPrecondition(condition: .onQueue(self.queue))
        self.progress += 1
        let work = UnsafeTransfer(work)
        self.queue.async { work.value() }
    }

    func setTimer(_ timeout: DispatchTimeInterval, onExpiry: @escaping () -> Void) {
        dispatchPrecondition(condition: .onQueue(self.queue))
        self.timer = onExpiry
    }

    func cancelTimer() {
        dispatchPrecondition(condition: .onQueue(self.queue))
        self.timer = nil
    }
}

/// How many requests the handler has not answered yet.
final class PendingReplies: Sendable {
    private let count = Atomic<Int>(0)
    var outstanding: Int { self.count.load(ordering: .acquiring) }
    func started() { self.count.add(1, ordering: .releasing) }
    func finished() { self.count.subtract(1, ordering: .releasing) }
}

/// `FakeAtlas`, counting requests in flight so the harness knows when to stop waiting.
struct CountingHandler: HTTPHandler {
    let atlas: FakeAtlas
    let replies: PendingReplies

    func handle(_ request: HTTPServerRequest, reply: @escaping @Sendable (HTTPServerReply) -> Void) {
        let replies = self.replies
        replies.started()
        self.atlas.handle(request) { answer in
            reply(answer)
            replies.finished()
        }
    }

    func responseForFailure(_ error: any Error, request: HTTPServerRequest) -> HTTPServerResponse {
        self.atlas.responseForFailure(error, request: request)
    }
}
