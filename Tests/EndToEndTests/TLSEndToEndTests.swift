import AtlasMock
import AtlasMockTestSupport
import Foundation
import Glibc
import Testing

/// https from the binary as users run it: `--tls self-signed` beside or instead of cleartext, the seed's Digest and
/// Bearer flows over both ALPN protocols, Python's httpx, the health check, embedding, and every bad TLS setting.
@Suite("HTTPS end to end", .timeLimit(.minutes(1)))
struct TLSEndToEndTests {
    /// Starts `atlas-mock --tls self-signed --tls-port 0 --tls-ca-out DIR/ca.pem <arguments>` and runs `body` with
    /// it and the CA file.
    private func withHTTPS<Result>(
        _ arguments: [String] = [], environment: [String: String] = [:],
        _ body: (AtlasMockProcess, _ caFile: String) async throws -> Result
    ) async throws -> Result {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let caFile = directory.appendingPathComponent("ca.pem").path
        return try await withAtlasMock(
            ["--tls", "self-signed", "--tls-port", "0", "--tls-ca-out", caFile] + arguments, environment: environment
        ) { server in
            try await body(server, caFile)
        }
    }

    @Test func startUpPrintsBothURLsCleartextFirstAndWritesTheCA() async throws {
        try await withHTTPS { server, caFile in
            #expect(server.urls.count == 2, "\(server.urls)")
            #expect(server.urls[0].hasPrefix("http://127.0.0.1:"))
            #expect(server.urls[1].hasPrefix("https://127.0.0.1:"))
            #expect(server.url == server.urls[0])
            let pem = try String(contentsOfFile: caFile, encoding: .utf8)
            #expect(pem.hasPrefix("-----BEGIN CERTIFICATE-----\n") && pem.hasSuffix("-----END CERTIFICATE-----\n"))
        }
    }

    /// The seed's Digest request over https, by ALPN h2 and http/1.1: the challenge, the answer, and links that
    /// point back over https (the scheme the client used); cleartext requests keep http:// links.
    @Test(arguments: [("--http1.1", "HTTP/1.1"), ("--http2", "HTTP/2")])
    func digestOverHTTPS(curlFlag: String, version: String) async throws {
        try await withHTTPS { server, caFile in
            let https = server.urls[1]
            let response = try await Client.curl(
                [curlFlag, "--cacert", caFile, "--header", Atlas.seedAccept] + Atlas.readOnlyKey
                    + [https + Atlas.restores("MigratedFlex0")])
            #expect(response.exitCode == 0, "\(response)")
            #expect(response.interim == ["\(version) 401"], "\(response)")
            #expect(response.version == version)
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == Atlas.tenantContentType)
            let links = try #require(try response.json()["links"] as? [[String: Any]])
            #expect(links.first?["href"] as? String == https + Atlas.restores("MigratedFlex0")
                + "?includeCount=true&pageNum=1&itemsPerPage=100")

