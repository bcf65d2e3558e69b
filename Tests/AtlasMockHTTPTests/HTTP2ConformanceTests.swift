import CNghttp2
import Dispatch
import Testing

@testable import AtlasMockHTTP

/// RFC 9113's rules on stream states and PRIORITY, each checked the way h2spec checks it, through the in-memory
/// nghttp2 client of `HTTP2EngineTests`. Frames a well-behaved nghttp2 client refuses to send (DATA on a closed
/// stream, PRIORITY on stream 0) are written as raw frames into the engine; what the engine answers is read back
/// by the client session (its GOAWAY and RST_STREAM callbacks).
@Suite(.timeLimit(.minutes(1)))
struct HTTP2ConformanceTests {
    /// The frames a client may not send on a stream whose request ended and was answered.
    enum LateFrame: String, CaseIterable {
        case data = "DATA"
        case headers = "HEADERS"

        func bytes(streamID: Int32) -> [UInt8] {
            switch self {
            case .data: RawFrame.data(streamID: streamID, payload: Array("late".utf8), endStream: true)
            case .headers: RawFrame.headers(streamID: streamID, endStream: true)
            }
        }
    }

    /// §5.1 "closed": DATA or HEADERS on a stream whose request ended and was answered is a connection error
    /// STREAM_CLOSED.
    @Test(arguments: LateFrame.allCases)
    func frameOnAFinishedStreamIsConnectionErrorStreamClosed(_ frame: LateFrame) throws {
        let harness = Harness()
        let id = try harness.answeredRequest("GET", "/hello")

        let codes = try harness.goAwayCodes(afterInjecting: frame.bytes(streamID: id))
        #expect(codes == [NGHTTP2_STREAM_CLOSED.rawValue], "\(frame.rawValue)")
        #expect(harness.connection.closedWithFlush == true, "the GOAWAY is written before closing")
    }

    /// §5.1 "half-closed (remote)": DATA after END_STREAM, while the request is still being answered, is an error
    /// STREAM_CLOSED. §5.1 names a stream error; nghttp2 makes it a connection error, which §5.4.1 allows.
    @Test func dataAfterEndStreamOnAStreamStillAnsweringIsAnErrorStreamClosed() throws {
        let harness = Harness()
        let parked = try harness.parkedRequest()

        let codes = try harness.goAwayCodes(
            afterInjecting: RawFrame.data(streamID: parked, payload: [1, 2, 3], endStream: false))
        #expect(codes == [NGHTTP2_STREAM_CLOSED.rawValue])
        #expect(harness.queue.sync { harness.client.goAways.map(\.lastStreamID) } == [parked])
    }

    /// §5.1 "closed" after the client's RST_STREAM: DATA that follows it is answered STREAM_CLOSED.
    @Test func dataAfterTheClientResetItsStreamIsStreamClosed() throws {
        let harness = Harness()
        let id = harness.request("POST", "/echo", endStream: false)
        try harness.run { _ in !harness.engine.isIdle }
        harness.queue.sync {
            #expect(nghttp2_submit_rst_stream(harness.client.session, 0, id, NGHTTP2_CANCEL.rawValue) == 0)
        }
        try harness.run { $0.responses[id]?.closed == true }

        let codes = try harness.goAwayCodes(afterInjecting: RawFrame.data(streamID: id, payload: [1], endStream: true))
        #expect(codes == [NGHTTP2_STREAM_CLOSED.rawValue])
    }

    /// §6.3: PRIORITY on stream 0 is a connection error PROTOCOL_ERROR.
    @Test func priorityOnStreamZeroIsConnectionErrorProtocolError() throws {
        let harness = Harness()
        try harness.runUntilServerSettings()
        let codes = try harness.goAwayCodes(afterInjecting: RawFrame.priority(streamID: 0, dependsOn: 1))
        #expect(codes == [NGHTTP2_PROTOCOL_ERROR.rawValue])
    }

    /// §5.3.1: a stream depending on itself is an error PROTOCOL_ERROR (a stream error in §5.3.1; nghttp2 makes it a
    /// connection error, as §5.4.1 allows).
    @Test func priorityDependingOnItselfIsAnErrorProtocolError() throws {
        let harness = Harness()
        let parked = try harness.parkedRequest()

        let codes = try harness.goAwayCodes(afterInjecting: RawFrame.priority(streamID: parked, dependsOn: parked))
        #expect(codes == [NGHTTP2_PROTOCOL_ERROR.rawValue])
    }

