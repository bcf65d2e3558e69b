import AtlasMockTestSupport
import Foundation
import Testing

@testable import AtlasMockHTTP

/// HTTP/1.1 over real sockets, byte for byte, on IPv4 and IPv6 loopback.
@Suite("HTTP/1.1 engine, live", .serialized, .timeLimit(.minutes(1)))
struct HTTP1EngineTests {
    @Test(arguments: loopbackHosts)
    func keepAliveServesSeveralRequestsOnOneConnection(host: String) async throws {
        try await withClient(host: host) { client, _ in
            for index in 0..<3 {
                let response = try client.roundTrip("GET /n\(index) HTTP/1.1\r\nHost: h\r\n\r\n")
                #expect(response.status == 200)
                #expect(response.text == "GET /n\(index) HTTP/1.1 h 0")
                #expect(response.header("Content-Length") == "\(response.body.count)")
                #expect(response.header("Connection") == nil)
                let date = try #require(response.header("Date"))
                #expect(date.hasSuffix(" GMT"))
                #expect(response.headers.map(\.0) == ["Content-Type", "Date", "Content-Length"])
            }
        }
    }

    @Test(arguments: loopbackHosts)
    func appendedFieldsFollowTheHeadsAndTheTransportKeepsItsOwn(host: String) async throws {
        try await withClient(host: host) { client, _ in
            let response = try client.roundTrip("GET /appended HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(response.status == 200)
            #expect(response.headers.map(\.0) == ["Content-Type", "X-Count", "X-Left", "Date", "Content-Length"])
            #expect(response.header("X-Count") == "7" && response.header("X-Left") == "3")
            #expect(response.header("Content-Length") == "2")
            #expect(response.text == "ok")
        }
    }

    @Test(arguments: loopbackHosts)
    func pipelinedRequestsAreAnsweredInOrder(host: String) async throws {
        try await withClient(host: host) { client, _ in
            // The slow one first: its answer must still come first.
            try client.send(
                "GET /delay/200 HTTP/1.1\r\nHost: h\r\n\r\nPOST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc"
                    + "GET /last HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try client.readResponse().text == "delayed 200")
            #expect(try client.readResponse().text == "abc")
            #expect(try client.readResponse().text == "GET /last HTTP/1.1 h 0")
        }
    }

    /// More pipelined requests than one turn answers (the engine lets other connections go first after 16),
    /// sent with the half-close in the same burst: every one is answered, in order, and only then is it closed.
    @Test(arguments: loopbackHosts)
    func pipelinedRequestsBeyondOneTurnAreAllAnsweredBeforeTheClose(host: String) async throws {
        try await withClient(host: host) { client, server in
            try client.send((0..<200).map { "GET /n\($0) HTTP/1.1\r\nHost: h\r\n\r\n" }.joined())
            client.shutdownWrite()
            for index in 0..<200 {
                #expect(try client.readResponse().text == "GET /n\(index) HTTP/1.1 h 0")
            }
            #expect(try client.readsEOF())
            #expect(await eventually { server.connectionCount == 0 })
        }
    }

    static let malformed: [(String, Int, String)] = [
        (
            "GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", 400,
            "both Content-Length and Transfer-Encoding\n"
        ),
        ("GET / HTTP/1.1\r\n\r\n", 400, "missing Host header\n"),
        ("GET / HTTP/1.1\nHost: h\r\n\r\n", 400, "line not terminated by CRLF\n"),
        ("GET / HTTP/2.0\r\nHost: h\r\n\r\n", 505, "HTTP version not supported\n"),
        ("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "unsupported transfer coding\n"),
        ("GET /\(String(repeating: "a", count: 200)) HTTP/1.1\r\nHost: h\r\n\r\n", 414, "request line too long\n"),
        (
            "GET / HTTP/1.1\r\nHost: h\r\nX: \(String(repeating: "a", count: 600))\r\n\r\n", 431,
            "header section too large\n"
        ),
        ("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n", 413, "request body too large\n"),
    ]

    @Test(arguments: loopbackHosts, Self.malformed.indices)
    func malformedInputGetsExactStatusThenClose(host: String, index: Int) async throws {
        let (request, status, message) = Self.malformed[index]
        try await withClient(
            host: host,
            configure: {
                $0.maxRequestLineBytes = 100
                $0.maxHeaderBytes = 512
                $0.maxBodyBytes = 100
            }
        ) { client, _ in
            try client.send(request)
            try expectRefusalThenClose(client, status: status, message: message)
        }
    }

    @Test(arguments: loopbackHosts)
    func expectContinueSendsContinueBeforeTheBody(host: String) async throws {
        try await withClient(host: host) { client, _ in
            let interim = try client.roundTrip(
                "PUT /echo HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n")
            #expect(interim.status == 100)
            #expect(interim.headers.isEmpty)
            let final = try client.roundTrip("hello")
            #expect(final.status == 200)
            #expect(final.text == "hello")
        }
    }

    @Test(arguments: loopbackHosts)
    func expectContinueOverTheLimitGetsTheFinalStatusInstead(host: String) async throws {
        try await withClient(host: host, configure: { $0.maxBodyBytes = 10 }) { client, _ in
            try client.send("PUT /echo HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n")
            try expectRefusalThenClose(client, status: 413, message: "request body too large\n")
        }
    }

    @Test(arguments: loopbackHosts)
    func headHasGetContentLengthButNoBody(host: String) async throws {
        try await withClient(host: host) { client, _ in
            let head = try client.roundTrip(
                "HEAD /big/1234 HTTP/1.1\r\nHost: h\r\n\r\nGET /after HTTP/1.1\r\nHost: h\r\n\r\n", head: true)
            #expect(head.status == 200)
            #expect(head.header("Content-Length") == "1234")
            #expect(head.body.isEmpty)
            // Had a body been sent, this would read its bytes instead of the next response.
            #expect(try client.readResponse().text == "GET /after HTTP/1.1 h 0")
        }
    }

    @Test(arguments: loopbackHosts)
    func noContentHasNeitherBodyNorContentLength(host: String) async throws {
        try await withClient(host: host) { client, _ in
            let response = try client.roundTrip("GET /empty HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(response.status == 204)
            #expect(response.header("Content-Length") == nil)
            #expect(response.header("Date") != nil)
        }
    }

    @Test(arguments: loopbackHosts)
    func http10ClosesUnlessKeepAlive(host: String) async throws {
        try await withClient(host: host) { client, _ in
            let first = try client.roundTrip("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            #expect(first.text == "GET /a HTTP/1.0 - 0")
            #expect(first.header("Connection") == "keep-alive")
            let second = try client.roundTrip("GET /b HTTP/1.0\r\n\r\n")
            #expect(second.text == "GET /b HTTP/1.0 - 0")
            #expect(second.header("Connection") == "close")
            #expect(try client.readsEOF())
        }
    }

    @Test(arguments: loopbackHosts)
    func connectionCloseIsHonoured(host: String) async throws {
        try await withClient(host: host) { client, _ in
            let response = try client.roundTrip("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
            #expect(response.header("Connection") == "close")
            #expect(try client.readsEOF())
        }
    }

    @Test(arguments: loopbackHosts)
    func chunkedRequestBodyIsDecoded(host: String) async throws {
        try await withClient(host: host) { client, _ in
            try client.send("POST /echo HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nWiki\r\n")
            #expect(try client.roundTrip("5\r\npedia\r\n0\r\nTrailer: t\r\n\r\n").text == "Wikipedia")
        }
    }

    @Test(arguments: loopbackHosts)
    func slowHeadersGet408AndClose(host: String) async throws {
        try await withClient(host: host, configure: { $0.headerReadTimeout = .milliseconds(300) }) { client, _ in
            try client.send("GET / HTTP/1.1\r\nHost: h\r\n")
            let started = Date()
            try expectRefusalThenClose(client, status: 408, message: "request header timed out\n")
            #expect(Date().timeIntervalSince(started) < 3)
        }
    }

    @Test(arguments: loopbackHosts)
    func slowBodyGets408(host: String) async throws {
        try await withClient(host: host, configure: { $0.bodyReadTimeout = .milliseconds(300) }) { client, _ in
            try client.send("POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\nabc")
            try expectRefusalThenClose(client, status: 408, message: "request body timed out\n")
        }
    }

    @Test(arguments: loopbackHosts)
    func idleKeepAliveConnectionIsClosed(host: String) async throws {
        try await withServer(host: host, configure: { $0.idleTimeout = .milliseconds(300) }) { server, address in
            let client = try RawHTTPClient(address)
            #expect(try client.roundTrip("GET / HTTP/1.1\r\nHost: h\r\n\r\n").status == 200)
            #expect(try client.readsEOF())
            #expect(await eventually { server.connectionCount == 0 })
            // A connection that never sends a byte is closed too.
            let silent = try RawHTTPClient(address)
            #expect(try silent.readsEOF())
        }
    }

    @Test(arguments: loopbackHosts)
    func throwingHandlerGets500AndConnectionStaysUsable(host: String) async throws {
        try await withClient(host: host) { client, _ in
            let failed = try client.roundTrip("GET /throw HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(failed.status == 500)
            #expect(failed.text == "handler failed")
            #expect(failed.header("Connection") == nil)
            #expect(try client.roundTrip("GET /fine HTTP/1.1\r\nHost: h\r\n\r\n").text == "GET /fine HTTP/1.1 h 0")
        }
    }

    @Test(arguments: loopbackHosts)
    func dropReplyClosesWithoutResponse(host: String) async throws {
        try await withClient(host: host) { client, _ in
            try client.send("GET /drop HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try client.readToEOF().isEmpty)
        }
    }

    @Test(arguments: loopbackHosts)
    func abruptDisconnectsDoNotDisturbTheServer(host: String) async throws {
        try await withServer(host: host) { server, address in
            for request in [
                "GET /delay/100 HTTP/1.1\r\nHost: h\r\n\r\n",
                "POST /echo HTTP/1.1\r\nHost: h\r\nContent-Length: 50\r\n\r\nab",
                "GET / HTTP/1.1\r\nHo",
            ] {
                let client = try RawHTTPClient(address)
                try client.send(request)
                client.reset()
            }
            try expectAnswerAfterHalfClose(
                address, "GET /half HTTP/1.1\r\nHost: h\r\n\r\n", text: "GET /half HTTP/1.1 h 0")

            let client = try RawHTTPClient(address)
            #expect(try client.roundTrip("GET /still HTTP/1.1\r\nHost: h\r\n\r\n").text == "GET /still HTTP/1.1 h 0")
            // Only `client` is left; the others are gone from the registry.
            let onlyClientLeft = await eventually { server.connectionCount == 1 }
            #expect(onlyClientLeft, "connections: \(server.connectionCount)")
            withExtendedLifetime(client) {}
        }
    }

    @Test(arguments: loopbackHosts)
    func slowReaderDoesNotStallOthers(host: String) async throws {
        try await withServer(host: host, configure: { $0.maxPendingOutputBytes = 64 * 1024 }) { _, address in
            let slow = try RawHTTPClient(address)
            // Far more than the socket buffers hold, many times over, and never read.
            let request = "GET /big/\(8 * 1024 * 1024) HTTP/1.1\r\nHost: h\r\n\r\n"
            try slow.send(String(repeating: request, count: 8))
            try await Task.sleep(for: .milliseconds(300))
            let other = try RawHTTPClient(address)
            for _ in 0..<5 {
                #expect(try other.roundTrip("GET /other HTTP/1.1\r\nHost: h\r\n\r\n").text == "GET /other HTTP/1.1 h 0")
            }
            // The slow one still gets its bytes intact when it finally reads.
            let first = try slow.readResponse()
            #expect(first.body.count == 8 * 1024 * 1024)
            #expect(first.body.allSatisfy { $0 == UInt8(ascii: "x") })
        }
    }
}
