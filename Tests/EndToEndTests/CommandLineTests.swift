import AtlasMockTestSupport
import Foundation
import Glibc
import Testing

/// The executable's contract: flags and variables, exit codes, `validate-fixtures`, `health` and SIGTERM.
@Suite("atlas-mock command line", .timeLimit(.minutes(1)))
struct CommandLineTests {
    /// Bad values exit 2 before binding, with one line naming the flag (and the variable when it came from one).
    @Test(arguments: [
        (["--port", "abc"], [:], "--port: 'abc' is not a port (0-65535) or off"),
        (["--port", "70000"], [:], "--port: '70000' is not a port (0-65535) or off"),
        ([], ["ATLAS_MOCK_AUTH": "maybe"], "ATLAS_MOCK_AUTH (--auth): 'maybe' is not strict or off"),
        (["--sunset-date", "2026-02-30"], [:], "--sunset-date: '2026-02-30' is not a date YYYY-MM-DD"),
        (["--clock", "2026-02-30T00:00:00Z"], [:],
         "--clock: '2026-02-30T00:00:00Z' is not 'now', an RFC 3339 instant or an offset like +36h"),
        (["--restore-phases", "1,2"], [:], "--restore-phases: '1,2' is not three non-negative seconds like 2,3,10"),
        (["--bogus"], [:], "Unknown option '--bogus'"),
        (["--log-level", "loud"], [:],
         "--log-level: 'loud' is not one of trace, debug, info, notice, warning, error, critical"),
        ([], ["ATLAS_MOCK_FREEZE_CLOCK": "perhaps"], "ATLAS_MOCK_FREEZE_CLOCK (--freeze-clock): 'perhaps' is not true or false"),
        ([], ["ATLAS_MOCK_DRAIN_TIMEOUT": "-1"], "ATLAS_MOCK_DRAIN_TIMEOUT (--drain-timeout): '-1' is not a non-negative number of seconds"),
        (["--journal-size", "0"], [:], "--journal-size: '0' is not a whole number from 1 to 1000000"),
    ] as [([String], [String: String], String)])
    func badValuesExit2WithOneLine(arguments: [String], environment: [String: String], message: String) async throws {
        let result = try await ChildProcess.run(Paths.binary, arguments, environment: environment)
        #expect(result.status == 2, "\(result)")
        #expect(result.stderr == message + "\n")
        #expect(result.stdout.isEmpty)
    }

    /// A flag wins over its variable (whose bad value is then never read), a variable over the default.
    @Test func flagsWinOverVariablesAndVariablesOverDefaults() async throws {
        let environment = [
            "ATLAS_MOCK_PORT": "not-a-port", "ATLAS_MOCK_CLOCK": "2026-01-01T00:00:00Z", "ATLAS_MOCK_FREEZE_CLOCK": "yes",
            "ATLAS_MOCK_SUNSET_DATE": "2026-01-25", "ATLAS_MOCK_ENFORCE_SUNSET": "off",
        ]
        try await withAtlasMock(["--clock", "2026-02-01T08:30:00Z", "--enforce-sunset"], environment: environment) {
            server in
            let clock = try await admin("GET", server.url + "/__admin/clock")
            #expect(clock.body == #"{"frozen":true,"now":"2026-02-01T08:30:00Z"}"# + "\n", "\(clock)")
            // --enforce-sunset beat ATLAS_MOCK_ENFORCE_SUNSET=off; the sunset came from its variable.
            let gone = try await tenantGet(server.url + Atlas.restores("Cluster0"))
            #expect(gone.status == 410, "\(gone)")
            #expect(gone.header("Sunset")?.hasSuffix(" 25 Jan 2026 00:00:00 GMT") == true, "\(gone)")
        }
    }

