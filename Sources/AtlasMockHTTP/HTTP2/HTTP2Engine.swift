private import CNghttp2
import Dispatch
import HTTPTypes

/// HTTP/2 for one connection: an nghttp2 server session fed with the peer's bytes, whose complete requests go to
/// the handler and whose replies go back as responses, many streams at a time.
///
/// The only place in the project that talks to nghttp2; no C type leaves this file.
///
/// Ownership and lifetime: the engine owns its `nghttp2_session`, created in `init` and deleted when the
/// connection closes (or in `deinit`). nghttp2 gets the engine as `user_data`, unretained: the session never
/// outlives the engine, so the pointer is valid in every callback.
///
/// Confinement: every member is used on `io.queue` only (checked with `dispatchPrecondition` at each entry point).
/// `@unchecked Sendable` only so the deferred flush can be enqueued on that same queue.
///
/// Choices where RFC 9113 leaves room:
/// - A body over `maxBodyBytes` (announced by `content-length` or found while receiving) is answered 413 at once;
///   a header section over `maxHeaderBytes` / `maxHeaderCount` is answered 431 once the header block is decoded.
///   If the request is still open when that response ends, the stream is reset with NO_ERROR, which §8.1 describes
///   as asking the client to stop sending "without error"; the connection stays usable.
/// - Graceful shutdown is the two-step GOAWAY of §6.8: a shutdown notice (last stream id 2^31-1) and a PING; once
///   the PING is acknowledged, a GOAWAY with the last stream id processed. Streams below it are finished.
/// - Closed streams: nghttp2 remembers the most recently closed ones (as many as `maxConcurrentStreams`, for the
///   RFC 7540 priority tree), and answers frames on them as §5.1 requires (STREAM_CLOSED), ignoring those that may
///   be in flight after a RST_STREAM of ours. That bounded memory is the "limited period" §5.1 allows for ignoring
///   frames after a reset: a HEADERS frame opening a stream id below the highest one the client used, for a stream
///   nghttp2 no longer knows, is the connection error PROTOCOL_ERROR of §5.1.1 (nghttp2 alone would ignore it).
final class HTTP2Engine: ProtocolEngine, @unchecked Sendable {
    /// The connection, held weakly as `ConnectionIO` requires: the connection owns the engine.
    private weak var io: (any ConnectionIO)?
    private let queue: DispatchQueue
    private let configuration: ServerConfiguration
    /// Nil once the connection is closed; every entry point then does nothing.
    private var session: OpaquePointer?
    /// Streams that opened and have not closed yet, by stream id.
    private var streams: [Int32: StreamState] = [:]
    /// Streams whose request became complete during `nghttp2_session_mem_recv`: they are handed to the handler
    /// after it returns, so application code never runs under a C frame.
    private var completedStreams: [Int32] = []
    /// The highest stream id the client has used in a HEADERS frame (0: none yet): stream ids must increase.
    private var highestClientStreamID: Int32 = 0
    /// A flush is enqueued on `queue`: replies arriving together leave in one `io.send`.
    private var flushScheduled = false
    /// True while `receive` hands completed streams to the handler; it flushes their replies itself afterwards.
    private var receiving = false
    /// We stopped producing output (and reading) because the peer is not draining it.
    private var outputBlocked = false
    private var shutdownStarted = false
    private var finalGoAwaySubmitted = false
    /// Reused for every response's header block, so building one allocates nothing once warmed up.
    private var headerBytes: [UInt8] = []
    /// For each response field: offset into `headerBytes`, name length, value length.
    private var headerSpans: [Int] = []

    init(io: any ConnectionIO) {
        dispatchPrecondition(condition: .onQueue(io.queue))
        self.io = io
        self.queue = io.queue
        self.configuration = io.configuration
        self.session = Self.makeSession(userData: Unmanaged.passUnretained(self).toOpaque())
        self.submitSettings()
        self.scheduleFlush()
    }

