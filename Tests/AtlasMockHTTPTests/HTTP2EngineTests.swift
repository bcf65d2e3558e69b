import CNghttp2
import Dispatch
import Foundation
import HTTPTypes
import Logging
import Synchronization
import Testing

@testable import AtlasMockHTTP

/// The HTTP/2 engine against a real nghttp2 client session, entirely in memory: no sockets, no threads beyond
/// the fake connection's queue.
@Suite(.timeLimit(.minutes(1)))
struct HTTP2EngineTests {
    @Test func singleGetIsAnsweredWithHandlerFieldsLowercasedDateAndLength() throws {
        let harness = Harness()
        let response = try harness.answer("GET", "/hello?x=1")

        #expect(response.status == "200")
        #expect(response.text == "GET /hello?x=1 body=0")
        #expect(response.field("x-echo-method") == "GET")
        #expect(response.field("content-type") == "text/plain")
        #expect(response.field("content-length") == "21")
        #expect(response.field("date")?.hasSuffix(" GMT") == true)
        #expect(response.field("connection") == nil, "HTTP/1.1 connection fields are not valid in HTTP/2")
        #expect(response.fields.allSatisfy { $0.name == $0.name.lowercased() })
        #expect(response.closeError == NGHTTP2_NO_ERROR.rawValue)

        let request = try #require(harness.recorder.requests.first)
        #expect(request.version == .http2)
        #expect(request.head.method == .get)
        #expect(request.head.scheme == "http")
        #expect(request.head.authority == "example.test")
        #expect(request.head.headerFields[.userAgent] == "engine-tests")
        #expect(request.remoteAddress == "192.0.2.7")
        #expect(request.remotePort == 40_000)
        #expect(harness.logLines == ["192.0.2.7:40000 HTTP/2 GET /hello?x=1 200 21"])
        #expect(harness.queue.sync { harness.engine.isIdle })
    }