    /// §5.1.1: a HEADERS frame opening a stream id below one the client already used is a connection error
    /// PROTOCOL_ERROR (nghttp2 on its own ignores it, and nghttpd with it).
    @Test func headersOnAStreamIDBelowAUsedOneIsConnectionErrorProtocolError() throws {
        let harness = Harness()
        harness.queue.sync { #expect(nghttp2_session_set_next_stream_id(harness.client.session, 5) == 0) }
        let id = harness.request("GET", "/hello")
        #expect(id == 5)
        try harness.run { $0.responses[id]?.closed == true }

        let codes = try harness.goAwayCodes(afterInjecting: RawFrame.headers(streamID: 3, endStream: true))
        #expect(codes == [NGHTTP2_PROTOCOL_ERROR.rawValue])
        #expect(harness.queue.sync { harness.client.goAways.map(\.lastStreamID) } == [5])
        #expect(harness.recorder.requests.map(\.path) == ["/hello"], "stream 3 never reaches the handler")
    }

    /// Closed streams are remembered only up to the concurrency limit: after more streams than that, frames on
    /// the oldest are no longer matched to it. A late DATA frame is then ignored (the connection goes on), and a
    /// HEADERS frame reusing its id is a connection error PROTOCOL_ERROR as for any id gone by.
    @Test func closedStreamMemoryIsBoundedByTheConcurrencyLimit() throws {
        var configuration = ServerConfiguration()
        configuration.maxConcurrentStreams = 4
        let harness = Harness(configuration: configuration)
        let ids = try (0..<12).map { try harness.answeredRequest("GET", "/item/\($0)") }

        harness.inject(RawFrame.data(streamID: ids[0], payload: [1], endStream: true))
        #expect(try harness.answer("GET", "/after").status == "200", "DATA on a forgotten stream is ignored")
        #expect(harness.goAwayCodes.isEmpty)

        let codes = try harness.goAwayCodes(afterInjecting: RawFrame.headers(streamID: ids[1], endStream: true))
        #expect(codes == [NGHTTP2_PROTOCOL_ERROR.rawValue])
    }

    /// Trailers (a second HEADERS on an open stream, lower than the newest) are not mistaken for a reused id.
    @Test func trailersOnAnOlderOpenStreamAreAccepted() throws {
        let harness = Harness()
        let first = harness.request("POST", "/echo", endStream: false)
        try harness.answeredRequest("GET", "/hello")

        harness.inject(RawFrame.headers(streamID: first, endStream: true, block: RawFrame.trailerBlock))
        // The client's own side of the stream stays open (it never sent END_STREAM itself): wait for the answer.
        try harness.run { $0.responses[first]?.status != nil }
        #expect(harness.response(first)?.status == "200")
        #expect(harness.goAwayCodes.isEmpty)
    }
}

/// HTTP/2 frames built byte by byte (RFC 9113 §4.1, §6), for what an nghttp2 client will not send.
enum RawFrame {
    /// `:method GET`, `:scheme http`, `:path /` from HPACK's static table, and `:authority` as a literal without
    /// indexing: decoding it leaves the server's dynamic table as it was, so the client session stays in sync.
    static let requestBlock: [UInt8] = [0x82, 0x86, 0x84, 0x01, 12] + Array("example.test".utf8)
    /// One trailer field, `x-trailer: 1`, as a literal without indexing with a new name.
    static let trailerBlock: [UInt8] = [0x00, 9] + Array("x-trailer".utf8) + [1] + Array("1".utf8)

    static func data(streamID: Int32, payload: [UInt8], endStream: Bool) -> [UInt8] {
        self.frame(type: 0x0, flags: endStream ? 0x1 : 0, streamID: streamID, payload: payload)
    }

    static func headers(streamID: Int32, endStream: Bool, block: [UInt8] = requestBlock) -> [UInt8] {
        self.frame(type: 0x1, flags: 0x4 | (endStream ? 0x1 : 0), streamID: streamID, payload: block)
    }

    /// Non-exclusive dependency, weight 16.
    static func priority(streamID: Int32, dependsOn: Int32) -> [UInt8] {
        self.frame(type: 0x2, flags: 0, streamID: streamID, payload: self.bigEndian(UInt32(dependsOn)) + [15])
    }

    private static func frame(type: UInt8, flags: UInt8, streamID: Int32, payload: [UInt8]) -> [UInt8] {
        let length = UInt32(payload.count)
        return [UInt8(length >> 16), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), type, flags]
            + self.bigEndian(UInt32(streamID)) + payload
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) }
    }
}