    /// Continues an HTTP/1.1 connection upgraded with `Upgrade: h2c`; `upgradedRequest` becomes stream 1.
    /// Throws `HTTP2EngineError.invalidHTTP2Settings` when `http2Settings` is not a valid SETTINGS payload.
    init(io: any ConnectionIO, upgradedRequest: HTTPServerRequest, http2Settings: [UInt8]) throws {
        dispatchPrecondition(condition: .onQueue(io.queue))
        self.io = io
        self.queue = io.queue
        self.configuration = io.configuration
        let session = Self.makeSession(userData: Unmanaged.passUnretained(self).toOpaque())
        self.session = session
        self.submitSettings()
        let headRequest: Int32 = upgradedRequest.head.method == .head ? 1 : 0
        // nghttp2 reads the payload during the call only; it opens stream 1 half-closed (remote).
        let rc = http2Settings.withUnsafeBufferPointer { payload in
            nghttp2_session_upgrade2(session, payload.baseAddress, payload.count, headRequest, nil)
        }
        guard rc == 0 else {
            throw HTTP2EngineError.invalidHTTP2Settings
        }
        let stream = StreamState()
        stream.requestComplete = true
        stream.request = upgradedRequest
        self.streams[1] = stream
        self.highestClientStreamID = 1
        self.dispatch(upgradedRequest, id: 1)
        self.scheduleFlush()
        self.restartIdleTimer()
    }

    deinit {
        if let session = self.session {
            nghttp2_session_del(session)
        }
    }

    // MARK: ProtocolEngine

    var isIdle: Bool { self.streams.isEmpty }

    func receive(_ bytes: UnsafeRawBufferPointer) {
        dispatchPrecondition(condition: .onQueue(self.queue))
        guard let session = self.session else { return }
        let consumed = nghttp2_session_mem_recv(
            session, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count)
        guard consumed >= 0 else {
            // Bad client magic, flooding, or out of memory: nghttp2 asks us to drop the connection. (Protocol
            // errors are not reported here: nghttp2 queues the GOAWAY itself and stops wanting to read.)
            if consumed == Int(NGHTTP2_ERR_FLOODED.rawValue) {
                // RFC 9113 §10.5: a peer flooding us with frames that need acknowledging is told to calm down. The
                // session is unusable now, so the GOAWAY is written by hand, ahead of nothing: the acknowledgements
                // nghttp2 queued are dropped with it.
                self.io?.send(
                    Self.goAwayFrame(
                        lastStreamID: nghttp2_session_get_last_proc_stream_id(session),
                        errorCode: NGHTTP2_ENHANCE_YOUR_CALM.rawValue))
                self.closeConnection(flush: true)
            } else {
                self.closeConnection(flush: false)
            }
            return
        }
        // Replies given during dispatch are flushed below, together, rather than each scheduling a flush.
        self.receiving = true
        self.dispatchCompletedStreams()
        self.receiving = false
        self.flush()
        self.restartIdleTimer()
    }

    /// Restarts the connection's idle timeout: it runs from the peer's last bytes. A peer that opens nothing, or
    /// stops reading and sending (never a WINDOW_UPDATE for a large response), must not hold a connection slot
    /// forever. Connections without timers (in-memory test doubles) simply never time out.
    private func restartIdleTimer() {
        guard self.session != nil, let io = self.io as? any TimedConnectionIO else { return }
        io.setTimer(self.configuration.idleTimeout) { [weak self] in self?.idleTimeoutExpired() }
    }

    /// Ends a connection whose peer went quiet: GOAWAY (NO_ERROR, the last stream we processed), then close. While
    /// a handler is still working on one of its requests the silence is ours, not the peer's: wait again.
    private func idleTimeoutExpired() {
        guard let session = self.session else { return }
        if self.streams.values.contains(where: { $0.request != nil && $0.status == nil && $0.rejection == nil }) {
            self.restartIdleTimer()
            return
        }
        nghttp2_submit_goaway(
            session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nghttp2_session_get_last_proc_stream_id(session),
            NGHTTP2_NO_ERROR.rawValue, nil, 0)
        self.flush()
        self.closeConnection(flush: true)
    }

