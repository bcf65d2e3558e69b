import AtlasMockTestSupport
import Foundation
import Testing

@testable import AtlasMockHTTP

/// The transport's HTTP/2 against real clients on both loopback families: curl by prior knowledge and by h2c
/// upgrade, nghttp's frame trace, and a short h2load run.
@Suite("HTTP/2 with real clients", .serialized, .timeLimit(.minutes(3)))
struct HTTP2LiveTests {
    // The clients' deadlines only catch a hang: on a machine at load 20-40 (other suites' floods, other builds) an
    // exchange that takes a fraction of a second alone can take many seconds, so they are generous.

    /// `curl --silent --show-error <arguments>`, given 60 s before it gives up.
    private func curl(_ arguments: [String]) async throws -> ChildProcess.Finished {
        try await ChildProcess.run(
            "/usr/bin/curl", ["--silent", "--show-error", "--max-time", "60"] + arguments, timeout: 90)
    }

    /// `nghttp -v <arguments>` (its frame trace), given 60 s per request.
    private func nghttp(_ arguments: [String]) async throws -> ChildProcess.Finished {
        try await ChildProcess.run("/usr/bin/nghttp", ["-v", "--timeout=60"] + arguments, timeout: 90)
    }

    /// The two ways curl reaches HTTP/2 (prior knowledge; an h2c upgrade, whose 101 comes first): its flag, the path
    /// it asks for, how the `--include` output starts, and what it holds further on.
    static let curlRoutes: [(flag: String, path: String, start: String, holds: String)] = [
        ("--http2-prior-knowledge", "/path?q=1", "HTTP/2 200 \r\n", "\r\ncontent-type: text/plain\r\n"),
        ("--http2", "/up", "HTTP/1.1 101 Switching Protocols\r\n", "\r\n\r\nHTTP/2 200 \r\n"),
    ]

    @Test(arguments: loopbackHosts, Self.curlRoutes.indices)
    func curlGetsAnHTTP2Answer(host: String, route: Int) async throws {
        let (flag, path, start, holds) = Self.curlRoutes[route]
        try await withServer(host: host) { _, address in
            let get = try await self.curl([flag, "--include", "\(address.urlString)\(path)"])
            #expect(get.status == 0)
            #expect(get.stdout.hasPrefix(start), "\(get.stdout)")
            #expect(get.stdout.contains(holds), "\(get.stdout)")
            #expect(get.stdout.hasSuffix("\r\n\r\nGET \(path) HTTP/2 \(address.description) 0"), "\(get.stdout)")
        }
    }

    @Test(arguments: loopbackHosts)
    func curlPriorKnowledgePostsAndDownloads(host: String) async throws {
        try await withServer(host: host) { _, address in
            let post = try await self.curl([
                "--http2-prior-knowledge", "--data-binary", "h2 body", "\(address.urlString)/echo",
            ])
            #expect(post.status == 0)
            #expect(post.stdout == "h2 body")

            let big = try await self.curl([
                "--http2-prior-knowledge", "--write-out", "%{size_download}", "--output", "/dev/null",
                "\(address.urlString)/big/300000",
            ])
            #expect(big.status == 0)
            #expect(big.stdout == "300000")
        }
    }

    @Test(arguments: loopbackHosts)
    func nghttpTraceShowsAConformingExchange(host: String) async throws {
        try await withServer(host: host) { _, address in
            let trace = try await self.nghttp(["\(address.urlString)/hello"])
            #expect(trace.status == 0, "\(trace.stdout)")
            #expect(trace.stdout.contains("recv SETTINGS frame"), "\(trace.stdout)")
            #expect(trace.stdout.contains("recv (stream_id=13) :status: 200"), "\(trace.stdout)")
            #expect(trace.stdout.contains("GET /hello HTTP/2 \(address.description) 0"), "\(trace.stdout)")
            #expect(trace.stdout.contains("; END_STREAM"), "\(trace.stdout)")
            #expect(!trace.stdout.contains("RST_STREAM"), "\(trace.stdout)")
            #expect(!trace.stdout.contains("recv GOAWAY"), "\(trace.stdout)")

            // A body larger than the client's 64 KiB window needs WINDOW_UPDATEs to finish.
            let big = try await self.nghttp(["-n", "\(address.urlString)/big/200000"])
            #expect(big.status == 0, "\(big.stdout)")
            #expect(big.stdout.contains("send WINDOW_UPDATE frame"), "\(big.stdout)")
            let frames = big.stdout.matches(of: #/recv DATA frame <length=(\d+)/#).map { Int($0.1) ?? 0 }
            #expect(frames.reduce(0, +) == 200_000, "\(big.stdout)")

            let missing = try await self.nghttp(["\(address.urlString)/throw"])
            #expect(missing.status == 0)
            #expect(missing.stdout.contains("recv (stream_id=13) :status: 500"), "\(missing.stdout)")
            #expect(missing.stdout.contains("handler failed"), "\(missing.stdout)")
        }
    }

    @Test(
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/h2load"), "h2load is not installed"),
        arguments: loopbackHosts)
    func h2loadMultiplexesWithoutFailures(host: String) async throws {
        try await withServer(host: host) { _, address in
            let load = try await ChildProcess.run(
                "/usr/bin/h2load", ["-n2000", "-c4", "-m8", "\(address.urlString)/hello"], timeout: 120)
            #expect(load.status == 0, "\(load.stdout)")
            #expect(load.stdout.contains("2000 succeeded, 0 failed, 0 errored, 0 timeout"), "\(load.stdout)")
            #expect(load.stdout.contains("status codes: 2000 2xx"), "\(load.stdout)")
        }
    }
}