            let cleartext = try await Client.curl(
                ["--http1.1", "--header", Atlas.seedAccept] + Atlas.readOnlyKey + [server.urls[0] + Atlas.restores("MigratedFlex0")])
            let cleartextLinks = try #require(try cleartext.json()["links"] as? [[String: Any]])
            #expect((cleartextLinks.first?["href"] as? String)?.hasPrefix(server.urls[0] + "/") == true)
        }
    }

    @Test(arguments: ["--http1.1", "--http2"])
    func bearerOverHTTPS(curlFlag: String) async throws {
        try await withHTTPS { server, caFile in
            let https = server.urls[1]
            let token = try await Client.curl([
                curlFlag, "--cacert", caFile, "--user", "mdb_sa_id_mock:mdb_sa_sk_mock", "--data",
                "grant_type=client_credentials", https + "/api/oauth/token",
            ])
            #expect(token.status == 200, "\(token)")
            let accessToken = try #require(try token.json()["access_token"] as? String)
            let list = try await Client.curl([
                curlFlag, "--cacert", caFile, "--header", "Authorization: Bearer \(accessToken)", "--header",
                Atlas.tenantAccept, https + Atlas.restores("Cluster0") + "?itemsPerPage=2",
            ])
            #expect(list.status == 200, "\(list)")
            #expect(try list.json()["totalCount"] as? Int == 6)
            let links = try #require(try list.json()["links"] as? [[String: Any]])
            #expect(links.map { $0["rel"] as? String } == ["self", "next"])
            #expect(links.allSatisfy { ($0["href"] as? String)?.hasPrefix(https + "/api/atlas/v2/") == true })
        }
    }

    @Test func baseURLStillWinsOverTheScheme() async throws {
        try await withHTTPS(["--base-url", "https://cloud.mongodb.com"]) { server, caFile in
            let response = try await Client.curl(
                ["--cacert", caFile, "--header", Atlas.tenantAccept] + Atlas.readOnlyKey
                    + [server.urls[1] + Atlas.restores("Cluster0") + "?itemsPerPage=1"])
            let links = try #require(try response.json()["links"] as? [[String: Any]])
            #expect((links.first?["href"] as? String)?.hasPrefix("https://cloud.mongodb.com/api/atlas/v2/") == true)
        }
    }

    /// Python's httpx with HTTP/2 (Debian's python3-httpx and python3-h2), trusting only the generated CA, with
    /// its own Digest implementation.
    @Test func pythonHTTPXSpeaksHTTP2OverTLS() async throws {
        try await withHTTPS { server, caFile in
            let script = """
                import httpx, sys
                with httpx.Client(http2=True, verify=sys.argv[2]) as client:
                    response = client.get(sys.argv[1], auth=httpx.DigestAuth("mockpublic", "mock-private-key-0000"),
                                          headers={"Accept": "application/vnd.atlas.2023-01-01+json"})
                    print(response.http_version, response.status_code, response.json()["totalCount"],
                          response.json()["links"][0]["href"].startswith("https://"))
                """
            let result = try await ChildProcess.run(
                "/usr/bin/python3", ["-c", script, server.urls[1] + Atlas.restores("Cluster0"), caFile])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout == "HTTP/2 200 6 True\n", "\(result)")
        }
    }

    /// `--port off`: TLS only, one URL printed; the health check finds it from the same variables the container sets.
    @Test func tlsOnlyAndItsHealthCheck() async throws {
        try await withHTTPS(["--port", "off"]) { server, _ in
            #expect(server.urls.count == 1, "\(server.urls)")
            #expect(server.url.hasPrefix("https://127.0.0.1:"))
            let byURL = try await ChildProcess.run(Paths.binary, ["health", "--url", server.url])
            #expect(byURL.status == 0, "\(byURL)")
            #expect(byURL.stdout == "healthy: \(server.url)\n")
            let byEnvironment = try await ChildProcess.run(
                Paths.binary, ["health"], environment: ["ATLAS_MOCK_PORT": "off", "ATLAS_MOCK_TLS_PORT": String(server.port)])
            #expect(byEnvironment.status == 0, "\(byEnvironment)")
            #expect(byEnvironment.stdout == "healthy: https://127.0.0.1:\(server.port)\n")
            let plain = try await ChildProcess.run(Paths.binary, ["health", "--url", "http://127.0.0.1:\(server.port)"])
            #expect(plain.status == 1, "plain HTTP to the TLS port is answered 400: \(plain)")
            #expect(plain.stderr == "unhealthy: http://127.0.0.1:\(server.port)/__admin/health answered 400\n")
        }
    }

    @Test func healthOverHTTPSToTheCleartextPortFails() async throws {
        try await withAtlasMock { server in
            let result = try await ChildProcess.run(Paths.binary, ["health", "--url", "https://127.0.0.1:\(server.port)"])
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.hasPrefix("unhealthy: https://127.0.0.1:\(server.port): TLS handshake failed: "))
        }
    }

    /// Each is one line on stderr and exit 2, before anything binds.
    @Test(arguments: [
        (["--tls", "bogus"], [:],
         "--tls: 'bogus' is not self-signed or off (for your own certificate use --tls-cert and --tls-key)"),
        ([], ["ATLAS_MOCK_TLS": "on"],
         "ATLAS_MOCK_TLS (--tls): 'on' is not self-signed or off (for your own certificate use --tls-cert and --tls-key)"),
        ([], ["ATLAS_MOCK_TLS_HOSTNAME": "atlas"], "--tls-hostname and --tls-ca-out need --tls self-signed"),
        (["--tls-cert", "a.pem"], [:], "--tls-cert needs --tls-key"),
        (["--tls-key", "a.key"], [:], "--tls-key needs --tls-cert"),
        (["--tls", "self-signed", "--tls-cert", "a.pem", "--tls-key", "a.key"], [:],
         "--tls self-signed and --tls-cert/--tls-key exclude each other"),
        (["--tls-cert", "a.pem", "--tls-key", "a.key", "--tls-ca-out", "ca.pem"], [:],
         "--tls-hostname and --tls-ca-out apply to --tls self-signed only"),
        (["--tls-port", "8443"], [:], "--tls-port needs --tls self-signed or --tls-cert and --tls-key"),
        (["--tls-hostname", "atlas"], [:], "--tls-hostname and --tls-ca-out need --tls self-signed"),
        (["--port", "off"], [:], "--port off needs --tls self-signed or --tls-cert and --tls-key"),
        (["--tls", "self-signed", "--tls-port", "99999"], [:], "--tls-port: '99999' is not a port (0-65535)"),
        (["--tls-cert", "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem"], [:],
         "atlas-mock: TLS: certificate file /nonexistent/cert.pem: No such file or directory"),
        (["--tls", "self-signed", "--tls-hostname", "two words"], [:],
         "atlas-mock: TLS: 'two words' is neither a DNS name nor an IP address"),
        (["--tls", "self-signed", "--tls-ca-out", "/nonexistent/dir/ca.pem"], [:],
         "atlas-mock: --tls-ca-out /nonexistent/dir/ca.pem: cannot write it"),
    ] as [([String], [String: String], String)])
    func badTLSSettingsExit2WithOneLine(arguments: [String], environment: [String: String], message: String)
        async throws
    {
        let result = try await ChildProcess.run(Paths.binary, ["--port", "0"] + arguments, environment: environment)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.hasPrefix(message), "\(result)")
        #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(result)")
        #expect(result.stdout.isEmpty)
    }

    @Test func anExpiredCertificateIsRefusedAtStart() async throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = directory.appendingPathComponent("server.key").path
        let fresh = directory.appendingPathComponent("fresh.pem").path
        let expired = directory.appendingPathComponent("expired.pem").path
        let made = try await ChildProcess.run("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key,
            "-out", fresh, "-subj", "/CN=localhost", "-days", "2", "-addext", "subjectAltName=IP:127.0.0.1",
        ])
        try #require(made.status == 0, "\(made)")
        let resigned = try await ChildProcess.run(
            "/usr/bin/openssl", ["x509", "-in", fresh, "-key", key, "-days", "-1", "-out", expired])
        try #require(resigned.status == 0, "\(resigned)")

        let result = try await ChildProcess.run(Paths.binary, ["--port", "0", "--tls-cert", expired, "--tls-key", key])
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr.hasPrefix("atlas-mock: TLS: certificate file \(expired): the certificate expired on "))
        #expect(result.stderr.hasSuffix(" UTC\n"), "\(result)")

        // The same key with its valid certificate serves.
        try await withAtlasMock(["--tls-cert", fresh, "--tls-key", key, "--tls-port", "0"]) { server in
            let health = try await Client.curl(["--cacert", fresh, server.urls[1] + "/__admin/health"])
            #expect(health.status == 200, "\(health)")
        }
    }

    /// The embedding API with TLS: the README's example.
    @Test func embeddingWithTLS() async throws {
        var configuration = AtlasConfiguration()
        configuration.server.port = 0
        configuration.server.tls = .init(port: 0, identity: try .selfSigned())
        let server = try AtlasMockServer.start(configuration: configuration)
        defer { server.stop() }
        let tlsURL = try #require(server.tlsURL)
        #expect(tlsURL.hasPrefix("https://127.0.0.1:"))
        #expect(server.urls == [server.url, tlsURL])
        let pem = try #require(server.certificateAuthorityPEM)
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let caFile = directory.appendingPathComponent("ca.pem")
        try Data(pem.utf8).write(to: caFile)
        let health = try await Client.curl(["--cacert", caFile.path, "--write-out", "%{http_version}", tlsURL + "/__admin/health"])
        #expect(health.status == 200, "\(health)")
        #expect(health.body == "{\"status\":\"ok\"}\n2")
    }
}