    @Test func appendedFieldsFollowTheHeadsAndTheTransportKeepsItsOwn() throws {
        let response = try Harness().answer("GET", "/appended")
        #expect(response.status == "200")
        #expect(
            response.fields.map(\.name) == ["content-type", "x-count", "x-left", "date", "content-length"])
        #expect(response.field("x-count") == "7" && response.field("x-left") == "3")
        #expect(response.field("content-length") == "2")
    }

    @Test func advertisesSettingsFromTheConfiguration() throws {
        var configuration = ServerConfiguration()
        configuration.maxConcurrentStreams = 7
        configuration.maxHeaderBytes = 4096
        let harness = Harness(configuration: configuration)
        try harness.runUntilServerSettings()
        let settings = harness.queue.sync { harness.client.serverSettings }
        #expect(settings[NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue] == 7)
        #expect(settings[NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue] == 4096)
        #expect(settings[NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue] == UInt32(1 << 20))
        #expect(settings[NGHTTP2_SETTINGS_NO_RFC7540_PRIORITIES.rawValue] == nil, "priorities stay on: see HTTP2Engine")
    }

    @Test func manyConcurrentStreamsAreAllAnswered() throws {
        let harness = Harness()
        let ids = (0..<100).map { harness.request("GET", "/item/\($0)") }
        try harness.run { client in ids.allSatisfy { client.responses[$0]?.closed == true } }
        for (index, id) in ids.enumerated() {
            let response = try #require(harness.response(id))
            #expect(response.status == "200")
            #expect(response.text == "GET /item/\(index) body=0")
        }
        #expect(harness.logLines.count == 100)
        #expect(harness.queue.sync { harness.engine.isIdle })
    }

    @Test func postBodyLargerThanTheDefaultWindowArrivesWhole() throws {
        let harness = Harness()
        let body = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let response = try harness.answer("POST", "/echo", body: body)
        #expect(response.status == "200")
        #expect(response.body == body)
        #expect(harness.recorder.requests.first?.body == body)
    }

    @Test func bodyOverTheLimitIsAnswered413AndTheConnectionStaysUsable() throws {
        var configuration = ServerConfiguration()
        configuration.maxBodyBytes = 1000
        let harness = Harness(configuration: configuration)
        // More than one stream window (64 KiB here), so the client is still sending when the 413 goes out.
        let response = try harness.answer("POST", "/echo", body: Array(repeating: 7, count: 200_000))
        #expect(response.status == "413")
        #expect(response.field("content-type") == "text/plain; charset=utf-8")
        #expect(response.text == "request body too large")
        #expect(response.resets == [NGHTTP2_NO_ERROR.rawValue], "RFC 9113 §8.1: stop sending, without error")
        #expect(harness.recorder.requests.isEmpty)

        #expect(try harness.answer("POST", "/echo", body: Array(repeating: 1, count: 1000)).status == "200")
        #expect(
            harness.logLines == [
                "192.0.2.7:40000 HTTP/2 POST /echo 413 22", "192.0.2.7:40000 HTTP/2 POST /echo 200 1000",
            ])
    }

    @Test func announcedContentLengthOverTheLimitIsAnswered413BeforeTheBody() throws {
        var configuration = ServerConfiguration()
        configuration.maxBodyBytes = 1000
        let harness = Harness(configuration: configuration)
        // Headers only: the body never comes, the answer must not wait for it.
        let id = try harness.answeredRequest("PUT", "/echo", fields: [("content-length", "5000")], endStream: false)
        #expect(harness.response(id)?.status == "413")
        #expect(harness.response(id)?.resets == [NGHTTP2_NO_ERROR.rawValue])
        #expect(harness.recorder.requests.isEmpty)
    }

    @Test(arguments: [
        ("too many header fields", (0..<20).map { ("x-field-\($0)", "v") }),
        ("header section too large", [("x-big", String(repeating: "b", count: 2000))]),
    ])
    func oversizedHeaderSectionIsAnswered431(_ message: String, fields: [(String, String)]) throws {
        var configuration = ServerConfiguration()
        configuration.maxHeaderCount = 10
        configuration.maxHeaderBytes = 1024
        let harness = Harness(configuration: configuration)
        let id = try harness.answeredRequest("GET", "/hello", fields: fields)
        #expect(harness.response(id)?.status == "431")
        #expect(harness.response(id)?.text == message)
        #expect(harness.recorder.requests.isEmpty)

        #expect(try harness.answer("GET", "/after").status == "200")
    }

    @Test func headIsAnsweredWithTheLengthButNoBody() throws {
        let harness = Harness()
        let response = try harness.answer("HEAD", "/hello")
        #expect(response.status == "200")
        #expect(response.field("content-length") == "18")
        #expect(response.body.isEmpty)
        #expect(response.dataFrames == 0)
        #expect(harness.logLines == ["192.0.2.7:40000 HTTP/2 HEAD /hello 200 0"])
    }

    @Test func noContentHasNeitherBodyNorLength() throws {
        let harness = Harness()
        let response = try harness.answer("DELETE", "/no-content")
        #expect(response.status == "204")
        #expect(response.field("content-length") == nil)
        #expect(response.dataFrames == 0)
    }

    @Test func throwingHandlerIsAnsweredWithItsFailureResponse() throws {
        let harness = Harness()
        let response = try harness.answer("GET", "/throw")
        #expect(response.status == "500")
        #expect(response.field("content-type") == "application/json")
        #expect(response.text == #"{"error":"UNEXPECTED_ERROR"}"#)

        #expect(try harness.answer("GET", "/after").status == "200")
    }

    @Test func dropConnectionClosesAtOnceWithoutAResponse() throws {
        let harness = Harness()
        let id = harness.request("GET", "/drop")
        try harness.run { _ in harness.connection.closedWithFlush != nil }
        #expect(harness.connection.closedWithFlush == false)
        #expect(harness.response(id)?.status == nil)
        #expect(harness.logLines.isEmpty)
    }

    @Test func gracefulShutdownNamesTheLastStreamAndFinishesInFlightOnes() throws {
        let harness = Harness()
        let first = harness.request("GET", "/park")
        let second = harness.request("GET", "/park")
        try harness.run { _ in harness.recorder.parkedCount == 2 }

        harness.queue.sync { harness.engine.startGracefulShutdown() }
        try harness.run { $0.goAways.count == 2 }
        let goAways = harness.queue.sync { harness.client.goAways }
        #expect(goAways.map(\.lastStreamID) == [Int32.max, second])
        #expect(goAways.allSatisfy { $0.errorCode == NGHTTP2_NO_ERROR.rawValue })
        #expect(harness.connection.closedWithFlush == nil, "in-flight streams finish first")
        #expect(harness.queue.sync { harness.engine.isIdle } == false)

        harness.recorder.releaseParked()
        try harness.run { _ in harness.connection.closedWithFlush != nil }
        #expect(harness.connection.closedWithFlush == true)
        #expect(harness.response(first)?.text == "GET /park body=0")
        #expect(harness.response(second)?.status == "200")
    }

    @Test func streamResetByTheClientIsForgottenAndItsLateReplyDropped() throws {
        let harness = Harness()
        let id = try harness.parkedRequest()
        harness.queue.sync {
            #expect(nghttp2_submit_rst_stream(harness.client.session, 0, id, NGHTTP2_CANCEL.rawValue) == 0)
        }
        try harness.run { $0.responses[id]?.closed == true }
        #expect(harness.queue.sync { harness.engine.isIdle })

        harness.recorder.releaseParked()
        try harness.answeredRequest("GET", "/after")
        #expect(harness.response(id)?.status == nil)
        #expect(harness.logLines == ["192.0.2.7:40000 HTTP/2 GET /after 200 17"])
    }

    @Test func malformedFrameIsAnsweredWithGoAwayThenTheConnectionCloses() throws {
        let harness = Harness()
        try harness.runUntilServerSettings()
        // A SETTINGS frame whose length is not a multiple of 6: a connection error of type FRAME_SIZE_ERROR.
        let codes = try harness.goAwayCodes(afterInjecting: [0, 0, 5, 0x4, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0])
        #expect(harness.connection.closedWithFlush == true)
        #expect(codes == [NGHTTP2_FRAME_SIZE_ERROR.rawValue])
    }

    @Test func somethingOtherThanTheClientPrefaceClosesAtOnce() {
        let connection = FakeConnection(configuration: ServerConfiguration(), handler: TestHandler())
        connection.queue.sync {
            let engine = HTTP2Engine(io: connection)
            Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8).withUnsafeBytes { engine.receive($0) }
        }
        #expect(connection.closedWithFlush == false)
    }

    @Test func endOfInputClosesTheConnection() throws {
        let harness = Harness()
        try harness.runUntilServerSettings()
        harness.queue.sync { harness.engine.inputClosed() }
        #expect(harness.connection.closedWithFlush == true)
    }

    @Test func pingIsAcknowledgedWithItsPayload() throws {
        let harness = Harness()
        let payload = Array("atlasmck".utf8)
        harness.queue.sync {
            #expect(nghttp2_submit_ping(harness.client.session, 0, payload) == 0)
        }
        try harness.run { !$0.pingAcks.isEmpty }
        #expect(harness.queue.sync { harness.client.pingAcks } == [payload])
    }

    @Test func slowReaderGetsTheWholeBodyWhileOutputStaysBounded() throws {
        var configuration = ServerConfiguration()
        configuration.maxPendingOutputBytes = 16 * 1024
        let harness = Harness(configuration: configuration)
        let response = try harness.answer("GET", "/large")
        #expect(response.body == TestHandler.largeBody)
        #expect(harness.connection.largestPending <= 16 * 1024 + 16_384 + 9, "at most one frame beyond the limit")
        #expect(harness.connection.pauseHistory.contains(true))
        #expect(harness.connection.pauseHistory.last == false)
    }

    @Test func connectionThatWritesAtOnceIsNeverLeftWaitingForADrain() throws {
        var configuration = ServerConfiguration()
        configuration.maxPendingOutputBytes = 16 * 1024
        let harness = Harness(configuration: configuration)
        // On the connection's queue: the engine's first flush may already be running there.
        harness.queue.sync { harness.connection.writesAtOnce = true }
        let ids = (0..<4).map { _ in harness.request("GET", "/large") }
        try harness.run { client in ids.allSatisfy { client.responses[$0]?.closed == true } }
        for id in ids {
            #expect(harness.response(id)?.body == TestHandler.largeBody)
        }
        #expect(harness.connection.pauseHistory.isEmpty)
    }

    @Test func h2cUpgradeAnswersTheUpgradedRequestOnStream1() throws {
        let request = HTTPServerRequest(
            head: HTTPRequest(method: .get, scheme: "http", authority: "example.test", path: "/upgraded"),
            body: [], remoteAddress: "192.0.2.7", remotePort: 40_000, version: .http1_1)
        let harness = try Harness(upgrading: request)
        try harness.run { $0.responses[1]?.closed == true }
        let response = try #require(harness.response(1))
        #expect(response.status == "200")
        #expect(response.text == "GET /upgraded body=0")

        let next = harness.request("GET", "/after")
        #expect(next == 3)
        try harness.run { $0.responses[next]?.closed == true }
        #expect(harness.response(next)?.text == "GET /after body=0")
    }

    @Test func h2cUpgradeRejectsAMalformedSettingsPayload() {
        let connection = FakeConnection(configuration: ServerConfiguration(), handler: TestHandler())
        let request = HTTPServerRequest(
            head: HTTPRequest(method: .get, scheme: "http", authority: "example.test", path: "/"),
            body: [], remoteAddress: "192.0.2.7", remotePort: 40_000, version: .http1_1)
        _ = connection.queue.sync {
            #expect(throws: HTTP2EngineError.invalidHTTP2Settings) {
                _ = try HTTP2Engine(io: connection, upgradedRequest: request, http2Settings: [0, 3, 0])
            }
        }
    }
}

