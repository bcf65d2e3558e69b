import Foundation
import Testing

@testable import AtlasMockHTTP

/// The transport's HTTP/2 against real clients on both loopback families: curl by prior knowledge and by h2c
/// upgrade, nghttp's frame trace, and a short h2load run.
@Suite("HTTP/2 with real clients", .serialized, .timeLimit(.minutes(1)))
struct HTTP2LiveTests {
    @Test(arguments: loopbackHosts)
    func curlPriorKnowledge(host: String) async throws {
        try await withServer(host: host) { _, address in
            let get = try runProcess("/usr/bin/curl", [
                "--silent", "--show-error", "--max-time", "10", "--http2-prior-knowledge", "--include",
                "\(address.urlString)/path?q=1",
            ])
            #expect(get.status == 0)
            #expect(get.output.hasPrefix("HTTP/2 200 \r\n"), "\(get.output)")
            #expect(get.output.contains("\r\ncontent-type: text/plain\r\n"), "\(get.output)")
            #expect(get.output.hasSuffix("\r\n\r\nGET /path?q=1 HTTP/2 \(address.description) 0"), "\(get.output)")

            let post = try runProcess("/usr/bin/curl", [
                "--silent", "--show-error", "--max-time", "10", "--http2-prior-knowledge", "--data-binary", "h2 body",
                "\(address.urlString)/echo",
            ])
            #expect(post.status == 0)
            #expect(post.output == "h2 body")

            let big = try runProcess("/usr/bin/curl", [
                "--silent", "--show-error", "--max-time", "10", "--http2-prior-knowledge", "--write-out", "%{size_download}",
                "--output", "/dev/null", "\(address.urlString)/big/300000",
            ])
            #expect(big.status == 0)
            #expect(big.output == "300000")
        }
    }

    @Test(arguments: loopbackHosts)
    func curlUpgradesToH2c(host: String) async throws {
        try await withServer(host: host) { _, address in
            let upgraded = try runProcess("/usr/bin/curl", [
                "--silent", "--show-error", "--max-time", "10", "--http2", "--include", "\(address.urlString)/up",
            ])
            #expect(upgraded.status == 0)
            #expect(upgraded.output.hasPrefix("HTTP/1.1 101 Switching Protocols\r\n"), "\(upgraded.output)")
            #expect(upgraded.output.contains("\r\n\r\nHTTP/2 200 \r\n"), "\(upgraded.output)")
            #expect(upgraded.output.hasSuffix("\r\n\r\nGET /up HTTP/2 \(address.description) 0"), "\(upgraded.output)")
        }
    }

    @Test(arguments: loopbackHosts)
    func nghttpTraceShowsAConformingExchange(host: String) async throws {
        try await withServer(host: host) { _, address in
            let trace = try runProcess("/usr/bin/nghttp", ["-v", "--timeout=10", "\(address.urlString)/hello"])
            #expect(trace.status == 0, "\(trace.output)")
            #expect(trace.output.contains("recv SETTINGS frame"), "\(trace.output)")
            #expect(trace.output.contains("recv (stream_id=13) :status: 200"), "\(trace.output)")
            #expect(trace.output.contains("GET /hello HTTP/2 \(address.description) 0"), "\(trace.output)")
            #expect(trace.output.contains("; END_STREAM"), "\(trace.output)")
            #expect(!trace.output.contains("RST_STREAM"), "\(trace.output)")
            #expect(!trace.output.contains("recv GOAWAY"), "\(trace.output)")

            // A body larger than the client's 64 KiB window needs WINDOW_UPDATEs to finish.
            let big = try runProcess("/usr/bin/nghttp", ["-v", "-n", "--timeout=10", "\(address.urlString)/big/200000"])
            #expect(big.status == 0, "\(big.output)")
            #expect(big.output.contains("send WINDOW_UPDATE frame"), "\(big.output)")
            let frames = big.output.matches(of: #/recv DATA frame <length=(\d+)/#).map { Int($0.1) ?? 0 }
            #expect(frames.reduce(0, +) == 200_000, "\(big.output)")

            let missing = try runProcess("/usr/bin/nghttp", ["-v", "--timeout=10", "\(address.urlString)/throw"])
            #expect(missing.status == 0)
            #expect(missing.output.contains("recv (stream_id=13) :status: 500"), "\(missing.output)")
            #expect(missing.output.contains("handler failed"), "\(missing.output)")
        }
    }

    @Test(
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/h2load"), "h2load is not installed"),
        arguments: loopbackHosts)
    func h2loadMultiplexesWithoutFailures(host: String) async throws {
        try await withServer(host: host) { _, address in
            let load = try runProcess("/usr/bin/h2load", ["-n2000", "-c4", "-m8", "\(address.urlString)/hello"])
            #expect(load.status == 0, "\(load.output)")
            #expect(load.output.contains("2000 succeeded, 0 failed, 0 errored, 0 timeout"), "\(load.output)")
            #expect(load.output.contains("status codes: 2000 2xx"), "\(load.output)")
        }
    }
}
