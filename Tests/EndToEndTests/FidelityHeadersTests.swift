import AtlasMockTestSupport
import Foundation
import Testing

/// What recordings of real Atlas showed about headers and list order, checked through the live server with curl.
@Suite("Recorded headers and list order", .timeLimit(.minutes(2)))
struct FidelityHeadersTests {
    static let group = "/api/atlas/v2/groups/\(Atlas.projectId)"
    static let flexSnapshots = group + "/flexClusters/FlexCluster0/backup/snapshots"

    /// ATLAS.md §3.1: successes and the recorded 400s carry `Ratelimit-*`; the 401 challenge and 404
    /// `GROUP_NOT_FOUND` do not. Error answers carry `Vary: Accept-Encoding`.
    @Test(arguments: HTTPProtocol.allCases)
    func rateLimitHeadersWhereAtlasSendsThem(protocolChoice: HTTPProtocol) async throws {
        try await withAtlasMock { server in
            let token = try await Client.serviceAccountToken(server.url)
            let bearer = ["--header", "Authorization: Bearer \(token)", "--header", Atlas.flexAccept]
            let first = try await Client.curl(protocolChoice, "GET", server.url + Self.flexSnapshots, bearer)
            #expect(first.status == 200, "\(first)")
            #expect(first.header("Ratelimit-Limit") == "1200")
            let remaining = try #require(first.header("Ratelimit-Remaining").flatMap(Int.init), "\(first)")
            let nonFlex = try await Client.curl(
                protocolChoice, "GET", server.url + Self.group + "/flexClusters/Cluster0/backup/snapshots", bearer)
            #expect(nonFlex.status == 400, "\(nonFlex)")
            #expect(nonFlex.header("Ratelimit-Remaining") == String(remaining - 1))
            #expect(nonFlex.header("Vary") == "Accept-Encoding")
            let challenge = try await Client.curl(
                protocolChoice, "GET", server.url + Self.flexSnapshots,
                [
                    "--header", Atlas.flexAccept,
                ])
            #expect(challenge.status == 401)
            #expect(challenge.header("Ratelimit-Limit") == nil && challenge.header("Ratelimit-Remaining") == nil)
            let unknown = try await Client.curl(
                protocolChoice, "GET",
                server.url + "/api/atlas/v2/groups/111111111111111111111111/flexClusters/FlexCluster0/backup/snapshots",
                bearer)
            #expect(unknown.status == 404, "\(unknown)")
            #expect(unknown.header("Ratelimit-Limit") == nil)
            #expect(unknown.header("Vary") == "Accept-Encoding")
        }
    }

    @Test(arguments: [(["--rate-limits", "off"], [:]), ([], ["ATLAS_MOCK_RATE_LIMITS": "off"])])
    func offSendsNone(arguments: [String], environment: [String: String]) async throws {
        try await withAtlasMock(arguments, environment: environment) { server in
            let response = try await Client.curl(
                .http1, "GET", server.url + Self.flexSnapshots, Atlas.readOnlyKey + ["--header", Atlas.flexAccept])
            #expect(response.status == 200, "\(response)")
            #expect(response.header("Ratelimit-Limit") == nil)
        }
    }