// MARK: - Harness

/// One engine, its fake connection and an nghttp2 client, moved forward by `run(until:)`.
final class Harness {
    let recorder: Recorder
    let connection: FakeConnection
    let client: H2Client
    let engine: HTTP2Engine
    var queue: DispatchQueue { self.connection.queue }

    init(configuration: ServerConfiguration = ServerConfiguration()) {
        self.recorder = Recorder()
        self.connection = FakeConnection(configuration: configuration, handler: TestHandler(recorder: self.recorder))
        self.client = H2Client(upgradeSettings: nil)
        let connection = self.connection
        self.engine = connection.queue.sync { HTTP2Engine(io: connection) }
    }

    init(upgrading request: HTTPServerRequest) throws {
        self.recorder = Recorder()
        self.connection = FakeConnection(
            configuration: ServerConfiguration(), handler: TestHandler(recorder: self.recorder))
        let settings = H2Client.settingsPayload()
        self.client = H2Client(upgradeSettings: settings)
        let connection = self.connection
        self.engine = try connection.queue.sync {
            try HTTP2Engine(io: connection, upgradedRequest: request, http2Settings: settings)
        }
    }

    var logLines: [String] {
        // The duration at the end of each line varies; everything before it is exact.
        self.connection.logLines.lines.withLock { $0 }.map { line in
            String(line[..<(line.lastIndex(of: " ") ?? line.endIndex)])
        }
    }