    @Test func validateFixturesAcceptsTheDefaultDataset() async throws {
        let result = try await ChildProcess.run(Paths.binary, ["validate-fixtures", Paths.defaultFixtures])
        #expect(result.status == 0, "\(result)")
        #expect(
            result.stdout
                == "ok: 2 organizations, 2 projects, 8 clusters, 14 snapshots, 8 restore jobs, 4 API keys, "
                + "2 service accounts, 1 fault rules\n")
    }

    @Test func validateFixturesNamesFileAndPathOfEachError() async throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let broken = directory.appendingPathComponent("60-broken.json")
        try Data(
            #"{"tenantRestoreJobs":[{"id":"693d47f65bf4f8685850feff","projectId":"32b6e34b3d91647abb20e7b8","clusterName":"Cluster0","snapshotId":"693cd6b04774eaaea2430cfd","status":"DONE"}]}"#
                .utf8
        ).write(to: broken)
        let result = try await ChildProcess.run(Paths.binary, ["validate-fixtures", Paths.defaultFixtures, broken.path])
        #expect(result.status == 2, "\(result)")
        #expect(
            result.stderr
                == "\(broken.path): $.tenantRestoreJobs[0].status: \"DONE\" is not one of PENDING, QUEUED, RUNNING, "
                + "FAILED, COMPLETED\n1 fixture error(s)\n")

        // Serving refuses the same fixtures with the same message.
        let serve = try await ChildProcess.run(Paths.binary, ["--port", "0", "--fixtures", directory.path])
        #expect(serve.status == 2, "\(serve)")
        #expect(serve.stderr.contains("\(broken.path): $.tenantRestoreJobs[0].status: \"DONE\" is not one of"))
        #expect(serve.stderr.hasSuffix("; not serving\n"))
    }

    @Test func healthProbesARunningServerAndAClosedPort() async throws {
        let stopped = try await AtlasMockProcess([])
        defer { stopped.stop() }
        let url = stopped.url
        let healthy = try await ChildProcess.run(Paths.binary, ["health", "--url", url])
        #expect(healthy.status == 0, "\(healthy)")
        #expect(healthy.stdout == "healthy: \(url)\n")
        // ATLAS_MOCK_PORT is the default target.
        let byVariable = try await ChildProcess.run(
            Paths.binary, ["health"], environment: ["ATLAS_MOCK_PORT": String(stopped.port)])
        #expect(byVariable.status == 0, "\(byVariable)")
        stopped.stop()

        let closed = try await ChildProcess.run(Paths.binary, ["health", "--url", url])
        #expect(closed.status == 1, "\(closed)")
        #expect(closed.stderr.hasPrefix("unhealthy: \(url): "), "\(closed)")
    }

    /// Starts atlas-mock and a curl request for Cluster1's restore list (with a Bearer token) that the server holds
    /// for `delayMs`; once the server has it, sends SIGTERM and runs `body`. curl prints the body, then the status on
    /// its own line. The drain timeout is longer than any hold, so only the hold decides when the answer goes out.
    private func sigtermWithARequestHeld(
        delayMs: Int, _ body: (AtlasMockProcess, ChildProcess) async throws -> Void
    ) async throws {
        let server = try await AtlasMockProcess(["--drain-timeout", "60"])
        defer { server.stop() }
        try server.holdRequests(matching: "/api/atlas/v2/groups/*/clusters/Cluster1/**", count: 1, delayMs: delayMs)
        let token = try await Client.serviceAccountToken(server.url)
        let request = try ChildProcess(
            "/usr/bin/curl",
            [
                "--silent", "--show-error", "--max-time", "60", "--write-out", "\n%{http_code}", "--header",
                "Authorization: Bearer \(token)", "--header", Atlas.tenantAccept, server.url + Atlas.restores("Cluster1"),
            ])
        defer { request.stop(grace: 1) }
        try await server.waitUntilHeld()
        #expect(request.process.isRunning, "the held answer came too early")
        kill(server.child.pid, SIGTERM)
        try await body(server, request)
    }

    /// SIGTERM lets a request in flight finish (held 3 s), then exits 0.
    @Test func sigtermDrainsTheRequestInFlight() async throws {
        try await self.sigtermWithARequestHeld(delayMs: 3000) { server, request in
            let curlStatus = await request.waitForExit(timeout: 30)
            #expect(curlStatus == 0, "\(request.stderr.text)")
            let lines = request.stdout.text.split(separator: "\n")
            #expect(lines.last == "200")
            #expect(lines.first?.hasSuffix(#""results":[],"totalCount":0}"#) == true, "\(request.stdout.text)")

            let serverStatus = await server.child.waitForExit(timeout: 30)
            #expect(serverStatus == 0, "\(server.child.stderr.text)")
            #expect(server.child.process.terminationReason == .exit)
        }
    }

    /// A second signal during the drain exits at once with 128 + SIGTERM, cutting the held request off (it is held
    /// far longer than the exit is waited for). The second signal goes only once the first one has been handled:
    /// two signals sent before the handler runs arrive as one.
    /// (Signals are sent to the child process only: a signal to the test runner itself would interrupt
    /// other tests' blocking reads.)
    @Test func aSecondSigtermExitsAtOnce() async throws {
        try await self.sigtermWithARequestHeld(delayMs: 40_000) { server, request in
            try await server.waitForLog("draining connections")
            #expect(await server.child.waitForExit(timeout: 0.3) == nil, "the first signal must drain, not exit")
            kill(server.child.pid, SIGTERM)
            let serverStatus = await server.child.waitForExit(timeout: 15)
            #expect(serverStatus == 128 + SIGTERM, "\(server.child.stderr.text)")
            #expect(await request.waitForExit(timeout: 15) != 0)
        }
    }

    /// A second fixtures directory adds to the default one, given as repeated flags or a ':'-separated variable.
    @Test(arguments: ["flag", "variable"])
    func secondFixturesDirectoryAddsData(source: String) async throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data(
            #"""
            {"clusters":[{"projectId":"32b6e34b3d91647abb20e7b8","name":"Extra0","tier":"M5"}],
             "tenantRestoreJobs":[{"id":"6940aaaaaaaaaaaaaaaaaaaa","projectId":"32b6e34b3d91647abb20e7b8",
               "clusterName":"Extra0","snapshotId":"6940bbbbbbbbbbbbbbbbbbbb","deliveryType":"RESTORE",
               "status":"COMPLETED","restoreScheduledDate":"2025-12-20T10:00:00Z",
               "restoreFinishedDate":"2025-12-20T10:05:00Z","targetDeploymentItemName":"Cluster1",
               "targetProjectId":"32b6e34b3d91647abb20e7b8"}]}
            """#.utf8
        ).write(to: directory.appendingPathComponent("extra.json"))
        let arguments = source == "flag" ? ["--fixtures", Paths.defaultFixtures, "--fixtures", directory.path] : []
        let environment = source == "variable" ? ["ATLAS_MOCK_FIXTURES": "\(Paths.defaultFixtures):\(directory.path)"] : [:]
        try await withAtlasMock(arguments, environment: environment) { server in
            let extra = try await tenantGet(server.url + Atlas.restores("Extra0"))
            #expect(extra.status == 200, "\(extra)")
            let results = try #require(try extra.json()["results"] as? [[String: Any]])
            #expect(results.map { $0["id"] as? String } == ["6940aaaaaaaaaaaaaaaaaaaa"])
            let cluster0 = try await tenantGet(server.url + Atlas.restores("Cluster0"))
            #expect(try cluster0.json()["totalCount"] as? Int == 6)
        }
        // Without the second directory there is no Extra0.
        try await withAtlasMock { server in
            let missing = try await tenantGet(server.url + Atlas.restores("Extra0"))
            #expect(missing.status == 404, "\(missing)")
        }
    }

    @Test func authOffLetsAnyoneIn() async throws {
        try await withAtlasMock(["--auth", "off"]) { server in
            let open = try await Client.curl(
                .http1, "GET", server.url + Atlas.restores("Cluster0"), ["--header", Atlas.tenantAccept])
            #expect(open.status == 200, "\(open)")
        }
    }
}
