import Foundation
import Glibc
import Synchronization
import Testing

/// The default dataset's names and the paths users type, as the README and fixtures/default give them.
enum Atlas {
    static let projectId = "32b6e34b3d91647abb20e7b8"
    /// The `Accept` of the seed's curl command; the version date is a floor, so it gets the 2023-01-01 resource.
    static let seedAccept = "Accept: application/vnd.atlas.2024-05-30+json"
    static let tenantAccept = "Accept: application/vnd.atlas.2023-01-01+json"
    static let flexAccept = "Accept: application/vnd.atlas.2024-11-13+json"
    static let tenantContentType = "application/vnd.atlas.2023-01-01+json;charset=utf-8"
    static let deprecation = "Wed, 11 Jun 2025 00:00:00 GMT"
    static let sunset = "Thu, 22 Jan 2026 00:00:00 GMT"

    static let readOnlyKey = ["--user", "mockpublic:mock-private-key-0000", "--digest"]
    static let ownerKey = ["--user", "mockowner:mock-owner-key-0000", "--digest"]
    static let noRoleKey = ["--user", "mocknorole:mock-norole-key-0000", "--digest"]
    static let blockedKey = ["--user", "mockblocked:mock-blocked-key-0000", "--digest"]

    /// Cluster0's restore jobs in the default dataset, newest first as the list returns them.
    static let cluster0JobIds = [
        "693d47f65bf4f8685850fef7", "693d405fb0dbea31bb23cc96", "693d1fd90a68ccb09cc599d2",
        "693af52a7cdad59df0391faf", "69393737393c409a28812dc9", "69383051e1dbfda41e620695",
    ]
    /// A COMPLETED snapshot of Cluster0 and one of MigratedFlex0.
    static let cluster0Snapshot = "69363f305f2a974a83589f46"
    static let migratedFlexSnapshot = "693a41c0b147c7a81d29d2e0"

    static func restores(_ cluster: String, project: String = Self.projectId) -> String {
        "/api/atlas/v2/groups/\(project)/clusters/\(cluster)/backup/tenant/restores"
    }

    static func restore(_ cluster: String) -> String {
        "/api/atlas/v2/groups/\(Self.projectId)/clusters/\(cluster)/backup/tenant/restore"
    }

    static func flexRestoreJobs(_ cluster: String) -> String {
        "/api/atlas/v2/groups/\(Self.projectId)/flexClusters/\(cluster)/backup/restoreJobs"
    }

    /// The 401 challenge body, byte for byte (Jackson's pretty printer, no `errorCode`).
    static let challengeBody = """
        {
          "error" : 401,
          "reason" : "Unauthorized",
          "detail" : "You are not authorized for this resource."
        }
        """

    /// `WWW-Authenticate` as Atlas sends it; only the 32-character base64 nonce varies.
    static var challengePattern: Regex<Substring> {
        #/Digest realm="MMS Public API", domain="", nonce="[A-Za-z0-9+/]{32}", algorithm=MD5, qop="auth", stale=false/#
    }
}

/// Where the package and the built `atlas-mock` are.
enum Paths {
    /// The package root, from this file's path (Tests/EndToEndTests/EndToEndSupport.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let defaultFixtures = Self.packageRoot.appendingPathComponent("fixtures/default").path

    /// The binary next to the test bundle (whatever `--build-path` was used), else `.build/debug/atlas-mock`.
    static let binary: String = {
        var candidates: [URL] = []
        if let runner = Bundle.main.executableURL {
            candidates.append(runner.deletingLastPathComponent().appendingPathComponent("atlas-mock"))
        }
        candidates.append(Self.packageRoot.appendingPathComponent(".build/debug/atlas-mock"))
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates.last!
        return found.path
    }()

    /// A fresh directory under the system temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("atlas-mock-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Collects everything a pipe yields until EOF on a thread of its own, so a child never blocks on a full pipe.
final class OutputCollector: Sendable {
    private struct State {
        var bytes: [UInt8] = []
        var finished = false
    }