    func response(_ id: Int32) -> H2Client.Response? {
        self.queue.sync { self.client.responses[id] }
    }

    @discardableResult
    func request(
        _ method: String, _ path: String, fields: [(String, String)] = [], body: [UInt8]? = nil,
        endStream: Bool = true
    ) -> Int32 {
        self.queue.sync {
            self.client.submitRequest(
                method: method, path: path, fields: [("user-agent", "engine-tests")] + fields, body: body,
                endStream: endStream)
        }
    }

    /// Sends a request and runs until its response is complete: the stream's id.
    @discardableResult
    func answeredRequest(
        _ method: String, _ path: String, fields: [(String, String)] = [], body: [UInt8]? = nil,
        endStream: Bool = true
    ) throws -> Int32 {
        let id = self.request(method, path, fields: fields, body: body, endStream: endStream)
        try self.run { $0.responses[id]?.closed == true }
        return id
    }

    /// Sends a request and runs until its response is complete: the response.
    func answer(_ method: String, _ path: String, fields: [(String, String)] = [], body: [UInt8]? = nil) throws
        -> H2Client.Response
    {
        try #require(self.response(try self.answeredRequest(method, path, fields: fields, body: body)))
    }

    /// Sends a request the handler holds (`/park`) and runs until it holds it: the stream's id.
    func parkedRequest() throws -> Int32 {
        let id = self.request("GET", "/park")
        try self.run { _ in self.recorder.parkedCount == 1 }
        return id
    }

    /// Runs until the server's SETTINGS (its first frame) reached the client.
    func runUntilServerSettings() throws {
        try self.run { !$0.serverSettings.isEmpty }
    }

    /// Feeds bytes to the engine as if they came from the client after everything it sent so far.
    func inject(_ bytes: [UInt8]) {
        self.queue.sync {
            let pending = self.client.takeOutput()
            (pending + bytes).withUnsafeBytes { self.engine.receive($0) }
        }
    }

