import Dispatch
import AtlasMockTestSupport
import Foundation
import Glibc
import Synchronization
import Testing

@testable import AtlasMockHTTP

/// Live-socket attacks on the transport. Each malformed request gets its exact status and a closed connection;
/// each resource attack runs while a well-behaved client keeps asking, and must keep getting answers. Latency
/// and RSS are printed (`hostile:` lines) for the record, never asserted: the machine is shared.
@Suite("Hostile clients", .serialized, .timeLimit(.minutes(3)))
struct HostileClientTests {
    // MARK: Smuggling and malformed requests

    /// (name, request bytes, expected status, expected body).
    static let malformed: [(String, [UInt8], Int, String)] = [
        ("CL.TE", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG"),
         400, "both Content-Length and Transfer-Encoding"),
        ("TE.CL", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n"),
         400, "both Content-Length and Transfer-Encoding"),
        ("TE xchunked", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
         501, "unsupported transfer coding"),
        ("TE chunked twice", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
         400, "invalid Transfer-Encoding"),
        ("TE chunked, chunked", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"),
         400, "invalid Transfer-Encoding"),
        ("TE gzip, chunked", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
         501, "unsupported transfer coding"),
        ("TE chunked, identity", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"),
         501, "unsupported transfer coding"),
        ("TE empty", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: \r\n\r\n0\r\n\r\n"),
         400, "invalid Transfer-Encoding"),
        ("TE folded onto another line", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nX: y\r\n Transfer-Encoding: chunked\r\n\r\n"),
         400, "obsolete line folding is not allowed"),
        ("TE space before colon", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n"),
         400, "invalid header field name"),
        ("TE vertical tab", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\u{0B}chunked\r\n\r\n0\r\n\r\n"),
         400, "invalid header field value"),
        ("TE on HTTP/1.0", bytes("POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
         400, "invalid Transfer-Encoding"),
        ("CL differing duplicates", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
         400, "invalid Content-Length"),
        ("CL differing list", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 6\r\n\r\nhello!"),
         400, "invalid Content-Length"),
        ("CL negative", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n"), 400, "invalid Content-Length"),
        ("CL plus sign", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\nhello"), 400, "invalid Content-Length"),
        ("CL hex", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 0x5\r\n\r\nhello"), 400, "invalid Content-Length"),
        ("CL inner space", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 1 5\r\n\r\nhello"), 400, "invalid Content-Length"),
        ("CL empty", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: \r\n\r\n"), 400, "invalid Content-Length"),
        ("CL overflow", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n"),
         400, "invalid Content-Length"),
        ("CL over the body limit", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 2000\r\n\r\n"),
         413, "request body too large"),
        ("chunked over the body limit", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n7d1\r\n"),
         413, "request body too large"),
        ("chunk size overflow", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff1\r\n"),
         400, "invalid chunk size"),
        ("chunk size not hex", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
         400, "invalid chunk size"),
        ("chunk data longer than announced", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n"),
         400, "invalid chunked framing"),
        ("chunk extension with bare CR", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;a=\rb\r\nabc\r\n0\r\n\r\n"),
         400, "invalid chunked framing"),
        ("chunk extension with NUL", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3;a=\0\r\nabc\r\n0\r\n\r\n"),
         400, "invalid chunked framing"),
        ("chunk line ended by bare LF", bytes("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n"),
         400, "line not terminated by CRLF"),
        ("bare LF in the head", bytes("GET / HTTP/1.1\nHost: h\n\n"), 400, "line not terminated by CRLF"),
        ("bare LF between fields", bytes("GET / HTTP/1.1\r\nHost: h\nX: y\r\n\r\n"), 400, "line not terminated by CRLF"),
        ("bare CR in a field value", bytes("GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n"), 400, "invalid header field value"),
        ("NUL in a field value", bytes("GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n"), 400, "invalid header field value"),
        ("NUL in the target", bytes("GET /a\0b HTTP/1.1\r\nHost: h\r\n\r\n"), 400, "invalid request target"),
        ("NUL in a field name", bytes("GET / HTTP/1.1\r\nHost: h\r\nX\0: y\r\n\r\n"), 400, "invalid header field name"),
        ("invalid UTF-8 in the path", [UInt8]("GET /a".utf8) + [0xC3, 0x28, 0xFF] + bytes(" HTTP/1.1\r\nHost: h\r\n\r\n"),
         400, "invalid request target"),
        ("space in the target", bytes("GET /a b HTTP/1.1\r\nHost: h\r\n\r\n"), 400, "malformed request line"),
        ("missing Host", bytes("GET / HTTP/1.1\r\n\r\n"), 400, "missing Host header"),
        ("two Hosts", bytes("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400, "more than one Host header"),
        ("HTTP/2 by request line", bytes("GET / HTTP/2\r\nHost: h\r\n\r\n"), 505, "HTTP version not supported"),
        ("request line too long", bytes("GET /" + String(repeating: "a", count: 300) + " HTTP/1.1\r\nHost: h\r\n\r\n"),
         414, "request line too long"),
        ("header section too large", bytes("GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "a", count: 600) + "\r\n\r\n"),
         431, "header section too large"),
        ("too many header fields", bytes("GET / HTTP/1.1\r\nHost: h\r\n" + String(repeating: "X: y\r\n", count: 10)
            + "\r\n"), 431, "too many header fields"),
    ]

    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Small limits, so every "too large" vector is a few hundred bytes.
    static func tightLimits(_ configuration: inout ServerConfiguration) {
        configuration.maxRequestLineBytes = 256
        configuration.maxHeaderBytes = 512
        configuration.maxHeaderCount = 8
        configuration.maxBodyBytes = 1000
        configuration.headerReadTimeout = .seconds(2)
        configuration.bodyReadTimeout = .seconds(2)
    }

    @Test(arguments: Self.malformed)
    func malformedRequestGetsItsStatusAndTheConnectionCloses(
        _ name: String, request: [UInt8], status: Int, message: String
    ) async throws {
        try await withServer(configure: Self.tightLimits) { _, address in
            let client = try RawHTTPClient(address, receiveTimeout: 3)
            try client.send(request)
            // RFC 9112 §6.3, §11.2: after a framing error the connection cannot be trusted, so it ends here.
            try expectRefusalThenClose(client, status: status, message: message + "\n", "\(name)")
        }
    }

    /// Ten thousand header fields with the default limits: refused at the 101st, with 431, and closed.
    @Test func tenThousandHeaderFieldsAre431() async throws {
        try await withServer { _, address in
            let client = try RawHTTPClient(address)
            var request = "GET / HTTP/1.1\r\nHost: h\r\n"
            for index in 0..<10_000 { request += "X-\(index): v\r\n" }
            // The server answers as soon as the limit is crossed and stops reading; the rest may not fit.
            try? client.send(request + "\r\n")
            let response = try client.readResponse()
            #expect(response.status == 431)
            #expect(response.text == "too many header fields\n")
            #expect(try client.readsEOF())
        }
    }

    /// Oversized parts with the default limits (8 KiB line, 64 KiB headers, 1 MiB body).
    @Test(arguments: [
        ("GET /" + String(repeating: "a", count: 9000) + " HTTP/1.1\r\nHost: h\r\n\r\n", 414),
        ("GET / HTTP/1.1\r\nHost: h\r\nX: " + String(repeating: "a", count: 70_000) + "\r\n\r\n", 431),
        ("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 1048577\r\n\r\n", 413),
    ])
    func oversizedPartsWithDefaultLimits(_ request: String, status: Int) async throws {
        try await withServer { _, address in
            let client = try RawHTTPClient(address)
            try? client.send(request)
            #expect(try client.readResponse().status == status)
            #expect(try client.readsEOF())
        }
    }

    /// The obfuscations that are valid HTTP/1.1 are read exactly as framed, and the connection stays usable, so
    /// a smuggled second request is never found where a lenient parser would look.
    @Test(arguments: [
        ("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:  \t chunked \r\n\r\n5\r\nhello\r\n0\r\n\r\n", "hello"),
        ("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: CHUNKED\r\n\r\n5\r\nhello\r\n0\r\n\r\n", "hello"),
        ("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;name=value;x=\"q\"\r\nhello\r\n0;end\r\nTrailer: t\r\n\r\n",
         "hello"),
        ("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello", "hello"),
        ("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 5, 5\r\n\r\nhello", "hello"),
        ("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 005\r\n\r\nhello", "hello"),
    ])
    func validObfuscationsAreFramedExactly(_ request: String, body: String) async throws {
        try await withServer(configure: Self.tightLimits) { _, address in
            let client = try RawHTTPClient(address)
            try client.send(request + "GET /after HTTP/1.1\r\nHost: h\r\n\r\n")
            let first = try client.readResponse()
            #expect(first.status == 200)
            #expect(first.text == body)
            #expect(try client.readResponse().text == "GET /after HTTP/1.1 h 0")
        }
    }

    // MARK: Resource attacks, with a well-behaved client asking throughout

    @Test func slowlorisConnectionsTimeOutWith408() async throws {
        try await withServer(configure: { $0.headerReadTimeout = .seconds(2) }) { server, address in
            let observer = try Observer(address, attack: "slowloris (300 connections, a byte a second)")
            var clients: [RawHTTPClient] = []
            for _ in 0..<300 {
                let client = try RawHTTPClient(address, receiveTimeout: 5)
                try client.send("GET / HTTP/1.1\r\nHost: h\r\nX-Slow: ")
                clients.append(client)
            }
            for _ in 0..<4 {
                try await Task.sleep(for: .seconds(1))
                for client in clients { try? client.send("a") }
            }
            var timedOut = 0
            for client in clients {
                if let response = try? client.readResponse(), response.status == 408,
                    response.text == "request header timed out\n", (try? client.readsEOF()) == true
                {
                    timedOut += 1
                }
            }
            #expect(timedOut == 300)
            #expect(await eventually { server.connectionCount == 0 })
            try observer.finish()
        }
    }

    @Test func connectionsThatNeverWriteAreClosedAfterTheIdleTimeout() async throws {
        try await withServer(configure: { $0.idleTimeout = .seconds(2) }) { server, address in
            let observer = try Observer(address, attack: "300 connections that never write")
            let clients = try (0..<300).map { _ in try RawHTTPClient(address, receiveTimeout: 5) }
            #expect(await eventually { server.connectionCount >= 300 })
            try await Task.sleep(for: .seconds(3))
            #expect(clients.allSatisfy { (try? $0.readsEOF()) == true })
            #expect(await eventually { server.connectionCount == 0 })
            try observer.finish()
        }
    }

    /// Clients that pipeline requests for large responses and never read: each costs at most the output limit
    /// plus what fits in its socket buffers, because the server stops reading from it, and only until the write
    /// timeout.
    @Test func clientsThatNeverReadCostBoundedMemory() async throws {
        try await withServer(configure: {
            $0.maxPendingOutputBytes = 256 * 1024
            $0.writeTimeout = .seconds(2)
        }) { server, address in
            let observer = try Observer(address, attack: "20 clients pipelining 4 MB responses, never reading")
            var clients: [RawHTTPClient] = []
            for _ in 0..<20 {
                let client = try RawHTTPClient(address)
                // Non-blocking so a full socket does not block the test: the server has stopped reading.
                _ = fcntl(client.fd, F_SETFL, fcntl(client.fd, F_GETFL) | O_NONBLOCK)
                let request = Array("GET /big/4000000 HTTP/1.1\r\nHost: h\r\n\r\n".utf8)
                for _ in 0..<50 {
                    _ = request.withUnsafeBytes { Glibc.send(client.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                }
                clients.append(client)
            }
            try await Task.sleep(for: .seconds(2))
            try observer.finish()
            #expect(observer.rssGrowthBytes < 200 * 1024 * 1024)
            // Still holding their sockets, the clients are cut off once nothing was read for the write timeout.
            #expect(await eventually(timeout: 5) { server.connectionCount == 0 })
            clients = []
        }
    }

    @Test func resetsMidRequestAndMidResponseAreCleanedUp() async throws {
        try await withServer(configure: { $0.writeTimeout = .seconds(3) }) { server, address in
            let observer = try Observer(address, attack: "200 resets mid-request, 200 mid-response")
            for index in 0..<400 {
                let client = try RawHTTPClient(address)
                if index < 200 {
                    try client.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\n\r\npartial")
                } else {
                    try client.send("GET /big/8000000 HTTP/1.1\r\nHost: h\r\n\r\n")
                    var first = [UInt8](repeating: 0, count: 1024)
                    _ = recv(client.fd, &first, first.count, 0)
                }
                client.reset()
            }
            // A few reset peers (1 to 3 of 400 here) go unnoticed: the write source stays armed over a socket the
            // peer reset, and no event comes. The write timeout closes them.
            let drained = await eventually(timeout: 10) { server.connectionCount == 0 }
            #expect(drained, "\(server.connectionCount) connections left")
            try observer.finish()
        }
    }

    @Test func halfClosedClientStillGetsItsResponse() async throws {
        try await withServer { server, address in
            let observer = try Observer(address, attack: "half-closed sockets")
            for _ in 0..<50 {
                try expectAnswerAfterHalfClose(address, "GET /delay/20 HTTP/1.1\r\nHost: h\r\n\r\n", text: "delayed 20")

                // Half a request, then the half-close: nobody is left to answer, the server just closes.
                let partial = try RawHTTPClient(address)
                try partial.send("GET / HTTP/1.1\r\nHost:")
                partial.shutdownWrite()
                #expect(try partial.readToEOF().isEmpty)
            }
            #expect(await eventually { server.connectionCount == 0 })
            try observer.finish()
        }
    }

    /// 2,000 connections at once against a cap of 1,500: every one gets an answer, 200 or the cap's 503.
    @Test func floodOfConnectionsIsCappedAndAnswered() async throws {
        Self.raiseDescriptorLimit(to: 8192)
        try await withServer(configure: { $0.maxConnections = 1500 }) { server, address in
            let observer = try Observer(address, attack: "2,000 connections at once, cap 1,500", acceptsUnavailable: true)
            var clients: [RawHTTPClient] = []
            for _ in 0..<2000 {
                clients.append(try RawHTTPClient(address, receiveTimeout: 10))
            }
            var ok = 0
            var unavailable = 0
            for client in clients {
                try? client.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
                switch (try? client.readResponse())?.status {
                case 200: ok += 1
                case 503: unavailable += 1
                default: break
                }
            }
            print("hostile: flood: \(ok) answered 200, \(unavailable) answered 503")
            #expect(ok + unavailable == 2000)
            #expect(unavailable >= 500 - 5)
            clients = []
            #expect(await eventually(timeout: 10) { server.connectionCount == 0 })
            try observer.finish()
            #expect(try Observer.probe(address) == 200)
        }
    }

    static func raiseDescriptorLimit(to wanted: rlim_t) {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        guard limit.rlim_cur < wanted else { return }
        limit.rlim_cur = min(wanted, limit.rlim_max)
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    // MARK: HTTP/2 abuse

    /// Many HEADERS each followed by RST_STREAM (CVE-2023-44487): the connection is cut short or survives, but
    /// memory stays bounded and others are served.
    @Test func rapidResetIsBounded() async throws {
        try await withServer { server, address in
            let observer = try Observer(address, attack: "HTTP/2 rapid reset (20,000 HEADERS+RST_STREAM)")
            let client = try H2RawClient(address)
            var burst: [UInt8] = []
            for index in 0..<20_000 {
                let id = UInt32(2 * index + 1)
                burst += H2Frame.headers(stream: id, path: "/delay/50")
                burst += H2Frame.make(type: 3, flags: 0, stream: id, payload: [0, 0, 0, 8])  // RST_STREAM CANCEL
                if burst.count > 64 * 1024 {
                    guard (try? client.send(burst)) != nil else { break }
                    burst = []
                }
            }
            try? client.send(burst)
            let frames = client.readFrames(until: 3)
            let goAway = frames.last { $0.type == 7 }
            print("hostile: rapid reset: GOAWAY \(goAway.map { "error \($0.goAwayError)" } ?? "none"), "
                + "\(frames.count) frames back")
            // nghttp2's rapid-reset limit answers GOAWAY INTERNAL_ERROR (its choice; RFC 9113 names none).
            if let goAway { #expect([0, 2, 11].contains(goAway.goAwayError)) }
            #expect(await eventually(timeout: 10) { server.connectionCount <= 2 })
            try observer.finish()
            #expect(observer.rssGrowthBytes < 200 * 1024 * 1024)
        }
    }

    @Test(arguments: [("SETTINGS", 4, [UInt8]()), ("PING", 6, [UInt8](repeating: 7, count: 8))])
    func controlFrameFloodClosesTheConnection(_ name: String, type: UInt8, payload: [UInt8]) async throws {
        try await withServer { server, address in
            let observer = try Observer(address, attack: "HTTP/2 \(name) flood")
            let client = try H2RawClient(address)
            let frame = H2Frame.make(type: type, flags: 0, stream: 0, payload: payload)
            var flood: [UInt8] = []
            for _ in 0..<10_000 { flood += frame }
            try? client.send(flood)
            let frames = client.readFrames(until: 5)
            print("hostile: \(name) flood: \(frames.count) frames back, closed: \(client.sawEOF)")
            // nghttp2 refuses to queue more than 100 acknowledgements; the connection ends with GOAWAY
            // ENHANCE_YOUR_CALM (RFC 9113 §10.5), not served.
            #expect(client.sawEOF)
            #expect(frames.filter { $0.type == type && $0.flags & 1 == 1 }.count <= 101)
            let goAway = try #require(frames.last)
            #expect(goAway.type == 7)
            #expect(goAway.goAwayError == 11)
            #expect(await eventually { server.connectionCount == 0 })
            try observer.finish()
        }
    }

    /// One 4 KiB field added to the HPACK table, then referenced by a one-byte index thousands of times: the
    /// decoded list is far over the limit, so the request is answered 431 and the connection stays usable.
    @Test func hpackBombIsAnswered431() async throws {
        try await withServer { _, address in
            let observer = try Observer(address, attack: "HTTP/2 HPACK bomb")
            let client = try H2RawClient(address)
            var block = H2Frame.requestFields(path: "/")
            // Literal with incremental indexing, new name: enters the dynamic table at index 62.
            let value = [UInt8](repeating: UInt8(ascii: "a"), count: 4000)
            block += [0x40, 4] + Array("bomb".utf8) + H2Frame.hpackLength(value.count, prefix: 0x00) + value
            block += [UInt8](repeating: 0x80 | 62, count: 8000)
            var frames: [UInt8] = []
            var offset = 0
            while offset < block.count {
                let end = min(offset + 16_384, block.count)
                let type: UInt8 = offset == 0 ? 1 : 9
                let flags: UInt8 = (offset == 0 ? 1 : 0) | (end == block.count ? 4 : 0)
                frames += H2Frame.make(type: type, flags: flags, stream: 1, payload: Array(block[offset..<end]))
                offset = end
            }
            try client.send(frames)
            try client.send(H2Frame.headers(stream: 3, path: "/after"))
            let received = client.readFrames(until: 3) { frames in
                frames.contains { $0.type == 1 && $0.stream == 3 }
            }
            // A 200 is the static table's 0x88; the 431's body is plain DATA.
            let ok = received.contains { $0.type == 1 && $0.stream == 3 && $0.payload.first == 0x88 }
            let refusal = received.filter { $0.type == 0 && $0.stream == 1 }.flatMap(\.payload)
            let first = received.first { $0.type == 1 && $0.stream == 1 }
            print("hostile: HPACK bomb: stream 1 answered \(String(decoding: refusal, as: UTF8.self).debugDescription)")
            #expect(first != nil && first?.payload.first != 0x88)
            #expect(String(decoding: refusal, as: UTF8.self) == "header section too large")
            #expect(ok)
            try observer.finish()
        }
    }

    @Test func streamsBeyondTheConcurrencyLimitEndTheConnection() async throws {
        try await withServer(configure: { $0.maxConcurrentStreams = 4 }) { _, address in
            let observer = try Observer(address, attack: "HTTP/2 streams beyond MAX_CONCURRENT_STREAMS")
            let client = try H2RawClient(address)
            // Wait for the server's SETTINGS and acknowledge them, so the limit is in force for the streams below.
            _ = client.readFrames(until: 2) { $0.contains { $0.type == 4 && $0.flags & 1 == 0 } }
            try client.send(H2Frame.make(type: 4, flags: 1, stream: 0, payload: []))
            var burst: [UInt8] = []
            for index in 0..<10 { burst += H2Frame.headers(stream: UInt32(2 * index + 1), path: "/delay/500") }
            try client.send(burst)
            let frames = client.readFrames(until: 5)
            // RFC 9113 §5.1.2 makes this a stream error, and §5.4.1 lets an endpoint treat any stream error as a
            // connection error: nghttp2 does, with GOAWAY PROTOCOL_ERROR naming the last stream it accepted.
            let goAway = try #require(frames.first { $0.type == 7 })
            #expect(goAway.payload.prefix(4).elementsEqual([0, 0, 0, 7]))
            #expect(goAway.goAwayError == 1)
            #expect(client.sawEOF)
            try observer.finish()
        }
    }

    /// A client that never sends WINDOW_UPDATE gets exactly the initial window of each big response, and the
    /// server buffers nothing beyond it for the socket.
    @Test func windowExhaustionStopsAtTheWindow() async throws {
        try await withServer { server, address in
            let observer = try Observer(address, attack: "HTTP/2 window exhaustion (10 x 8 MB responses)")
            let client = try H2RawClient(address)
            var burst: [UInt8] = []
            for index in 0..<10 { burst += H2Frame.headers(stream: UInt32(2 * index + 1), path: "/big/8000000") }
            try client.send(burst)
            let frames = client.readFrames(until: 3)
            let data = frames.filter { $0.type == 0 }.reduce(0) { $0 + $1.payload.count }
            print("hostile: window exhaustion: \(data) DATA bytes received without WINDOW_UPDATE")
            // The connection window (65,535 by default, RFC 9113 §6.9.2) caps all streams together.
            #expect(data == 65_535)
            #expect(server.connectionCount >= 1)
            try observer.finish()
        }
    }

    /// An HTTP/2 peer that goes quiet — having opened nothing, or stuck behind a window it never reopens — gets
    /// GOAWAY (NO_ERROR) and a close after the idle timeout, so it cannot hold a connection slot forever.
    @Test(arguments: ["silent after the preface", "stuck behind the window"])
    func quietHTTP2PeersAreClosedAfterTheIdleTimeout(_ behaviour: String) async throws {
        try await withServer(configure: { $0.idleTimeout = .seconds(1) }) { server, address in
            let client = try H2RawClient(address)
            if behaviour == "stuck behind the window" {
                try client.send(H2Frame.headers(stream: 1, path: "/big/8000000"))
            }
            let frames = client.readFrames(until: 5) { frames in frames.contains { $0.type == 7 } }
            let goaway = try #require(frames.last { $0.type == 7 }, "no GOAWAY within 5 s")
            // GOAWAY payload: last stream id (4 bytes), then the error code (4 bytes); NO_ERROR is 0.
            #expect(Array(goaway.payload[4..<8]) == [0, 0, 0, 0])
            _ = client.readFrames(until: 2)
            #expect(client.sawEOF)
            #expect(await eventually { server.connectionCount == 0 })
        }
    }
}

// MARK: Observer: the well-behaved client and the numbers for the record

/// Sends a request every 50 ms on a fresh connection from its own thread while an attack runs, recording latency;
/// `finish()` checks every request was answered and prints latency and RSS.
final class Observer: Sendable {
    private let address: BoundAddress
    private let attack: String
    private let acceptsUnavailable: Bool
    private let running = Atomic<Bool>(true)
    private let results = Mutex<(latencies: [Double], failures: [String])>(([], []))
    private let done = DispatchSemaphore(value: 0)
    private let rssBefore: Int
    private let growth = Atomic<Int>(0)
    var rssGrowthBytes: Int { self.growth.load(ordering: .relaxed) }

    init(_ address: BoundAddress, attack: String, acceptsUnavailable: Bool = false) throws {
        self.address = address
        self.attack = attack
        self.acceptsUnavailable = acceptsUnavailable
        self.rssBefore = Self.residentBytes()
        #expect(try Self.probe(address) == 200)
        let thread = Thread { self.run() }
        thread.start()
    }

    /// Probes until stopped, and at least three times, so even an attack over in a millisecond is observed.
    private func run() {
        var count = 0
        while count < 3 || self.running.load(ordering: .acquiring) {
            count += 1
            let start = DispatchTime.now()
            do {
                let status = try Self.probe(self.address)
                let millis = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
                self.results.withLock { results in
                    if status == 200 || (self.acceptsUnavailable && status == 503) {
                        results.latencies.append(millis)
                    } else {
                        results.failures.append("status \(status)")
                    }
                }
            } catch {
                self.results.withLock { $0.failures.append("\(error)") }
            }
            usleep(50_000)
        }
        self.done.signal()
    }

    static func probe(_ address: BoundAddress) throws -> Int {
        let client = try RawHTTPClient(address, receiveTimeout: 10)
        try client.send("GET /probe HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
        return try client.readResponse().status
    }

    func finish() throws {
        self.running.store(false, ordering: .releasing)
        self.done.wait()
        let rssAfter = Self.residentBytes()
        self.growth.store(rssAfter - self.rssBefore, ordering: .relaxed)
        let (latencies, failures) = self.results.withLock { $0 }
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> String {
            sorted.isEmpty ? "-" : String(format: "%.1f", sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))])
        }
        print(
            "hostile: \(self.attack): \(sorted.count) probes answered, \(failures.count) failed; latency ms "
                + "p50 \(percentile(0.5)) p99 \(percentile(0.99)) max \(percentile(1)); "
                + "RSS \(self.rssBefore / 1_048_576) MiB -> \(rssAfter / 1_048_576) MiB")
        #expect(failures.isEmpty, "\(self.attack): \(failures.prefix(5))")
        #expect(!sorted.isEmpty)
    }

    /// This process's resident set (the server runs in it), from /proc/self/statm.
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return (fields.count > 1 ? Int(fields[1]) ?? 0 : 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}

// MARK: Raw HTTP/2

/// Frames built by hand, for what an honest nghttp2 client would never send.
enum H2Frame {
    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    static func make(type: UInt8, flags: UInt8, stream: UInt32, payload: [UInt8]) -> [UInt8] {
        let length = payload.count
        return [UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), type, flags,
                UInt8(stream >> 24 & 0x7F), UInt8(stream >> 16 & 0xFF), UInt8(stream >> 8 & 0xFF), UInt8(stream & 0xFF)]
            + payload
    }

    /// `:method GET`, `:scheme http`, `:authority h`, then `:path` as a literal (HPACK static table indices).
    static func requestFields(path: String) -> [UInt8] {
        [0x82, 0x86, 0x01, 0x01, UInt8(ascii: "h"), 0x04] + hpackLength(path.utf8.count, prefix: 0) + Array(path.utf8)
    }

    /// A complete GET: HEADERS with END_STREAM and END_HEADERS.
    static func headers(stream: UInt32, path: String) -> [UInt8] {
        make(type: 1, flags: 0x5, stream: stream, payload: requestFields(path: path))
    }

    /// An HPACK string length with a 7-bit prefix (RFC 7541 §5.1), Huffman bit clear.
    static func hpackLength(_ length: Int, prefix: UInt8) -> [UInt8] {
        if length < 127 { return [prefix | UInt8(length)] }
        var rest = length - 127
        var bytes: [UInt8] = [prefix | 127]
        while rest >= 128 {
            bytes.append(UInt8(rest & 0x7F | 0x80))
            rest >>= 7
        }
        return bytes + [UInt8(rest)]
    }
}

struct ReceivedFrame {
    var type: UInt8
    var flags: UInt8
    var stream: UInt32
    var payload: [UInt8]

    var goAwayError: UInt32 { self.payload.count >= 8 ? Self.word(self.payload, 4) : 0 }
    var rstError: UInt32 { self.payload.count >= 4 ? Self.word(self.payload, 0) : 0 }

    private static func word(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }
}

/// A prior-knowledge HTTP/2 connection that sends whatever bytes it is given and reads frames back.
final class H2RawClient {
    let raw: RawHTTPClient
    private var buffer: [UInt8] = []
    private(set) var sawEOF = false

    init(_ address: BoundAddress) throws {
        self.raw = try RawHTTPClient(address, receiveTimeout: 0.2)
        try self.raw.send(H2Frame.preface + H2Frame.make(type: 4, flags: 0, stream: 0, payload: []))
    }

    func send(_ bytes: [UInt8]) throws { try self.raw.send(bytes) }

    /// Frames received within `seconds`, stopping early at EOF or when `enough` holds.
    func readFrames(until seconds: Double, _ enough: ([ReceivedFrame]) -> Bool = { _ in false }) -> [ReceivedFrame] {
        let deadline = Date().addingTimeInterval(seconds)
        var frames: [ReceivedFrame] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while Date() < deadline, !self.sawEOF, !enough(frames) {
            let count = chunk.withUnsafeMutableBytes { recv(self.raw.fd, $0.baseAddress, $0.count, 0) }
            if count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
                self.sawEOF = true
            } else if count > 0 {
                self.buffer += chunk[..<count]
            }
            while self.buffer.count >= 9 {
                let length = Int(self.buffer[0]) << 16 | Int(self.buffer[1]) << 8 | Int(self.buffer[2])
                guard self.buffer.count >= 9 + length else { break }
                let stream = UInt32(self.buffer[5] & 0x7F) << 24 | UInt32(self.buffer[6]) << 16
                    | UInt32(self.buffer[7]) << 8 | UInt32(self.buffer[8])
                frames.append(
                    ReceivedFrame(
                        type: self.buffer[3], flags: self.buffer[4], stream: stream,
                        payload: Array(self.buffer[9..<9 + length])))
                self.buffer.removeFirst(9 + length)
            }
        }
        return frames
    }
}
