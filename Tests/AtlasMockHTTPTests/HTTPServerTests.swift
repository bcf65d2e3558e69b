import Dispatch
import AtlasMockTestSupport
import Foundation
import Glibc
import Logging
import Synchronization
import Testing

@testable import AtlasMockHTTP

@Suite("HTTP server life cycle", .serialized, .timeLimit(.minutes(1)))
struct HTTPServerTests {
    @Test func boundAddressReportsTheChosenPortAndURL() async throws {
        try await withServer(host: "127.0.0.1") { _, address in
            #expect(address.host == "127.0.0.1")
            #expect(address.port > 0)
            #expect(address.urlString == "http://127.0.0.1:\(address.port)")
        }
        try await withServer(host: "::1") { _, address in
            #expect(address.host == "::1")
            #expect(address.urlString == "http://[::1]:\(address.port)")
        }
    }

    @Test func wildcardIPv6AcceptsIPv4Too() async throws {
        try await withServer(host: "::") { _, address in
            #expect(address.host == "::")
            let client = try RawHTTPClient(BoundAddress(host: "127.0.0.1", port: address.port))
            try client.send("GET /v4 HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(try client.readResponse().text == "GET /v4 HTTP/1.1 h 0")
        }
    }

    @Test func namesAreResolved() async throws {
        try await withServer(host: "localhost") { _, address in
            #expect(["127.0.0.1", "::1"].contains(address.host))
        }
    }

    @Test func bindFailureNamesTheAddress() async throws {
        try await withServer { _, address in
            var configuration = ServerConfiguration()
            configuration.port = address.port
            let second = HTTPServer(configuration: configuration, handler: RoutingTestHandler(), logger: Logger(label: "t"))
            let error = try #require(throws: ListenError.self) { try second.start() }
            #expect(error.description.hasPrefix("cannot listen on 127.0.0.1:\(address.port): bind failed:"))
            #expect((error.underlying as? SyscallError)?.errno == EADDRINUSE)
        }
        var configuration = ServerConfiguration()
        configuration.host = "no-such-host.invalid"
        let unresolvable = HTTPServer(configuration: configuration, handler: RoutingTestHandler(), logger: Logger(label: "t"))
        #expect(throws: (any Error).self) { try unresolvable.start() }
    }

    @Test(arguments: loopbackHosts)
    func connectionsBeyondTheCapGet503(host: String) async throws {
        try await withServer(host: host, configure: { $0.maxConnections = 2 }) { server, address in
            let first = try RawHTTPClient(address)
            let second = try RawHTTPClient(address)
            #expect(await eventually { server.connectionCount == 2 })
            let third = try RawHTTPClient(address)
            let refused = try third.readResponse()
            #expect(refused.status == 503)
            #expect(refused.header("Connection") == "close")
            #expect(refused.text == "too many open connections\n")
            #expect(try third.readsEOF())
            // The admitted ones are still served.
            for client in [first, second] {
                try client.send("GET /ok HTTP/1.1\r\nHost: h\r\n\r\n")
                #expect(try client.readResponse().text == "GET /ok HTTP/1.1 h 0")
            }
        }
    }

    @Test(arguments: loopbackHosts)
    func gracefulShutdownFinishesInFlightRequests(host: String) async throws {
        try await withServer(host: host) { server, address in
            let busy = try (0..<4).map { _ in try RawHTTPClient(address) }
            for (index, client) in busy.enumerated() {
                try client.send("GET /delay/\(300 + index * 50) HTTP/1.1\r\nHost: h\r\n\r\n")
            }
            let idle = try RawHTTPClient(address)
            try idle.send("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
            _ = try idle.readResponse()
            #expect(await eventually { server.connectionCount == 5 })

            let done = Mutex(false)
            server.shutdown { done.withLock { $0 = true } }
            // Idle connections go at once, new ones are refused.
            #expect(try idle.readsEOF())
            // The listening socket closes asynchronously; a client that slips in before gets a 503.
            #expect(await eventually { (try? RawHTTPClient(address)) == nil })
            for (index, client) in busy.enumerated() {
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.text == "delayed \(300 + index * 50)")
                #expect(response.header("Connection") == "close")
                #expect(try client.readsEOF())
            }
            #expect(await eventually { done.withLock { $0 } })
            #expect(server.connectionCount == 0)
        }
    }

    @Test func drainTimeoutForceClosesStragglers() async throws {
        try await withServer(configure: { $0.drainTimeout = .milliseconds(200) }) { server, address in
            let client = try RawHTTPClient(address)
            try client.send("GET /delay/3000 HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(await eventually { server.connectionCount == 1 })
            let started = Date()
            let done = Mutex(false)
            server.shutdown { done.withLock { $0 = true } }
            #expect(await eventually { done.withLock { $0 } })
            #expect(Date().timeIntervalSince(started) < 2)
            #expect(try client.readsEOF())
        }
    }

    @Test func shutdownNowClosesEverything() async throws {
        try await withServer { server, address in
            let client = try RawHTTPClient(address)
            try client.send("GET /delay/2000 HTTP/1.1\r\nHost: h\r\n\r\n")
            #expect(await eventually { server.connectionCount == 1 })
            server.shutdownNow()
            #expect(try client.readsEOF())
            #expect(await eventually { server.connectionCount == 0 })
        }
    }
}