    /// Feeds `frame` to the engine and runs until the connection closes: the GOAWAY codes the client received.
    func goAwayCodes(afterInjecting frame: [UInt8]) throws -> [UInt32] {
        self.inject(frame)
        try self.run { _ in self.connection.closedWithFlush != nil }
        return self.goAwayCodes
    }

    var goAwayCodes: [UInt32] {
        self.queue.sync { self.client.goAways.map(\.errorCode) }
    }

    /// Shuttles bytes both ways (and lets replies and deferred flushes run) until `done` holds.
    func run(until done: (H2Client) -> Bool) throws {
        let deadline = DispatchTime.now() + .seconds(10)
        while true {
            let finished = self.queue.sync {
                self.pump()
                return done(self.client)
            }
            if finished { return }
            guard DispatchTime.now() < deadline else {
                throw HarnessTimeout()
            }
            usleep(200)
        }
    }

    private func pump() {
        var progress = true
        while progress {
            progress = false
            let toServer = self.client.takeOutput()
            if !toServer.isEmpty, self.connection.closedWithFlush == nil {
                toServer.withUnsafeBytes { self.engine.receive($0) }
                progress = true
            }
            if !self.connection.outbox.isEmpty {
                let toClient = self.connection.outbox
                self.connection.outbox = []
                self.client.receive(toClient)
                if self.connection.closedWithFlush == nil && !self.connection.writesAtOnce {
                    self.engine.outputDrained()
                }
                progress = true
            }
        }
    }
}

struct HarnessTimeout: Error {}

/// A connection that keeps output in memory. Used on `queue` only.
final class FakeConnection: ConnectionIO, @unchecked Sendable {
    let queue = DispatchQueue(label: "fake-connection")
    let configuration: ServerConfiguration
    let handler: any HTTPHandler
    let accessLog: AccessLog
    let logLines = LogLines()
    let remoteAddress = "192.0.2.7"
    let remotePort = 40_000
    var outbox: [UInt8] = [] {
        didSet { self.largestPending = max(self.largestPending, self.outbox.count) }
    }
    var largestPending = 0
    var pauseHistory: [Bool] = []
    /// Nil while open; then whether the close was to flush queued output first.
    var closedWithFlush: Bool?

    init(configuration: ServerConfiguration, handler: any HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
        let lines = self.logLines
        self.accessLog = AccessLog(logger: Logger(label: "access") { _ in CollectingLogHandler(sink: lines) })
    }

    /// Plays a connection whose socket takes everything at once: nothing is ever pending, and no
    /// `outputDrained()` follows a send.
    var writesAtOnce = false
    var pendingOutputBytes: Int { self.writesAtOnce ? 0 : self.outbox.count }
    let overTLS = false

    func send(_ bytes: [UInt8]) {
        dispatchPrecondition(condition: .onQueue(self.queue))
        #expect(self.closedWithFlush == nil, "no output after close")
        self.outbox += bytes
    }

    func setReadingPaused(_ paused: Bool) {
        self.pauseHistory.append(paused)
    }

    func close(flush: Bool) {
        #expect(self.closedWithFlush == nil, "closed once")
        self.closedWithFlush = flush
        if !flush {
            self.outbox = []
        }
    }

    func replaceEngine(with engine: any ProtocolEngine, leftover: [UInt8]) {
        Issue.record("the HTTP/2 engine never hands the connection on")
    }

    func continueLater(_ work: @escaping () -> Void) {
        let work = UnsafeTransfer(work)
        self.queue.async { work.value() }
    }
}

/// Answers by path: `/throw` throws, `/drop` drops the connection, `/park` waits for `releaseParked()`,
/// `/no-content` is 204, `/large` is a big body, `/appended` carries `appendedFields`; anything else echoes the
/// method, target and body.
struct TestHandler: HTTPHandler {
    static let largeBody = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    var recorder = Recorder()

    struct Failure: Error {}

    func handle(_ request: HTTPServerRequest, reply: @escaping @Sendable (HTTPServerReply) -> Void) throws {
        switch request.path {
        case "/throw":
            throw Failure()
        case "/drop":
            reply(.dropConnection)
            return
        case "/park":
            self.recorder.park(reply, for: request)
            return
        case "/no-content":
            reply(.response(HTTPServerResponse(status: .noContent)))
            return
        case "/appended":
            reply(.response(appendedFieldsResponse))
            return
        case "/large":
            reply(.response(HTTPServerResponse(status: .ok, body: Self.largeBody)))
            return
        default:
            self.recorder.record(request)
            reply(.response(Self.echo(request)))
        }
    }