    func inputClosed() {
        dispatchPrecondition(condition: .onQueue(self.queue))
        guard self.session != nil else { return }
        // A peer that stopped sending can no longer send WINDOW_UPDATE or acknowledgements, so the connection
        // cannot go on half-closed (HTTP/2 clients end with GOAWAY, not a half-close).
        self.flush()
        self.closeConnection(flush: true)
    }

    func outputDrained() {
        dispatchPrecondition(condition: .onQueue(self.queue))
        guard self.session != nil else { return }
        self.flush()
    }

    func startGracefulShutdown() {
        dispatchPrecondition(condition: .onQueue(self.queue))
        guard let session = self.session, !self.shutdownStarted else { return }
        self.shutdownStarted = true
        // The notice stops the client opening streams; the PING's acknowledgement proves that any stream it opened
        // before seeing the notice has reached us, so the final GOAWAY's last stream id is then exact.
        nghttp2_submit_shutdown_notice(session)
        nghttp2_submit_ping(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nil)
        self.flush()
    }

    // MARK: Session setup

    /// Creates a server session whose callbacks reach `userData` (the engine, unretained).
    private static func makeSession(userData: UnsafeMutableRawPointer) -> OpaquePointer {
        // Callbacks and options are copied into the session, so both are deleted as soon as it exists.
        var callbacks: OpaquePointer?
        precondition(nghttp2_session_callbacks_new(&callbacks) == 0, "nghttp2: out of memory")
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_begin_frame_callback(callbacks, onBeginFrameCallback)
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, onBeginHeadersCallback)
        nghttp2_session_callbacks_set_on_header_callback(callbacks, onHeaderCallback)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, onDataChunkRecvCallback)
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, onFrameRecvCallback)
        nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, onFrameSendCallback)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, onStreamCloseCallback)

        var options: OpaquePointer?
        precondition(nghttp2_option_new(&options) == 0, "nghttp2: out of memory")
        defer { nghttp2_option_del(options) }
        // We stop producing output while the peer does not read it; a peer that keeps sending PINGs or SETTINGS
        // meanwhile would pile up acknowledgements. 100 is far above what an honest client needs.
        nghttp2_option_set_max_outbound_ack(options, 100)
        // Eight settings are defined (RFC 9113, 8441, 9218); a SETTINGS frame with twice as many entries is abuse.
        nghttp2_option_set_max_settings(options, 18)

        var session: OpaquePointer?
        let rc = nghttp2_session_server_new2(&session, callbacks, userData, options)
        precondition(rc == 0 && session != nil, "nghttp2: cannot create a session (\(rc))")
        return session!
    }

    /// Our SETTINGS, and the matching connection-level receive window.
    private func submitSettings() {
        guard let session = self.session else { return }
        // A body within the limit never waits for a WINDOW_UPDATE round trip; nghttp2 replenishes the window as
        // data arrives. Capped at 16 MiB: a larger window buys nothing here.
        let window = Int32(clamping: min(max(self.configuration.maxBodyBytes, 65_535), 16 << 20))
        let settings: [(nghttp2_settings_id, Int)] = [
            (NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, self.configuration.maxConcurrentStreams),
            (NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, Int(window)),
            (NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, self.configuration.maxHeaderBytes),
            // Not SETTINGS_NO_RFC7540_PRIORITIES: with it nghttp2 keeps no priority tree, and so neither validates
            // PRIORITY frames (§5.3.1, §6.3) nor remembers closed streams to answer late frames with STREAM_CLOSED.
        ]
        let entries = settings.map { id, value in
            nghttp2_settings_entry(settings_id: Int32(id.rawValue), value: UInt32(clamping: value))
        }
        // nghttp2 copies the entries during the call.
        var rc = entries.withUnsafeBufferPointer { entries in
            nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), entries.baseAddress, entries.count)
        }
        precondition(rc == 0, "nghttp2: invalid SETTINGS (\(rc))")
        rc = nghttp2_session_set_local_window_size(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, window)
        precondition(rc == 0, "nghttp2: invalid connection window (\(rc))")
    }

    // MARK: Receiving (called from nghttp2 during `nghttp2_session_mem_recv`)

    /// Every frame's header, before nghttp2 acts on it: where §5.1.1's rule that client stream ids increase is
    /// enforced for the streams nghttp2 has forgotten (see the type's comment).
    fileprivate func onBeginFrame(type: UInt8, streamID: Int32) -> Int32 {
        // Even ids and stream 0 are nghttp2's to reject; only HEADERS opens a client stream.
        guard UInt32(type) == NGHTTP2_HEADERS.rawValue, streamID & 1 == 1, let session = self.session else { return 0 }
        if streamID > self.highestClientStreamID {
            self.highestClientStreamID = streamID
            return 0
        }
        // The pointer is only read here, during the callback (nghttp2 keeps it valid until the next send/recv).
        let known = nghttp2_session_find_stream(session, streamID).map {
            nghttp2_stream_get_state($0) != NGHTTP2_STREAM_STATE_IDLE
        }
        if known != true {
            // Queues GOAWAY(PROTOCOL_ERROR); nghttp2 ignores the rest of the input and ends the session once sent.
            nghttp2_session_terminate_session(session, NGHTTP2_PROTOCOL_ERROR.rawValue)
        }
        return 0
    }

    fileprivate func onBeginHeaders(_ frame: UnsafePointer<nghttp2_frame>) -> Int32 {
        if frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST {
            self.streams[frame.pointee.hd.stream_id] = StreamState()
        }
        return 0
    }

    /// One decoded header field. The name and value point into nghttp2's buffers and are copied here.
    fileprivate func onHeader(
        _ frame: UnsafePointer<nghttp2_frame>, name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>
    ) -> Int32 {
        // Trailers (a later HEADERS frame) are decoded by nghttp2 but not used.
        guard frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST,
            let stream = self.streams[frame.pointee.hd.stream_id]
        else { return 0 }
        // RFC 9113 §6.5.2's measure, the one SETTINGS_MAX_HEADER_LIST_SIZE announces.
        stream.headerListBytes += name.count + value.count + 32
        if stream.headerListBytes > self.configuration.maxHeaderBytes {
            stream.reject(.headerSectionTooLarge)
        }
        if name.first == UInt8(ascii: ":") {
            // Always kept (nghttp2 allows only these four, each once), so even a rejected request can be logged.
            let text = String(decoding: value, as: UTF8.self)
            if name.elementsEqual(":method".utf8) {
                guard let method = HTTPRequest.Method(text) else { return resetStream }
                stream.method = method
            } else if name.elementsEqual(":path".utf8) {
                stream.path = text
            } else if name.elementsEqual(":authority".utf8) {
                stream.authority = text
            } else if name.elementsEqual(":scheme".utf8) {
                stream.scheme = text
            }
            return 0
        }
        guard stream.rejection == nil else { return 0 }
        guard stream.fields.count < self.configuration.maxHeaderCount else {
            stream.reject(.tooManyHeaderFields)
            return 0
        }
        guard let fieldName = HTTPField.Name(parsed: String(decoding: name, as: UTF8.self)) else {
            return resetStream
        }
        let field = HTTPField(name: fieldName, value: value)
        if fieldName == .contentLength, let length = Int(field.value) {
            if length > self.configuration.maxBodyBytes {
                stream.reject(.bodyTooLarge)
                return 0
            }
            // Up to what a client may send before any WINDOW_UPDATE: an announced length costs the client nothing.
            stream.body.reserveCapacity(min(length, 65_535))
        }
        stream.fields.append(field)
        return 0
    }

    /// A piece of a DATA frame's payload, copied before returning.
    fileprivate func onDataChunk(streamID: Int32, data: UnsafeBufferPointer<UInt8>) -> Int32 {
        guard let stream = self.streams[streamID], stream.rejection == nil else { return 0 }
        guard stream.body.count + data.count <= self.configuration.maxBodyBytes else {
            stream.reject(.bodyTooLarge)
            self.answerRejected(stream, id: streamID)
            return 0
        }
        stream.body.append(contentsOf: data)
        return 0
    }

    fileprivate func onFrameReceived(_ frame: UnsafePointer<nghttp2_frame>) -> Int32 {
        let id = frame.pointee.hd.stream_id
        let endStream = frame.pointee.hd.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
        switch UInt32(frame.pointee.hd.type) {
        case NGHTTP2_HEADERS.rawValue:
            guard let stream = self.streams[id] else { return 0 }
            if frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST {
                stream.started = .now()
                if stream.rejection != nil {
                    self.answerRejected(stream, id: id)
                }
            }
            if endStream {
                self.requestEnded(stream, id: id)
            }
        case NGHTTP2_DATA.rawValue:
            if endStream, let stream = self.streams[id] {
                self.requestEnded(stream, id: id)
            }
        case NGHTTP2_PING.rawValue:
            // The only PING we send is the graceful shutdown's (nghttp2 acknowledges the peer's by itself).
            let ack = frame.pointee.hd.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) != 0
            if ack && self.shutdownStarted && !self.finalGoAwaySubmitted, let session = self.session {
                self.finalGoAwaySubmitted = true
                nghttp2_submit_goaway(
                    session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nghttp2_session_get_last_proc_stream_id(session),
                    NGHTTP2_NO_ERROR.rawValue, nil, 0)
            }
        default:
            break
        }
        return 0
    }

    private func requestEnded(_ stream: StreamState, id: Int32) {
        stream.requestComplete = true
        if stream.rejection == nil {
            self.completedStreams.append(id)
        }
    }

    /// A frame of ours went out. After a response's last frame, a request still being received is cut short.
    fileprivate func onFrameSent(_ frame: UnsafePointer<nghttp2_frame>) -> Int32 {
        guard frame.pointee.hd.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0,
            let stream = self.streams[frame.pointee.hd.stream_id], !stream.requestComplete,
            let session = self.session
        else { return 0 }
        nghttp2_submit_rst_stream(
            session, UInt8(NGHTTP2_FLAG_NONE.rawValue), frame.pointee.hd.stream_id, NGHTTP2_NO_ERROR.rawValue)
        return 0
    }

    fileprivate func onStreamClosed(streamID: Int32) -> Int32 {
        guard let stream = self.streams.removeValue(forKey: streamID) else { return 0 }
        if let status = stream.status, let request = stream.request {
            self.io?.accessLog.record(
                request: request, status: status, bodyBytes: stream.responseOffset, started: stream.started)
        }
        return 0
    }

    /// Copies the next piece of a response body into nghttp2's frame buffer.
    fileprivate func readResponseBody(
        streamID: Int32, into buffer: UnsafeMutableRawBufferPointer, flags: UnsafeMutablePointer<UInt32>
    ) -> Int {
        guard let stream = self.streams[streamID] else { return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue) }
        let count = min(buffer.count, stream.responseBody.count - stream.responseOffset)
        stream.responseBody.withUnsafeBytes { body in
            buffer.copyMemory(
                from: UnsafeRawBufferPointer(rebasing: body[stream.responseOffset..<stream.responseOffset + count]))
        }
        stream.responseOffset += count
        if stream.responseOffset == stream.responseBody.count {
            flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
        }
        return count
    }

    // MARK: Answering

    private func dispatchCompletedStreams() {
        guard !self.completedStreams.isEmpty else { return }
        for id in self.completedStreams {
            guard let stream = self.streams[id], let request = self.makeRequest(stream) else {
                if let session = self.session {
                    nghttp2_submit_rst_stream(
                        session, UInt8(NGHTTP2_FLAG_NONE.rawValue), id, NGHTTP2_PROTOCOL_ERROR.rawValue)
                }
                continue
            }
            stream.request = request
            stream.body = []
            self.dispatch(request, id: id)
        }
        self.completedStreams.removeAll(keepingCapacity: true)
    }

    private func dispatch(_ request: HTTPServerRequest, id: Int32) {
        guard let io = self.io else { return }
        io.dispatch(request) { [weak self] reply in
            self?.answer(id, with: reply)
        }
    }

    private func makeRequest(_ stream: StreamState) -> HTTPServerRequest? {
        guard let method = stream.method, let io = self.io else { return nil }
        let head = HTTPRequest(
            method: method, scheme: stream.scheme, authority: stream.authority, path: stream.path,
            headerFields: stream.fields)
        return HTTPServerRequest(
            head: head, body: stream.body, remoteAddress: io.remoteAddress, remotePort: io.remotePort,
            version: .http2)
    }

    /// The handler's reply for stream `id`, on `queue`. Dropped if the peer reset the stream meanwhile.
    private func answer(_ id: Int32, with reply: HTTPServerReply) {
        guard self.session != nil, let stream = self.streams[id], let request = stream.request else { return }
        switch reply {
        case .dropConnection:
            self.closeConnection(flush: false)
        case .response(let response):
            self.submitResponse(response, to: stream, id: id, headRequest: request.head.method == .head)
            if !self.receiving { self.scheduleFlush() }
        }
    }

    /// Answers a request the transport refused (413, 431) without involving the handler.
    private func answerRejected(_ stream: StreamState, id: Int32) {
        guard let rejection = stream.rejection, stream.status == nil else { return }
        stream.request = self.makeRequest(stream)
        stream.body = []
        let response = HTTPServerResponse(
            status: rejection.status, headerFields: [.contentType: "text/plain; charset=utf-8"],
            body: Array(rejection.message.utf8))
        self.submitResponse(response, to: stream, id: id, headRequest: stream.method == .head)
    }

    private func submitResponse(
        _ response: HTTPServerResponse, to stream: StreamState, id: Int32, headRequest: Bool
    ) {
        guard let session = self.session else { return }
        let status = response.head.status.code
        let sendsBody = response.head.status.allowsContent && !headRequest && !response.body.isEmpty
        stream.status = status
        stream.responseBody = sendsBody ? response.body : []

        self.headerBytes.removeAll(keepingCapacity: true)
        self.headerSpans.removeAll(keepingCapacity: true)
        self.appendField(":status", String(status))
        for field in response.head.headerFields where !Self.isManagedByTransport(field.name) {
            self.appendField(field.name.canonicalName, field.value)
        }
        for field in response.appendedFields where !Self.isManagedByTransport(field.name) {
            self.appendField(field.name.canonicalName, field.value)
        }
        self.appendField("date", HTTPDate.now())
        if response.head.status.allowsContent {
            self.appendField("content-length", String(response.body.count))
        }

        var provider = nghttp2_data_provider(
            source: nghttp2_data_source(ptr: nil), read_callback: readResponseBodyCallback)
        let fieldCount = self.headerSpans.count / 3
        let spans = self.headerSpans
        // The name/value pointers only need to live during the call: nghttp2 copies the block when submitting.
        let rc = self.headerBytes.withUnsafeMutableBufferPointer { bytes in
            withUnsafeTemporaryAllocation(of: nghttp2_nv.self, capacity: fieldCount) { nva in
                for index in 0..<fieldCount {
                    let start = bytes.baseAddress! + spans[3 * index]
                    let nameLength = spans[3 * index + 1]
                    nva.initializeElement(
                        at: index,
                        to: nghttp2_nv(
                            name: start, value: start + nameLength, namelen: nameLength,
                            valuelen: spans[3 * index + 2], flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue)))
                }
                return withUnsafePointer(to: &provider) { provider in
                    nghttp2_submit_response(session, id, nva.baseAddress, fieldCount, sendsBody ? provider : nil)
                }
            }
        }
        if rc != 0 {
            nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), id, NGHTTP2_INTERNAL_ERROR.rawValue)
        }
    }

    private func appendField(_ name: String, _ value: String) {
        self.headerSpans.append(self.headerBytes.count)
        self.headerBytes.appendUTF8(name)
        self.headerSpans.append(name.utf8.count)
        self.headerBytes.appendUTF8(value)
        self.headerSpans.append(value.utf8.count)
    }

    /// Fields the engine writes itself, and HTTP/1.1 connection fields that RFC 9113 §8.2.2 forbids in HTTP/2.
    private static func isManagedByTransport(_ name: HTTPField.Name) -> Bool {
        switch name.canonicalName {
        case "content-length", "date", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade":
            true
        default: false
        }
    }

    // MARK: Output and closing

    private func scheduleFlush() {
        guard !self.flushScheduled else { return }
        self.flushScheduled = true
        self.queue.async {
            self.flushScheduled = false
            self.flush()
        }
    }

    /// Moves what nghttp2 has ready to `io.send`, in as few calls as the output limit allows, as far as the peer
    /// keeps up; closes the connection once nghttp2 has nothing left to read or write (after GOAWAY, or a
    /// connection error).
    private func flush() {
        guard let session = self.session, let io = self.io else { return }
        var output: [UInt8] = []
        var blocked = false
        while true {
            if io.pendingOutputBytes + output.count > self.configuration.maxPendingOutputBytes {
                // Hand over what is ready: a connection that writes it at once has room again, and then no
                // `outputDrained()` would come to wake us.
                guard output.isEmpty else {
                    io.send(output)
                    output = []
                    continue
                }
                blocked = true
                break
            }
            // `chunk` points into nghttp2's buffer, valid until the next call: copied right away.
            var chunk: UnsafePointer<UInt8>?
            let count = nghttp2_session_mem_send(session, &chunk)
            guard count > 0, let chunk else {
                if count < 0 {
                    self.closeConnection(flush: false)
                    return
                }
                break
            }
            output.append(contentsOf: UnsafeBufferPointer(start: chunk, count: count))
        }
        if !output.isEmpty {
            io.send(output)
        }
        if blocked != self.outputBlocked {
            self.outputBlocked = blocked
            io.setReadingPaused(blocked)
        }
        if nghttp2_session_want_read(session) == 0 && nghttp2_session_want_write(session) == 0 {
            self.closeConnection(flush: true)
        }
    }

    /// A GOAWAY frame (RFC 9113 §6.8): the 9-byte frame header, then the last stream id and the error code.
    private static func goAwayFrame(lastStreamID: Int32, errorCode: UInt32) -> [UInt8] {
        let header: [UInt8] = [0, 0, 8, UInt8(NGHTTP2_GOAWAY.rawValue), 0, 0, 0, 0, 0]
        func bigEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
        return header + bigEndian(UInt32(bitPattern: lastStreamID) & 0x7FFF_FFFF) + bigEndian(errorCode)
    }

    /// Deletes the session (no callback runs after this) and closes the connection.
    private func closeConnection(flush: Bool) {
        guard let session = self.session else { return }
        self.session = nil
        nghttp2_session_del(session)
        self.streams.removeAll()
        self.io?.close(flush: flush)
    }
}

