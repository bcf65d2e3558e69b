import AtlasMockTestSupport
import Foundation
import Testing

@testable import AtlasMockHTTP

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Real clients against the server: URLSession, curl and wrk.
@Suite("Real HTTP clients", .serialized, .timeLimit(.minutes(1)))
struct HTTPClientsTests {
    /// IPv4 only: FoundationNetworking on Linux rejects `http://[::1]:port` URLs as bad URLs (NSURLErrorDomain
    /// -1000) before any connection is made; IPv6 is covered by curl and the raw-socket tests.
    @Test(arguments: ["127.0.0.1"])
    func urlSessionKeepsTheConnectionAlive(host: String) async throws {
        try await withServer(host: host) { server, address in
            let session = URLSession(configuration: .ephemeral)
            defer { session.invalidateAndCancel() }
            for index in 0..<3 {
                var request = URLRequest(url: URL(string: "\(address.urlString)/echo")!)
                request.httpMethod = "POST"
                request.httpBody = Data("body \(index)".utf8)
                let (data, response) = try await session.data(for: request)
                let http = try #require(response as? HTTPURLResponse)
                #expect(http.statusCode == 200)
                #expect(String(decoding: data, as: UTF8.self) == "body \(index)")
                #expect(http.value(forHTTPHeaderField: "Content-Length") == "6")
            }
            #expect(server.connectionCount == 1)
        }
    }

    /// Runs `/usr/bin/curl` with `arguments`; returns its exit status and output.
    private func curl(_ arguments: [String]) async throws -> ChildProcess.Finished {
        try await ChildProcess.run("/usr/bin/curl", ["--silent", "--show-error", "--max-time", "10"] + arguments)
    }

    @Test(arguments: loopbackHosts)
    func curlGetsExactResponses(host: String) async throws {
        try await withServer(host: host) { _, address in
            let get = try await self.curl(["--http1.1", "\(address.urlString)/a?b=1", "\(address.urlString)/second"])
            #expect(get.status == 0)
            let authority = address.description
            #expect(get.stdout == "GET /a?b=1 HTTP/1.1 \(authority) 0GET /second HTTP/1.1 \(authority) 0")

            let post = try await self.curl(["--http1.1", "--data-binary", "payload", "-H", "Expect: 100-continue",
                                      "\(address.urlString)/echo"])
            #expect(post.stdout == "payload")

            let head = try await self.curl(["--http1.1", "--head", "\(address.urlString)/big/77"])
            #expect(head.stdout.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(head.stdout.contains("Content-Length: 77\r\n"))

            let chunked = try await self.curl(["--http1.1", "-H", "Transfer-Encoding: chunked", "--data-binary", "abc",
                                         "\(address.urlString)/echo"])
            #expect(chunked.stdout == "abc")

            let failed = try await self.curl(["--http1.1", "--write-out", "%{http_code}", "\(address.urlString)/throw"])
            #expect(failed.stdout == "handler failed500")
        }
    }

    @Test(arguments: loopbackHosts)
    func curlSpeaksHTTP2ByPriorKnowledgeAndByUpgrade(host: String) async throws {
        try await withServer(host: host) { server, address in
            let authority = address.description
            // One URL per run: curl 7.88 fails its own reuse of a prior-knowledge connection ("Error in the
            // HTTP2 framing layer" before sending anything); h2load below covers reuse.
            let priorKnowledge = try await self.curl([
                "--http2-prior-knowledge", "--write-out", " %{http_version}", "\(address.urlString)/a",
            ])
            #expect(priorKnowledge.status == 0)
            #expect(priorKnowledge.stdout == "GET /a HTTP/2 \(authority) 0 2")

            let posted = try await self.curl(["--http2-prior-knowledge", "--data-binary", "over h2", "\(address.urlString)/echo"])
            #expect(posted.stdout == "over h2")

            // curl offers h2c on a body-less request; the answer to it comes on stream 1, the next on stream 3.
            let upgraded = try await self.curl([
                "--http2", "--write-out", " %{http_version}", "\(address.urlString)/up", "\(address.urlString)/next",
            ])
            #expect(upgraded.status == 0)
            #expect(upgraded.stdout == "GET /up HTTP/2 \(authority) 0 2GET /next HTTP/2 \(authority) 0 2")
            #expect(await eventually { server.connectionCount == 0 })
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/h2load"), "h2load is not installed"))
    func h2loadReusesOneHTTP2ConnectionSequentiallyAndConcurrently() async throws {
        try await withServer { _, address in
            for concurrency in ["1", "8"] {
                let output = try await ChildProcess.run(
                    "/usr/bin/h2load", ["-n200", "-c1", "-m\(concurrency)", "\(address.urlString)/hello"]
                ).stdout
                #expect(output.contains("200 succeeded, 0 failed, 0 errored, 0 timeout"), "\(output)")
                #expect(output.contains("status codes: 200 2xx"), "\(output)")
            }
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/wrk"), "wrk is not installed at /usr/bin/wrk"))
    func wrkRunsWithoutErrors() async throws {
        let wrk = "/usr/bin/wrk"
        try await withServer { _, address in
            let run = try await ChildProcess.run(wrk, ["-t1", "-c8", "-d1s", "\(address.urlString)/hello"])
            let output = run.stdout
            #expect(run.status == 0)
            #expect(!output.contains("Socket errors"), "\(output)")
            #expect(!output.contains("Non-2xx"), "\(output)")
            let requests = output.split(separator: "\n").first { $0.contains("requests in") }
            let count = Int(requests?.split(separator: " ").first ?? "") ?? 0
            #expect(count > 100, "\(output)")
        }
    }
}