    static func echo(_ request: HTTPServerRequest) -> HTTPServerResponse {
        var fields = HTTPFields()
        fields[HTTPField.Name("X-Echo-Method")!] = request.head.method.rawValue
        fields[.contentType] = "text/plain"
        fields[.connection] = "keep-alive"
        let body =
            request.path == "/echo"
            ? request.body : Array("\(request.head.method.rawValue) \(request.target) body=\(request.body.count)".utf8)
        return HTTPServerResponse(status: .ok, headerFields: fields, body: body)
    }

    func responseForFailure(_ error: any Error, request: HTTPServerRequest) -> HTTPServerResponse {
        HTTPServerResponse(
            status: .internalServerError, headerFields: [.contentType: "application/json"],
            body: Array(#"{"error":"UNEXPECTED_ERROR"}"#.utf8))
    }
}

/// What the handler saw, and replies it holds back.
final class Recorder: Sendable {
    private let state = Mutex<
        (requests: [HTTPServerRequest], parked: [(HTTPServerRequest, @Sendable (HTTPServerReply) -> Void)])
    >(([], []))

    var requests: [HTTPServerRequest] { self.state.withLock { $0.requests } }
    var parkedCount: Int { self.state.withLock { $0.parked.count } }

    func record(_ request: HTTPServerRequest) {
        self.state.withLock { $0.requests.append(request) }
    }

    func park(_ reply: @escaping @Sendable (HTTPServerReply) -> Void, for request: HTTPServerRequest) {
        self.state.withLock { $0.parked.append((request, reply)) }
    }

    func releaseParked() {
        let parked = self.state.withLock { state in
            defer { state.parked = [] }
            return state.parked
        }
        for (request, reply) in parked {
            reply(.response(TestHandler.echo(request)))
        }
    }
}

final class LogLines: Sendable {
    let lines = Mutex<[String]>([])
}

struct CollectingLogHandler: LogHandler {
    let sink: LogLines
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        self.sink.lines.withLock { $0.append(event.message.description) }
    }
}

// MARK: - nghttp2 client

/// An nghttp2 client session talking through memory. Used on the harness queue only; the session gets this
/// object unretained as `user_data` and is deleted in `deinit`.
final class H2Client {
    struct Response {
        var status: String?
        var fields: [(name: String, value: String)] = []
        var body: [UInt8] = []
        var dataFrames = 0
        /// Error codes of the RST_STREAM frames received.
        var resets: [UInt32] = []
        var closed = false
        var closeError: UInt32?

        var text: String { String(decoding: self.body, as: UTF8.self) }
        func field(_ name: String) -> String? { self.fields.first { $0.name == name }?.value }
    }

    private(set) var session: OpaquePointer!
    var responses: [Int32: Response] = [:]
    var goAways: [(lastStreamID: Int32, errorCode: UInt32)] = []
    var pingAcks: [[UInt8]] = []
    var serverSettings: [UInt32: UInt32] = [:]
    private var requestBodies: [Int32: (bytes: [UInt8], offset: Int)] = [:]