/// Why an `HTTP2Engine` could not start.
enum HTTP2EngineError: Error, Equatable {
    /// The `HTTP2-Settings` header of an `Upgrade: h2c` request did not decode to a SETTINGS payload.
    case invalidHTTP2Settings
}

extension HTTP2Engine {
    /// A request over a limit: answered by the engine, in the same words as the HTTP/1.1 engine.
    fileprivate enum Rejection {
        case headerSectionTooLarge
        case tooManyHeaderFields
        case bodyTooLarge

        var status: HTTPResponse.Status {
            switch self {
            case .headerSectionTooLarge, .tooManyHeaderFields: .requestHeaderFieldsTooLarge
            case .bodyTooLarge: .contentTooLarge
            }
        }

        /// The plain-text body: names the limit, never echoes input.
        var message: String {
            switch self {
            case .headerSectionTooLarge: "header section too large"
            case .tooManyHeaderFields: "too many header fields"
            case .bodyTooLarge: "request body too large"
            }
        }
    }

    /// One stream's exchange. A class so that callbacks update it in place.
    fileprivate final class StreamState {
        var method: HTTPRequest.Method?
        var scheme: String?
        var authority: String?
        var path: String?
        var fields = HTTPFields()
        var headerListBytes = 0
        var body: [UInt8] = []
        /// The peer sent END_STREAM.
        var requestComplete = false
        /// Why the transport answers instead of the handler.
        var rejection: Rejection?
        /// The request as dispatched (or as far as received, when rejected), for the access log.
        var request: HTTPServerRequest?
        /// When the request head was complete.
        var started = DispatchTime.now()
        /// Set once a response is submitted.
        var status: Int?
        var responseBody: [UInt8] = []
        var responseOffset = 0

        /// Records the first reason to refuse the request and forgets what was collected for the handler.
        func reject(_ rejection: Rejection) {
            guard self.rejection == nil else { return }
            self.rejection = rejection
            self.fields = [:]
            self.body = []
        }
    }
}

