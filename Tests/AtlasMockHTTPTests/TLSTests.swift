import Dispatch
import AtlasMockTestSupport
import Foundation
import Glibc
import Logging
import Testing

@testable import AtlasMockHTTP

/// The TLS listener with real clients (curl, nghttp, h2load, openssl s_client) and raw sockets: ALPN, the
/// certificate checks, and what hostile or confused peers get.
@Suite("TLS", .serialized, .timeLimit(.minutes(2)))
struct TLSTests {
    /// One generated identity for the suite: generation is cheap, but every test trusting the same CA file is simpler.
    static let identity: TLSIdentity = try! TLSIdentity.selfSigned(hostnames: ["atlas.test"])
    static let caFile: String = {
        let path = NSTemporaryDirectory() + "atlas-mock-tls-tests-\(getpid())-ca.pem"
        try! Data(Self.identity.certificateAuthorityPEM!.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }()

    /// Starts a server with a cleartext and a TLS listener on `host`, port 0 each, and always shuts it down.
    private func withTLSServer<Result>(
        host: String = "127.0.0.1", identity: TLSIdentity = Self.identity,
        configure: (inout ServerConfiguration) -> Void = { _ in },
        _ body: (HTTPServer, _ cleartext: BoundAddress, _ tls: BoundAddress) async throws -> Result
    ) async throws -> Result {
        var configuration = ServerConfiguration()
        configuration.host = host
        configuration.port = 0
        configuration.tls = .init(port: 0, identity: identity)
        configure(&configuration)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let server = HTTPServer(configuration: configuration, handler: RoutingTestHandler(), logger: logger)
        let addresses = try server.start()
        defer { server.shutdownNow() }
        return try await body(server, addresses[0], addresses[1])
    }

    private func curl(_ arguments: [String]) async throws -> ChildProcess.Finished {
        try await ChildProcess.run(
            "/usr/bin/curl", ["--silent", "--show-error", "--max-time", "10", "--cacert", Self.caFile] + arguments)
    }

    // MARK: Real clients

    @Test(arguments: loopbackHosts)
    func curlNegotiatesHTTP1AndHTTP2ByALPN(host: String) async throws {
        try await withTLSServer(host: host) { _, _, tls in
            #expect(tls.urlString.hasPrefix("https://"))
            let http1 = try await self.curl(["--http1.1", "--write-out", " %{http_version}", "\(tls.urlString)/a?b=1"])
            #expect(http1.status == 0, "\(http1.stderr)")
            #expect(http1.stdout == "GET /a?b=1 HTTP/1.1 \(tls.description) 0 1.1")
            let http2 = try await self.curl(["--http2", "--write-out", " %{http_version}", "\(tls.urlString)/a?b=1"])
            #expect(http2.status == 0, "\(http2.stderr)")
            #expect(http2.stdout == "GET /a?b=1 HTTP/2 \(tls.description) 0 2")
            // Several requests on one connection, with a body large enough to span many TLS records.
            let big = try await self.curl([
                "--http1.1", "--write-out", "%{num_connects} %{size_download}\n", "\(tls.urlString)/big/300000",
                "--output", "/dev/null", "\(tls.urlString)/big/300000", "--output", "/dev/null",
            ])
            #expect(big.stdout == "1 300000\n0 300000\n", "\(big.stderr)")
        }
    }

    @Test func theGeneratedCertificateNamesEveryHostAskedFor() async throws {
        try await withTLSServer { _, _, tls in
            let resolved = try await self.curl([
                "--resolve", "atlas.test:\(tls.port):127.0.0.1", "https://atlas.test:\(tls.port)/x",
            ])
            #expect(resolved.status == 0, "\(resolved.stderr)")
            #expect(resolved.stdout == "GET /x HTTP/2 atlas.test:\(tls.port) 0")
            let unnamed = try await self.curl(["--resolve", "other.test:\(tls.port):127.0.0.1", "https://other.test:\(tls.port)/x"])
            #expect(unnamed.status == 60, "curl's 'peer certificate cannot be authenticated': \(unnamed.stderr)")
        }
    }

    @Test func nghttpGetsHTTP2OverTLS() async throws {
        try await withTLSServer { _, _, tls in
            let body = NSTemporaryDirectory() + "atlas-mock-tls-body-\(UUID().uuidString)"
            try "over tls".write(toFile: body, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: body) }
            let result = try await ChildProcess.run("/usr/bin/nghttp", ["-v", "--timeout=10", "-d", body, "\(tls.urlString)/echo"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("The negotiated protocol: h2"))
            #expect(result.stdout.contains("recv (stream_id=13) :status: 200"))
            #expect(result.stdout.contains("over tls"))
        }
    }

    @Test func h2loadOverTLSHasNoFailures() async throws {
        try await withTLSServer { _, _, tls in
            let result = try await ChildProcess.run("/usr/bin/h2load", ["-n", "2000", "-c", "8", "-m", "10", "\(tls.urlString)/x"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("Application protocol: h2"), "\(result.stdout)")
            #expect(result.stdout.contains("2000 succeeded, 0 failed, 0 errored, 0 timeout"), "\(result.stdout)")
            #expect(result.stdout.contains("status codes: 2000 2xx"), "\(result.stdout)")
        }
    }

    // MARK: Policy

    /// TLS 1.2 and 1.3 only; TLS 1.2 only with forward-secret AEAD suites; ALPN h2 or http/1.1 or nothing at all.
    @Test(arguments: [
        (["-tls1_3"], "New, TLSv1.3, Cipher is TLS_AES_256_GCM_SHA384"),
        (["-tls1_2"], "New, TLSv1.2, Cipher is ECDHE-ECDSA-AES128-GCM-SHA256"),
        (["-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305"], "New, TLSv1.2, Cipher is ECDHE-ECDSA-CHACHA20-POLY1305"),
        (["-tls1_2", "-cipher", "AES128-SHA256"], "alert handshake failure"),
        (["-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA"], "alert handshake failure"),
        (["-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"], "alert protocol version"),
        (["-alpn", "h2"], "ALPN protocol: h2"),
        (["-alpn", "spdy/3,http/1.1"], "ALPN protocol: http/1.1"),
        (["-alpn", "spdy/3"], "alert no application protocol"),
        ([], "No ALPN negotiated"),
    ])
    func opensslClients(options: [String], evidence: String) async throws {
        try await withTLSServer { _, _, tls in
            let result = try await ChildProcess.run(
                "/usr/bin/openssl", ["s_client", "-connect", "127.0.0.1:\(tls.port)", "-CAfile", Self.caFile] + options)
            let transcript = result.stdout + result.stderr
            #expect(transcript.contains(evidence), "\(transcript)")
            let refused = evidence.hasPrefix("alert")
            #expect(transcript.contains("Cipher is (NONE)") == refused, "\(transcript)")
            if !refused { #expect(transcript.contains("Verify return code: 0 (ok)"), "\(transcript)") }
        }
    }

    // MARK: Confused and hostile peers

    @Test func plainHTTPOnTheTLSPortGets400AndOthersAreUnaffected() async throws {
        try await withTLSServer { server, _, tls in
            let client = try RawHTTPClient(tls)
            try client.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 400)
            #expect(response.text == "This port speaks HTTPS: the plain HTTP request was sent to a TLS port.\n")
            #expect(response.header("Connection") == "close")
            #expect(try client.readsEOF())
            let good = try await self.curl(["\(tls.urlString)/y"])
            #expect(good.stdout == "GET /y HTTP/2 \(tls.description) 0")
            #expect(await eventually { server.connectionCount == 0 })
        }
    }

    @Test func aTLSClientOnTheCleartextPortIsRefused() async throws {
        try await withTLSServer { _, cleartext, _ in
            let refused = try await self.curl(["https://\(cleartext.description)/x"])
            // 35: the TLS handshake failed (the server answered a 400 in cleartext and closed).
            #expect(refused.status == 35, "\(refused.stderr)")
            let good = try await self.curl(["\(cleartext.urlString)/y"])
            #expect(good.stdout == "GET /y HTTP/1.1 \(cleartext.description) 0")
        }
    }

    /// Slowloris over TLS: the handshake must finish within the header read timeout, however the bytes trickle in.
    @Test func aHandshakeThatStallsIsTimedOut() async throws {
        try await withTLSServer(configure: {
            $0.headerReadTimeout = .milliseconds(500)
            $0.idleTimeout = .seconds(30)
        }) { server, _, tls in
            let silent = try RawHTTPClient(tls)
            let trickling = try RawHTTPClient(tls)
            // The start of a ClientHello record: a handshake record of 512 bytes, of which 4 arrive.
            try trickling.send([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc])
            let started = Date()
            #expect(try silent.readsEOF())
            #expect(try trickling.readsEOF())
            let elapsed = Date().timeIntervalSince(started)
            #expect(elapsed > 0.3 && elapsed < 5, "closed after \(elapsed) s")
            #expect(await eventually { server.connectionCount == 0 })
        }
    }

    @Test func garbageRecordsEndTheConnection() async throws {
        try await withTLSServer { server, _, tls in
            // Before any handshake: a handshake record whose content is not a ClientHello.
            let early = try RawHTTPClient(tls)
            try early.send([0x16, 0x03, 0x01, 0x00, 0x05, 0xde, 0xad, 0xbe, 0xef, 0x00])
            let alert = try early.readToEOF()
            #expect(alert.first == 0x15, "a TLS alert record before the close: \(alert)")

            // After a good handshake and request: an application-data record that does not decrypt.
            let late = try RawHTTPClient(tls)
            let stream = try TLSProbeStream(fd: late.fd, serverName: "localhost")
            try stream.write(Array("GET /first HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = try buffer.withUnsafeMutableBytes { try stream.read(into: $0) }
            #expect(String(decoding: buffer[..<count], as: UTF8.self).hasPrefix("HTTP/1.1 200 OK"))
            try late.send([0x17, 0x03, 0x03, 0x00, 0x20] + [UInt8](repeating: 0x41, count: 32))
            _ = try late.readToEOF()
            #expect(await eventually { server.connectionCount == 0 })

            let good = try await self.curl(["\(tls.urlString)/y"])
            #expect(good.stdout == "GET /y HTTP/2 \(tls.description) 0")
        }
    }

    /// A graceful drain ends a TLS connection with `close_notify`, which a client reads as a clean end of stream
    /// (a bare FIN would be a truncation to it).
    @Test func gracefulShutdownSendsCloseNotify() async throws {
        try await withTLSServer { server, _, tls in
            let client = try RawHTTPClient(tls)
            let stream = try TLSProbeStream(fd: client.fd, serverName: "localhost")
            try stream.write(Array("GET /delay/300 HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
            try await Task.sleep(for: .milliseconds(100))
            server.shutdown {}
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while case let count = try buffer.withUnsafeMutableBytes({ try stream.read(into: $0) }), count > 0 {
                received += buffer[..<count]
            }
            let text = String(decoding: received, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(text)")
            #expect(text.contains("Connection: close\r\n"), "\(text)")
            #expect(text.hasSuffix("delayed 300"), "\(text)")
        }
    }

    @Test func theConnectionCapCoversTheTLSPortToo() async throws {
        try await withTLSServer(configure: { $0.maxConnections = 1 }) { server, cleartext, tls in
            let holder = try RawHTTPClient(cleartext)
            try holder.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n")
            _ = try holder.readResponse()
            let refused = try await self.curl(["\(tls.urlString)/y"])
            #expect(refused.status == 35, "closed before the handshake: \(refused.stderr)")
            #expect(server.connectionCount == 1)
        }
    }

    // MARK: Certificates from files

    /// Runs the `openssl` command line, which must succeed (it makes the test certificates).
    private func openssl(_ arguments: [String]) async throws {
        let result = try await ChildProcess.run("/usr/bin/openssl", arguments)
        try #require(result.status == 0, "openssl \(arguments): \(result.stderr)")
    }

    /// Makes the key `<name>.key` and the certificate `<name>.pem` for `subject`, signed by `<issuer>.pem` and
    /// `<issuer>.key` with the X.509v3 `extensions`, all in `directory`.
    private func issue(
        _ name: String, subject: String, issuer: String, extensions: String, in directory: String
    ) async throws {
        try await self.openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(directory)/\(name).key",
                                "-out", "\(directory)/\(name).csr", "-subj", subject])
        try extensions.write(toFile: "\(directory)/\(name).ext", atomically: true, encoding: .utf8)
        try await self.openssl(["x509", "-req", "-in", "\(directory)/\(name).csr", "-CA", "\(directory)/\(issuer).pem",
                                "-CAkey", "\(directory)/\(issuer).key", "-CAcreateserial", "-days", "2",
                                "-extfile", "\(directory)/\(name).ext", "-out", "\(directory)/\(name).pem"])
    }

    @Test func aCertificateChainAndKeyFromFilesAreServed() async throws {
        let directory = try Paths.temporaryDirectory().path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // A CA, an intermediate, and an RSA server certificate signed by the intermediate: the chain file holds the
        // server certificate then the intermediate, and the client trusts only the CA.
        try await self.openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "\(directory)/ca.key",
                                     "-out", "\(directory)/ca.pem", "-subj", "/CN=Test Root", "-days", "2",
                                     "-addext", "basicConstraints=critical,CA:TRUE"])
        try await self.issue(
            "int", subject: "/CN=Test Intermediate", issuer: "ca",
            extensions: "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n", in: directory)
        try await self.issue(
            "server", subject: "/CN=localhost", issuer: "int",
            extensions: "subjectAltName=DNS:localhost,IP:127.0.0.1\n", in: directory)
        let chain = try String(contentsOfFile: "\(directory)/server.pem", encoding: .utf8)
            + String(contentsOfFile: "\(directory)/int.pem", encoding: .utf8)
        try chain.write(toFile: "\(directory)/chain.pem", atomically: true, encoding: .utf8)

        let identity = try TLSIdentity.load(
            certificateChainFile: "\(directory)/chain.pem", privateKeyFile: "\(directory)/server.key")
        #expect(identity.certificateAuthorityPEM == nil)
        try await withTLSServer(identity: identity) { _, _, tls in
            let result = try await ChildProcess.run("/usr/bin/curl", [
                "--silent", "--show-error", "--cacert", "\(directory)/ca.pem", "--write-out", " %{http_version}",
                "\(tls.urlString)/z",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "GET /z HTTP/2 \(tls.description) 0 2")
        }
    }

    @Test func badCertificateFilesAreOneClearError() async throws {
        let directory = try Paths.temporaryDirectory().path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for name in ["a", "b"] {
            try await self.openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                                         "-nodes", "-keyout", "\(directory)/\(name).key", "-out", "\(directory)/\(name).pem",
                                         "-subj", "/CN=localhost", "-days", "2"])
        }
        // Re-signed to end a day before it starts: expired.
        try await self.openssl(["x509", "-in", "\(directory)/a.pem", "-key", "\(directory)/a.key", "-days", "-1",
                                     "-out", "\(directory)/expired.pem"])
        try await self.openssl(["pkey", "-in", "\(directory)/a.key", "-aes256", "-passout", "pass:secret",
                                     "-out", "\(directory)/encrypted.key"])
        try "not a certificate\n".write(toFile: "\(directory)/junk.pem", atomically: true, encoding: .utf8)

        let cases: [(String, String, String)] = [
            ("\(directory)/missing.pem", "\(directory)/a.key",
             "certificate file \(directory)/missing.pem: No such file or directory"),
            ("\(directory)/junk.pem", "\(directory)/a.key", "certificate file \(directory)/junk.pem: no PEM certificate in it"),
            ("\(directory)/a.pem", "\(directory)/junk.pem", "key file \(directory)/junk.pem: no unencrypted PEM private key in it"),
            ("\(directory)/a.pem", "\(directory)/encrypted.key",
             "key file \(directory)/encrypted.key: no unencrypted PEM private key in it"),
            ("\(directory)/a.pem", "\(directory)/b.key",
             "key file \(directory)/b.key does not match the certificate in \(directory)/a.pem"),
            ("\(directory)/expired.pem", "\(directory)/a.key",
             "certificate file \(directory)/expired.pem: the certificate expired on "),
        ]
        for (certificate, key, message) in cases {
            let error = try #require(throws: TLSSetupError.self) {
                try TLSIdentity.load(certificateChainFile: certificate, privateKeyFile: key)
            }
            #expect(error.description.hasPrefix(message), "\(error)")
        }
        // One file with both the certificate and its key works for either argument.
        let both = try String(contentsOfFile: "\(directory)/a.pem", encoding: .utf8)
            + String(contentsOfFile: "\(directory)/a.key", encoding: .utf8)
        try both.write(toFile: "\(directory)/both.pem", atomically: true, encoding: .utf8)
        _ = try TLSIdentity.load(certificateChainFile: "\(directory)/both.pem", privateKeyFile: "\(directory)/both.pem")
    }

    @Test(arguments: ["bad name", "a,DNS:evil.example", "-leading.example", "", "a..b"])
    func selfSignedRefusesNamesThatAreNotHostnames(name: String) throws {
        let error = try #require(throws: TLSSetupError.self) { try TLSIdentity.selfSigned(hostnames: [name]) }
        #expect(error.description == "'\(name)' is neither a DNS name nor an IP address")
    }
}

/// The ALPN choice on raw client lists, without a handshake.
@Suite("ALPN selection")
struct ApplicationProtocolSelectionTests {
    @Test(arguments: [
        (alpn("h2", "http/1.1"), ApplicationProtocol.http2, 1..<3),
        (alpn("http/1.1", "h2"), .http2, 10..<12),
        (alpn("spdy/3", "http/1.1"), .http1, 8..<16),
        (alpn("http/1.1"), .http1, 1..<9),
    ])
    func choosesH2ThenHTTP1(list: [UInt8], chosen: ApplicationProtocol, name: Range<Int>) {
        let choice = list.withUnsafeBufferPointer { ApplicationProtocol.select(from: $0) }
        #expect(choice?.chosen == chosen)
        #expect(choice?.name == name)
    }

    @Test(arguments: [
        [],
        alpn("spdy/3"),
        alpn("http/1.0"),
        Array(alpn("h2").dropLast()),
        [3] + Array("h2".utf8),
        [0] + alpn("h2"),
    ] as [[UInt8]])
    func refusesListsWithoutOursOrMalformed(list: [UInt8]) {
        #expect(list.withUnsafeBufferPointer { ApplicationProtocol.select(from: $0) } == nil)
    }
}

/// A well-formed ALPN list (RFC 7301 §3.1): each name after its one-byte length.
private func alpn(_ names: String...) -> [UInt8] {
    names.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) }
}