    static func settingsPayload() -> [UInt8] {
        let entries = [
            nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue), value: 100)
        ]
        var payload = [UInt8](repeating: 0, count: 64)
        let count = nghttp2_pack_settings_payload(&payload, payload.count, entries, entries.count)
        precondition(count > 0)
        return Array(payload[..<count])
    }

    init(upgradeSettings: [UInt8]?) {
        var callbacks: OpaquePointer?
        nghttp2_session_callbacks_new(&callbacks)
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_header_callback(callbacks) {
            _, frame, name, nameLength, value, valueLength, _, user in
            let client = H2Client.from(user)
            let id = frame!.pointee.hd.stream_id
            let name = String(decoding: UnsafeBufferPointer(start: name, count: nameLength), as: UTF8.self)
            let value = String(decoding: UnsafeBufferPointer(start: value, count: valueLength), as: UTF8.self)
            if name == ":status" {
                client.responses[id, default: Response()].status = value
            } else {
                client.responses[id, default: Response()].fields.append((name, value))
            }
            return 0
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) { _, _, id, data, length, user in
            H2Client.from(user).responses[id, default: Response()].body += UnsafeBufferPointer(
                start: data, count: length)
            return 0
        }
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, user in
            let client = H2Client.from(user)
            let frame = frame!.pointee
            switch UInt32(frame.hd.type) {
            case NGHTTP2_DATA.rawValue:
                client.responses[frame.hd.stream_id, default: Response()].dataFrames += 1
            case NGHTTP2_RST_STREAM.rawValue:
                client.responses[frame.hd.stream_id, default: Response()].resets.append(frame.rst_stream.error_code)
            case NGHTTP2_GOAWAY.rawValue:
                client.goAways.append((frame.goaway.last_stream_id, frame.goaway.error_code))
            case NGHTTP2_PING.rawValue where frame.hd.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) != 0:
                client.pingAcks.append(withUnsafeBytes(of: frame.ping.opaque_data) { Array($0) })
            case NGHTTP2_SETTINGS.rawValue where frame.hd.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) == 0:
                for entry in UnsafeBufferPointer(start: frame.settings.iv, count: frame.settings.niv) {
                    client.serverSettings[UInt32(entry.settings_id)] = entry.value
                }
            default:
                break
            }
            return 0
        }
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, id, errorCode, user in
            let client = H2Client.from(user)
            client.responses[id, default: Response()].closed = true
            client.responses[id, default: Response()].closeError = errorCode
            return 0
        }
        var session: OpaquePointer?
        let rc = nghttp2_session_client_new(&session, callbacks, Unmanaged.passUnretained(self).toOpaque())
        precondition(rc == 0)
        self.session = session
        if let upgradeSettings {
            // Submits the same SETTINGS the HTTP2-Settings header carried and opens stream 1.
            precondition(nghttp2_session_upgrade2(session, upgradeSettings, upgradeSettings.count, 0, nil) == 0)
        } else {
            precondition(nghttp2_submit_settings(session, 0, nil, 0) == 0)
        }
    }

    deinit {
        nghttp2_session_del(self.session)
    }

    fileprivate static func from(_ user: UnsafeMutableRawPointer?) -> H2Client {
        Unmanaged<H2Client>.fromOpaque(user!).takeUnretainedValue()
    }

    func submitRequest(
        method: String, path: String, fields: [(String, String)], body: [UInt8]?, endStream: Bool
    ) -> Int32 {
        let pairs =
            [(":method", method), (":scheme", "http"), (":authority", "example.test"), (":path", path)] + fields
        // nghttp2 copies the block during the call; the copies below live until it returns.
        let nva = pairs.map { name, value in
            nghttp2_nv(
                name: Self.copy(name), value: Self.copy(value), namelen: name.utf8.count,
                valuelen: value.utf8.count, flags: 0)
        }
        defer {
            for nv in nva {
                nv.name.deallocate()
                nv.value.deallocate()
            }
        }
        var provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: nil)) {
            _, id, buffer, length, flags, _, user in
            let client = H2Client.from(user)
            guard let (bytes, offset) = client.requestBodies[id] else { return Int(NGHTTP2_ERR_DEFERRED.rawValue) }
            let count = min(length, bytes.count - offset)
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawPointer(buffer!).copyMemory(from: source.baseAddress! + offset, byteCount: count)
            }
            client.requestBodies[id]!.offset += count
            if offset + count == bytes.count {
                flags!.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
            }
            return count
        }
        let withProvider = body != nil || !endStream
        let id = withUnsafePointer(to: &provider) { provider in
            nghttp2_submit_request(self.session, nil, nva, nva.count, withProvider ? provider : nil, nil)
        }
        precondition(id > 0)
        if let body {
            self.requestBodies[id] = (body, 0)
        }
        return id
    }

    private static func copy(_ string: String) -> UnsafeMutablePointer<UInt8> {
        let bytes = Array(string.utf8)
        let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        pointer.initialize(from: bytes, count: bytes.count)
        return pointer
    }

    func takeOutput() -> [UInt8] {
        var output: [UInt8] = []
        while true {
            var chunk: UnsafePointer<UInt8>?
            let count = nghttp2_session_mem_send(self.session, &chunk)
            precondition(count >= 0)
            if count == 0 { return output }
            output += UnsafeBufferPointer(start: chunk, count: count)
        }
    }

    func receive(_ bytes: [UInt8]) {
        let consumed = nghttp2_session_mem_recv(self.session, bytes, bytes.count)
        #expect(consumed == bytes.count)
    }
}