// MARK: - C callbacks
//
// Non-capturing functions that reach the engine through `user_data` (see `HTTP2Engine` on lifetime). None throws:
// per-stream trouble returns NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE, which makes nghttp2 reset just that stream.

private let resetStream = NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue
private let callbackFailure = NGHTTP2_ERR_CALLBACK_FAILURE.rawValue

private func engine(_ userData: UnsafeMutableRawPointer?) -> HTTP2Engine? {
    userData.map { Unmanaged<HTTP2Engine>.fromOpaque($0).takeUnretainedValue() }
}

private func onBeginFrameCallback(
    _ session: OpaquePointer?, _ header: UnsafePointer<nghttp2_frame_hd>?, _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let header, let engine = engine(userData) else { return callbackFailure }
    return engine.onBeginFrame(type: header.pointee.type, streamID: header.pointee.stream_id)
}

private func onBeginHeadersCallback(
    _ session: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?, _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let frame, let engine = engine(userData) else { return callbackFailure }
    return engine.onBeginHeaders(frame)
}

private func onHeaderCallback(
    _ session: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?, _ name: UnsafePointer<UInt8>?,
    _ nameLength: Int, _ value: UnsafePointer<UInt8>?, _ valueLength: Int, _ flags: UInt8,
    _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let frame, let engine = engine(userData) else { return callbackFailure }
    return engine.onHeader(
        frame, name: UnsafeBufferPointer(start: name, count: nameLength),
        value: UnsafeBufferPointer(start: value, count: valueLength))
}

