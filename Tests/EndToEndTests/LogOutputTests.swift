import AtlasMockTestSupport
import Foundation
import Glibc
import Testing

/// The built binary with log outputs that stop moving, the way test harnesses and full disks stop them: serving
/// goes on, what could not be written is reported once the output moves again, and SIGTERM writes what is queued.
@Suite(
    "log outputs that stall", .serialized, .timeLimit(.minutes(5)),
    .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/h2load"), "h2load is not installed"))
struct LogOutputTests {
    /// stderr a pipe nobody reads (`subprocess.Popen(..., stderr=PIPE)` reading only stdout): 50,000 requests over
    /// HTTP/1.1 and h2c all answered, a curl during the stall too; then reading the pipe shows the notice.
    @Test func unreadStderrPipeNeitherStopsServingNorLosesTrackOfDroppedLines() async throws {
        let server = try await UnreadStderrServer.start()
        defer { server.kill() }
        // Paced (2 clients x 1,500 requests/s) so that this test does not starve the suites running beside it.
        try await Self.load(server.url, requests: 25_000, http1: true, paced: true)
        try await Self.load(server.url, requests: 25_000, http1: false, paced: true)
        let health = try await Client.curl(["\(server.url)/__admin/health"], maxTime: 5)
        #expect(health.status == 200, "\(health)")

        let text = try await server.readStderr {
            $0.contains("log line(s) dropped: stderr was not taking them fast enough")
        }
        let notice = try #require(text.split(separator: "\n").first { $0.contains("log line(s) dropped") })
        #expect(notice.contains(" warning atlas-mock: [AtlasMockHTTP] "), "\(notice)")
        let dropped = try #require(Int(notice.split(separator: "] ")[1].split(separator: " ")[0]), "\(notice)")
        #expect(dropped > 10_000, "1 MiB holds about 10,000 of the 50,000 lines")
    }

    /// The access log on a tmpfs with 16 KiB left: serving goes on once it is full; when space comes back, the
    /// file says how many lines were lost.
    @Test(.enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
    func fullFilesystemUnderTheAccessLogDoesNotStopServing() async throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let mount = try await ChildProcess.run("/bin/mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", directory.path])
        try #require(mount.status == 0, "mount: \(mount.stderr)")
        defer { _ = umount2(directory.path, Int32(MNT_DETACH)) }
        let filler = directory.appendingPathComponent("filler")
        try Data(count: 1024 * 1024 - 16 * 1024).write(to: filler)
        let log = directory.appendingPathComponent("access.log").path

        try await withAtlasMock(["--access-log", log]) { server in
            // 3,000 lines of ~110 bytes: twenty times what the 16 KiB left can hold.
            try await Self.load(server.url, requests: 3000, http1: true)
            let health = try await Client.curl(["\(server.url)/__admin/health"], maxTime: 5)
            #expect(health.status == 200, "\(health)")
            let size = try #require(try FileManager.default.attributesOfItem(atPath: log)[.size] as? Int)
            #expect(size <= 16 * 1024, "the filesystem is full")

            try FileManager.default.removeItem(at: filler)
            for _ in 0..<3 {
                _ = try await Client.curl(["\(server.url)/__admin/health"], maxTime: 5)
            }
            let deadline = Date().addingTimeInterval(10)
            var text = ""
            while !text.contains("log line(s) dropped"), Date() < deadline {
                try await Task.sleep(for: .milliseconds(100))
                text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            }
            #expect(text.contains("log line(s) dropped: \(log) was not taking them fast enough"))
        }
    }

    /// SIGTERM with lines still queued (the reader has not read yet): they are all written before the exit.
    @Test func sigtermWritesTheQueuedLinesBeforeExiting() async throws {
        let server = try await UnreadStderrServer.start()
        defer { server.kill() }
        // ~110 bytes a line: more than the pipe holds, less than the sink's bound, so nothing is dropped.
        try await Self.load(server.url, requests: 3000, http1: true)
        kill(server.process.processIdentifier, SIGTERM)
        let text = try await server.readStderr { _ in false }
        #expect(try await server.exitStatus() == 0)
        let accessLines = text.split(separator: "\n").filter { $0.contains(" HTTP/1.1 GET /__admin/health 200 ") }
        #expect(accessLines.count == 3000)
        #expect(!text.contains("dropped"))
        #expect(text.contains("signal 15: draining connections"))
    }

    /// `requests` GETs of the health route with h2load (HTTP/1.1 or h2c prior knowledge), as fast as the server
    /// answers or `paced` at 3,000 a second; every one must succeed, within two minutes (a stalled server never
    /// finishes).
    static func load(_ url: String, requests: Int, http1: Bool, paced: Bool = false) async throws {
        let clients = paced ? ["-c", "2", "-t", "1", "--rps", "1500"] : ["-c", "8", "-t", "2"]
        let arguments = ["-n", String(requests)] + clients + (http1 ? ["--h1"] : ["-m", "8"])
        let result = try await ChildProcess.run(
            "/usr/bin/h2load", arguments + ["\(url)/__admin/health"], timeout: 120)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(
            result.stdout.contains("\(requests) succeeded, 0 failed, 0 errored, 0 timeout"),
            "h2load \(http1 ? "HTTP/1.1" : "h2c"): \(result.stdout)")
    }
}

/// `atlas-mock --port 0` whose stdout is read for the URL and whose stderr is a pipe nobody reads until
/// `readStderr`. Waiting polls with `Task.sleep` (both pipes are non-blocking), so no test holds a thread of the
/// cooperative pool while the server is slow.
final class UnreadStderrServer {
    let process = Process()
    private(set) var url = ""
    private let stdout = Pipe()
    private let stderr = Pipe()