    private let state = Mutex(State())

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                self.state.withLock { $0.bytes += chunk }
            }
            self.state.withLock { $0.finished = true }
        }
    }

    var bytes: [UInt8] { self.state.withLock { $0.bytes } }
    var text: String { String(decoding: self.bytes, as: UTF8.self) }
    var isFinished: Bool { self.state.withLock { $0.finished } }
}

struct ChildProcessError: Error, CustomStringConvertible {
    var description: String
}

/// A child process with its standard output and error collected. Waiting polls with `Task.sleep`, so tests never
/// block the cooperative pool while a child runs.
final class ChildProcess {
    let process = Process()
    let stdout: OutputCollector
    let stderr: OutputCollector

    /// Starts `executable` with `arguments`; the environment is ours without `ATLAS_MOCK_*`, plus `environment`.
    init(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws {
        self.process.executableURL = URL(fileURLWithPath: executable)
        self.process.arguments = arguments
        var inherited = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ATLAS_MOCK_") }
        inherited.merge(environment) { $1 }
        self.process.environment = inherited
        let out = Pipe()
        let err = Pipe()
        self.process.standardOutput = out
        self.process.standardError = err
        self.process.standardInput = FileHandle.nullDevice
        try self.process.run()
        self.stdout = OutputCollector(out.fileHandleForReading)
        self.stderr = OutputCollector(err.fileHandleForReading)
    }

    var pid: Int32 { self.process.processIdentifier }

    /// Waits for the exit and for both pipes to drain; nil if `timeout` passes first.
    func waitForExit(timeout: Double = 30) async -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while self.process.isRunning || !self.stdout.isFinished || !self.stderr.isFinished {
            if Date() > deadline { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return self.process.terminationStatus
    }

    /// SIGTERM, then SIGKILL if the child is still there after `grace` seconds. Safe to call twice.
    func stop(grace: Double = 15) {
        guard self.process.isRunning else { return }
        kill(self.pid, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while self.process.isRunning && Date() < deadline { usleep(10_000) }
        if self.process.isRunning { kill(self.pid, SIGKILL) }
        self.process.waitUntilExit()
    }

    /// The exit status and the whole output of a command that is expected to finish by itself.
    struct Finished {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a command to completion (killing it after `timeout`).
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], timeout: Double = 30
    ) async throws -> Finished {
        let child = try ChildProcess(executable, arguments, environment: environment)
        guard let status = await child.waitForExit(timeout: timeout) else {
            child.stop(grace: 1)
            throw ChildProcessError(description: "\(executable) \(arguments) did not finish in \(timeout) s")
        }
        return Finished(status: status, stdout: child.stdout.text, stderr: child.stderr.text)
    }
}

/// A running `atlas-mock` started as users start it, with `--port 0`.
final class AtlasMockProcess {
    let child: ChildProcess
    /// The `http://HOST:PORT` line the binary prints once it listens (the `https://` one when it serves only TLS).
    let url: String
    /// Every URL it printed, cleartext first. They come in one write, so the first line brings the others.
    let urls: [String]

    init(_ arguments: [String], environment: [String: String] = [:]) async throws {
        self.child = try ChildProcess(Paths.binary, ["--port", "0"] + arguments, environment: environment)
        let deadline = Date().addingTimeInterval(20)
        var line: String?
        while line == nil {
            let output = self.child.stdout.text
            if let newline = output.firstIndex(of: "\n") {
                line = String(output[..<newline])
            } else if !self.child.process.isRunning || Date() > deadline {
                self.child.stop(grace: 1)
                throw ChildProcessError(
                    description: "atlas-mock \(arguments) printed no URL; stderr: \(self.child.stderr.text)")
            } else {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        self.url = line!
        self.urls = self.child.stdout.text.split(separator: "\n").map(String.init)
    }

    /// The port from the printed URL.
    var port: Int { Int(self.url.split(separator: ":").last ?? "") ?? 0 }

    func stop() { self.child.stop() }
}

/// Starts `atlas-mock --port 0 <arguments>`, runs `body` with it, and always terminates it, also when `body` throws
/// or an expectation fails.
func withAtlasMock<Result>(
    _ arguments: [String] = [], environment: [String: String] = [:],
    _ body: (AtlasMockProcess) async throws -> Result
) async throws -> Result {
    let server = try await AtlasMockProcess(arguments, environment: environment)
    defer { server.stop() }
    return try await body(server)
}

/// One HTTP exchange as a command-line client reported it: the final response (after a Digest retry or an h2c
/// upgrade) and the client's exit status.
struct ClientResponse: CustomStringConvertible {
    var exitCode: Int32
    /// `HTTP/1.1` or `HTTP/2`.
    var version: String = ""
    var status: Int = 0
    var headers: [(name: String, value: String)] = []
    var body: String = ""
    var stderr: String = ""
    /// Versions and statuses of the final responses before this one (a 401 challenge); 1xx are left out.
    var interim: [String] = []

    /// The first value of `name`, compared case-insensitively (HTTP/2 sends lower-case names).
    func header(_ name: String) -> String? {
        self.headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var headerNames: Set<String> { Set(self.headers.map { $0.name.lowercased() }) }

    /// The body parsed as a JSON object.
    func json() throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(self.body.utf8)) as? [String: Any], "\(self)")
    }

    var description: String {
        "exit \(self.exitCode) \(self.version) \(self.status) \(self.headers.map { "\($0.name): \($0.value)" }) "
            + "body \(self.body.debugDescription) stderr \(self.stderr.debugDescription)"
    }
}

/// The ways users reach the server with curl.
enum HTTPProtocol: String, CaseIterable, CustomTestStringConvertible {
    case http1 = "HTTP/1.1"
    case http2 = "HTTP/2 prior knowledge"
    case h2c = "HTTP/2 by h2c upgrade"

    var curlFlag: String {
        switch self {
        case .http1: return "--http1.1"
        case .http2: return "--http2-prior-knowledge"
        case .h2c: return "--http2"
        }
    }

    var version: String { self == .http1 ? "HTTP/1.1" : "HTTP/2" }
    var testDescription: String { self.rawValue }
}

enum Client {
    /// Runs `/usr/bin/curl --silent --show-error --include <arguments>` and parses what it printed.
    static func curl(_ arguments: [String], maxTime: Int = 20) async throws -> ClientResponse {
        let finished = try await ChildProcess.run(
            "/usr/bin/curl", ["--silent", "--show-error", "--include", "--max-time", String(maxTime)] + arguments)
        var response = ClientResponse(exitCode: finished.status, stderr: finished.stderr)
        var rest = Substring(finished.stdout)
        // Every response curl saw is printed as a head; the body that follows the last one is the answer.
        while rest.hasPrefix("HTTP/"), let end = rest.range(of: "\r\n\r\n") {
            let lines = rest[..<end.lowerBound].components(separatedBy: "\r\n")
            if !response.version.isEmpty && !(100..<200).contains(response.status) {
                response.interim.append("\(response.version) \(response.status)")
            }
            let statusLine = lines[0].split(separator: " ", maxSplits: 2)
            response.version = String(statusLine[0])
            response.status = Int(statusLine[1]) ?? -1
            response.headers = lines.dropFirst().map { line in
                let colon = line.firstIndex(of: ":")!
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            rest = rest[end.upperBound...]
        }
        response.body = String(rest)
        return response
    }

    /// A curl call with `protocolChoice`, `-X method`, extra `arguments` and the URL last.
    ///
    /// curl 7.88 cannot reuse a prior-knowledge HTTP/2 connection (its second request fails with "Error in the
    /// HTTP2 framing layer", against nghttpd too), so `--digest` cannot answer the challenge there. For
    /// `.http2`, `--user U:P --digest` is therefore done as two curl runs: the challenge, then the request
    /// with the `Authorization` header the Atlas clients compute.
    static func curl(
        _ protocolChoice: HTTPProtocol, _ method: String = "GET", _ url: String, _ arguments: [String] = []
    ) async throws -> ClientResponse {
        guard protocolChoice == .http2, let digest = arguments.firstIndex(of: "--digest"),
            let user = arguments.firstIndex(of: "--user")
        else {
            return try await self.curl([protocolChoice.curlFlag, "-X", method] + arguments + [url])
        }
        let credentials = arguments[user + 1].split(separator: ":", maxSplits: 1).map(String.init)
        let others = arguments.enumerated().filter { ![digest, user, user + 1].contains($0.offset) }.map(\.element)
        let challenge = try await self.curl([protocolChoice.curlFlag, "-X", method] + others + [url])
        guard challenge.status == 401, let header = challenge.header("WWW-Authenticate"),
            let nonce = header.firstMatch(of: #/nonce="([^"]+)"/#)?.1
        else { return challenge }
        let components = try #require(URLComponents(string: url))
        let uri = components.percentEncodedPath + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        let cnonce = "0a4f113b9c8d7e6f"
        let ha1 = MD5.hex("\(credentials[0]):MMS Public API:\(credentials[1])")
        let ha2 = MD5.hex("\(method):\(uri)")
        let response = MD5.hex("\(ha1):\(nonce):00000001:\(cnonce):auth:\(ha2)")
        let authorization =
            #"Authorization: Digest username="\#(credentials[0])", realm="MMS Public API", nonce="\#(nonce)", "#
            + #"uri="\#(uri)", response="\#(response)", algorithm="MD5", qop=auth, nc=00000001, cnonce="\#(cnonce)""#
        var answered = try await self.curl(
            [protocolChoice.curlFlag, "-X", method, "--header", authorization] + others + [url])
        answered.interim.insert("\(challenge.version) \(challenge.status)", at: 0)
        return answered
    }

    /// Runs `nghttp -v` (HTTP/2 prior knowledge) and reads the status, headers and body from its trace.
    static func nghttp(_ url: String, headers: [String] = []) async throws -> ClientResponse {
        let finished = try await ChildProcess.run(
            "/usr/bin/nghttp", ["-v", "--timeout=20"] + headers.flatMap { ["-H", $0] } + [url])
        var response = ClientResponse(exitCode: finished.status, version: "HTTP/2", stderr: finished.stderr)
        let trace = finished.stdout
        for line in trace.split(separator: "\n") {
            guard let match = line.firstMatch(of: #/\] recv \(stream_id=\d+\) ([^:\s][^:]*|:status): (.*)$/#) else {
                continue
            }
            if match.1 == ":status" {
                response.status = Int(match.2) ?? -1
            } else {
                response.headers.append((String(match.1), String(match.2)))
            }
        }
        // nghttp writes each DATA frame's payload, then the line logging that frame.
        let frameLog = #/\[\s*[0-9.]+\] (recv|send) [A-Z_]+ frame <[^>]*>\n(\s+[;(].*\n)*/#
        if let start = trace.firstRange(of: "; First response header\n"),
            let last = trace.ranges(of: #/\[\s*[0-9.]+\] recv DATA frame/#).last
        {
            let payload = trace[start.upperBound..<last.lowerBound]
            response.body = String(payload.replacing(frameLog, with: ""))
        }
        return response
    }

    /// `curl --user mdb_sa_id_mock:mdb_sa_sk_mock --data grant_type=client_credentials $URL/api/oauth/token`'s
    /// access token.
    static func serviceAccountToken(_ url: String, protocolChoice: HTTPProtocol = .http1) async throws -> String {
        let response = try await self.curl([
            protocolChoice.curlFlag, "--user", "mdb_sa_id_mock:mdb_sa_sk_mock", "--data", "grant_type=client_credentials",
            url + "/api/oauth/token",
        ])
        #expect(response.status == 200, "\(response)")
        return try #require(try response.json()["access_token"] as? String, "\(response)")
    }
}

/// Checks every part of an Atlas error a user sees: status, `Content-Type`, `X-Error-Code`, `Content-Length`
/// and the exact compact body.
func expectAtlasError(
    _ response: ClientResponse, status: Int, body: String, deprecated: Bool, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response.exitCode == 0, "\(response)", sourceLocation: sourceLocation)
    #expect(response.status == status, "\(response)", sourceLocation: sourceLocation)
    #expect(response.body == body, "\(response)", sourceLocation: sourceLocation)
    #expect(response.header("Content-Type") == "application/json", "\(response)", sourceLocation: sourceLocation)
    #expect(response.header("Content-Length") == String(body.utf8.count), "\(response)", sourceLocation: sourceLocation)
    let code = body.firstMatch(of: #/"errorCode":"([A-Z_]+)"/#).map { String($0.1) }
    #expect(response.header("X-Error-Code") == code, "\(response)", sourceLocation: sourceLocation)
    #expect(response.header("Deprecation") == (deprecated ? Atlas.deprecation : nil), "\(response)",
            sourceLocation: sourceLocation)
    #expect(response.header("Sunset") == (deprecated ? Atlas.sunset : nil), "\(response)", sourceLocation: sourceLocation)
}

/// Posts JSON to an admin route with curl (HTTP/1.1) and returns the response.
func admin(_ method: String, _ url: String, _ json: String? = nil) async throws -> ClientResponse {
    try await Client.curl(.http1, method, url, json.map { ["--header", "Content-Type: application/json", "--data", $0] } ?? [])
}

/// RFC 1321 MD5, for the Digest responses the tests compute themselves (independent of the server's own).
enum MD5 {
    static func hex(_ text: String) -> String {
        self.digest(Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    private static let shifts: [UInt32] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14,
        20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
        6, 10, 15, 21,
    ]
    private static let constants: [UInt32] = (0..<64).map { UInt32(truncatingIfNeeded: Int64(abs(sin(Double($0 + 1))) * 4_294_967_296)) }

    static func digest(_ message: [UInt8]) -> [UInt8] {
        var bytes = message + [0x80]
        while bytes.count % 64 != 56 { bytes.append(0) }
        let bits = UInt64(message.count) * 8
        for index in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(index)))) }
        var a0: UInt32 = 0x6745_2301, b0: UInt32 = 0xefcd_ab89, c0: UInt32 = 0x98ba_dcfe, d0: UInt32 = 0x1032_5476
        for chunk in stride(from: 0, to: bytes.count, by: 64) {
            let words = (0..<16).map { index in
                (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[chunk + index * 4 + $1]) << (8 * UInt32($1)) }
            }
            var a = a0, b = b0, c = c0, d = d0
            for round in 0..<64 {
                var f: UInt32
                let g: Int
                switch round {
                case 0..<16: (f, g) = ((b & c) | (~b & d), round)
                case 16..<32: (f, g) = ((d & b) | (~d & c), (5 * round + 1) % 16)
                case 32..<48: (f, g) = (b ^ c ^ d, (3 * round + 5) % 16)
                default: (f, g) = (c ^ (b | ~d), (7 * round) % 16)
                }
                f = f &+ a &+ Self.constants[round] &+ words[g]
                a = d
                d = c
                c = b
                b = b &+ (f << Self.shifts[round] | f >> (32 - Self.shifts[round]))
            }
            a0 = a0 &+ a
            b0 = b0 &+ b
            c0 = c0 &+ c
            d0 = d0 &+ d
        }
        return [a0, b0, c0, d0].flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: word >> (8 * UInt32($0))) } }
    }
}