private func onDataChunkRecvCallback(
    _ session: OpaquePointer?, _ flags: UInt8, _ streamID: Int32, _ data: UnsafePointer<UInt8>?, _ length: Int,
    _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let engine = engine(userData) else { return callbackFailure }
    return engine.onDataChunk(streamID: streamID, data: UnsafeBufferPointer(start: data, count: length))
}

private func onFrameRecvCallback(
    _ session: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?, _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let frame, let engine = engine(userData) else { return callbackFailure }
    return engine.onFrameReceived(frame)
}

private func onFrameSendCallback(
    _ session: OpaquePointer?, _ frame: UnsafePointer<nghttp2_frame>?, _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let frame, let engine = engine(userData) else { return callbackFailure }
    return engine.onFrameSent(frame)
}

private func onStreamCloseCallback(
    _ session: OpaquePointer?, _ streamID: Int32, _ errorCode: UInt32, _ userData: UnsafeMutableRawPointer?
) -> Int32 {
    guard let engine = engine(userData) else { return callbackFailure }
    return engine.onStreamClosed(streamID: streamID)
}

private func readResponseBodyCallback(
    _ session: OpaquePointer?, _ streamID: Int32, _ buffer: UnsafeMutablePointer<UInt8>?, _ length: Int,
    _ flags: UnsafeMutablePointer<UInt32>?, _ source: UnsafeMutablePointer<nghttp2_data_source>?,
    _ userData: UnsafeMutableRawPointer?
) -> Int {
    guard let flags, let engine = engine(userData) else { return Int(callbackFailure) }
    return engine.readResponseBody(
        streamID: streamID, into: UnsafeMutableRawBufferPointer(start: buffer, count: length), flags: flags)
}