    private init() throws {
        self.process.executableURL = URL(fileURLWithPath: Paths.binary)
        self.process.arguments = ["--port", "0"]
        self.process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ATLAS_MOCK_") }
        self.process.standardOutput = self.stdout
        self.process.standardError = self.stderr
        self.process.standardInput = FileHandle.nullDevice
        for pipe in [self.stdout, self.stderr] {
            let descriptor = pipe.fileHandleForReading.fileDescriptor
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
        }
        try self.process.run()
    }

    /// Starts the server and reads the URL line it prints.
    static func start() async throws -> UnreadStderrServer {
        let server = try UnreadStderrServer()
        let output = try await Self.read(server.stdout, timeout: 20) { $0.contains("\n") }
        server.url = String(output.prefix { $0 != "\n" })
        guard server.url.hasPrefix("http://") else {
            let errors = try await Self.read(server.stderr, timeout: 1) { _ in false }
            server.kill()
            throw TestSupportError("atlas-mock printed \(output.debugDescription), not its URL; stderr: \(errors)")
        }
        return server
    }

    /// Reads stderr until `done` holds for all read so far, EOF, or 30 s.
    func readStderr(until done: (String) -> Bool) async throws -> String {
        try await Self.read(self.stderr, timeout: 30, until: done)
    }

    /// The exit status, once the process has exited (nil after 30 s).
    func exitStatus() async throws -> Int32? {
        let deadline = Date().addingTimeInterval(30)
        while self.process.isRunning {
            guard Date() < deadline else { return nil }
            try await Task.sleep(for: .milliseconds(10))
        }
        return self.process.terminationStatus
    }

    /// Cleanup once a test is done with the server: it must not wait for a pipe nobody will read.
    func kill() {
        guard self.process.isRunning else { return }
        Glibc.kill(self.process.processIdentifier, SIGKILL)
        self.process.waitUntilExit()
    }

    private static func read(_ pipe: Pipe, timeout: Double, until done: (String) -> Bool) async throws -> String {
        let descriptor = pipe.fileHandleForReading.fileDescriptor
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let deadline = Date().addingTimeInterval(timeout)
        // Reads once more after the deadline passes: on a busy machine the sleep itself may outlast it.
        while true {
            let count = Glibc.read(descriptor, &buffer, buffer.count)
            if count == 0 { break }
            if count > 0 {
                bytes += buffer[..<count]
                if done(String(decoding: bytes, as: UTF8.self)) { break }
                continue
            }
            guard Date() < deadline else { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// `--access-log`, `--log-format` and their variables, as a user sets them.
@Suite("log flags", .timeLimit(.minutes(1)))
struct LogFlagTests {
    @Test(
        arguments: [
            (["--log-format", "yaml"], [:], "--log-format: 'yaml' is not text or json"),
            ([], ["ATLAS_MOCK_LOG_FORMAT": "xml"], "ATLAS_MOCK_LOG_FORMAT (--log-format): 'xml' is not text or json"),
            (
                ["--access-log", "/nonexistent/dir/access.log"], [:],
                "atlas-mock: --access-log (ATLAS_MOCK_ACCESS_LOG): cannot open log file '/nonexistent/dir/access.log': "
                    + "No such file or directory"
            ),
        ] as [([String], [String: String], String)])
    func badValuesExit2NamingTheFlag(arguments: [String], environment: [String: String], message: String) async throws {
        let result = try await ChildProcess.run(Paths.binary, ["--port", "0"] + arguments, environment: environment)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stdout.isEmpty, "nothing was served")
    }

    /// JSON lines on stderr (from the variable): the start-up line and the access line, each one JSON object.
    @Test func jsonFormatFromTheEnvironmentWritesOneObjectPerLine() async throws {
        let child = try await withAtlasMock(environment: ["ATLAS_MOCK_LOG_FORMAT": "json"]) { server in
            let health = try await Client.curl(["--http2-prior-knowledge", "\(server.url)/__admin/health?x=%22"])
            #expect(health.status == 200)
            return server.child
        }
        _ = await child.waitForExit()
        let objects = try child.stderr.text.split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "\($0)")
        }
        #expect(
            objects.first?["message"] as? String
                == "listening on \(child.stdout.text.trimmingCharacters(in: .newlines))")
        let access = try #require(objects.first { $0["target"] != nil })
        #expect(access["level"] as? String == "info")
        #expect(access["protocol"] as? String == "HTTP/2")
        #expect(access["method"] as? String == "GET")
        #expect(access["target"] as? String == "/__admin/health?x=%22")
        #expect(access["status"] as? Int == 200)
        #expect(access["remote"] as? String == "127.0.0.1")
        #expect(access["durationMs"] is Double)
    }

    /// A file for the access log; other lines stay on stderr. `off` and `--log-level warning` silence it.
    @Test func accessLogGoesToItsFileOrNowhere() async throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("access.log").path
        for (arguments, expectedLines) in [
            (["--access-log", path], 1), (["--access-log", "off"], 0),
            (["--access-log", path, "--log-level", "warning"], 0),
        ] {
            try? FileManager.default.removeItem(atPath: path)
            let child = try await withAtlasMock(arguments) { server in
                _ = try await Client.curl(["\(server.url)/__admin/health"])
                return server.child
            }
            _ = await child.waitForExit()
            let file = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            #expect(file.split(separator: "\n").count == expectedLines, "\(arguments): \(file)")
            #expect(!child.stderr.text.contains("GET /__admin/health"), "\(arguments): \(child.stderr.text)")
            if expectedLines == 1 {
                #expect(file.contains(" info atlas-mock: [AtlasMockHTTP] 127.0.0.1:"), "\(file)")
                #expect(file.contains(" HTTP/1.1 GET /__admin/health 200 16 "), "\(file)")
            }
        }
    }
}