    @Test func aBadModeIsAOneLineError() async throws {
        let finished = try await ChildProcess.run(Paths.binary, ["--rate-limits", "sometimes"])
        #expect(finished.status == 2)
        #expect(
            finished.stderr.contains("--rate-limits: 'sometimes' is not one of enforce, headers, off"),
            "\(finished.stderr)")
    }

    /// 1,200 requests empty a project's bucket; the next is refused until the refill 60 s after the first.
    @Test func enforceAnswers429WithRetryAfter() async throws {
        try await withAtlasMock(
            ["--rate-limits", "enforce", "--auth", "off", "--clock", "2026-02-01T00:00:00Z", "--freeze-clock"]
        ) { server in
            let script = """
                import http.client, sys
                connection = http.client.HTTPConnection("127.0.0.1", \(server.port))
                statuses = []
                for _ in range(1201):
                    connection.request("GET", "\(Self.flexSnapshots)", headers={"Accept": "application/vnd.atlas.2024-11-13+json"})
                    response = connection.getresponse()
                    response.read()
                    statuses.append(response.status)
                print(statuses.count(200), statuses[-1], response.getheader("Retry-After"), response.getheader("Ratelimit-Remaining"))
                """
            let run = try await ChildProcess.run("/usr/bin/python3", ["-c", script], timeout: 60)
            #expect(run.stdout == "1200 429 60 0\n", "\(run.stderr)")
            let limited = try await Client.curl(
                .http1, "GET", server.url + Self.flexSnapshots, ["--header", Atlas.flexAccept])
            #expect(limited.status == 429)
            #expect(limited.header("X-Error-Code") == "RATE_LIMITED_TOKEN_BUCKET")
            #expect(
                try limited.json()["parameters"] as? [AnyHashable] == [
                    String(Self.flexSnapshots.dropFirst()), 60, 1200, 500, 60,
                ])
            _ = try await admin("PUT", server.url + "/__admin/clock", #"{"advanceSeconds":60}"#)
            let refilled = try await Client.curl(
                .http1, "GET", server.url + Self.flexSnapshots, ["--header", Atlas.flexAccept])
            #expect(refilled.status == 200)
            #expect(refilled.header("Ratelimit-Remaining") == "499")
        }
    }

    @Test func theTokenEndpointsAnswersCarryTheSecurityHeaders() async throws {
        try await withAtlasMock { server in
            let response = try await Client.tokenResponse(server.url)
            #expect(response.status == 200)
            let securityHeaders = [
                ("Strict-Transport-Security", "max-age=31536000; includeSubdomains;"),
                ("Referrer-Policy", "strict-origin-when-cross-origin"),
                ("X-Content-Type-Options", "nosniff"),
                ("X-Frame-Options", "DENY"),
                ("X-Permitted-Cross-Domain-Policies", "none"),
            ]
            for (name, value) in securityHeaders {
                #expect(response.header(name) == value, "\(name)")
            }
        }
    }

    /// `--auth off`: an OAuth client configured with made-up credentials gets a token and uses it; a made-up Digest
    /// answer passes too.
    @Test func authOffAcceptsAnyClientCredentials() async throws {
        try await withAtlasMock(["--auth", "off"]) { server in
            let token = try await Client.tokenResponse(server.url, credentials: "anything:whatever")
            #expect(token.status == 200, "\(token)")
            let accessToken = try #require(try token.json()["access_token"] as? String)
            let bearer = try await Client.curl(
                .http1, "GET", server.url + Atlas.restores("Cluster0"),
                ["--header", "Authorization: Bearer \(accessToken)", "--header", Atlas.tenantAccept])
            #expect(bearer.status == 200, "\(bearer)")
            let digest = try await Client.curl(
                .http1, "GET", server.url + Atlas.restores("Cluster0"),
                [
                    "--header",
                    #"Authorization: Digest username="nobody", realm="MMS Public API", nonce="x", uri="/", response="0""#,
                    "--header", Atlas.tenantAccept,
                ])
            #expect(digest.status == 200, "\(digest)")
        }
    }

    /// Snapshots list oldest first on both APIs; restore jobs newest first.
    @Test func snapshotsListOldestFirstAndJobsNewestFirst() async throws {
        try await withAtlasMock { server in
            for (path, accept) in [
                (Self.group + "/clusters/Cluster0/backup/tenant/snapshots", Atlas.tenantAccept),
                (Self.flexSnapshots, Atlas.flexAccept),
                (Self.group + "/flexClusters/MigratedFlex0/backup/snapshots", Atlas.flexAccept),
            ] {
                let response = try await Client.curl(
                    .http1, "GET", server.url + path, Atlas.readOnlyKey + ["--header", accept])
                let results = try #require(try response.json()["results"] as? [[String: Any]], "\(response)")
                let times = results.compactMap { $0["scheduledTime"] as? String }
                #expect(times.count == results.count && times.count > 1 && times == times.sorted(), "\(path): \(times)")
            }
            let jobs = try await tenantGet(server.url + Atlas.restores("Cluster0"))
            let ids = try #require(try jobs.json()["results"] as? [[String: Any]]).compactMap { $0["id"] as? String }
            #expect(ids == Atlas.cluster0JobIds)
            #expect(ids == ids.sorted(by: >))
        }
    }
}
