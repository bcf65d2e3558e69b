import AtlasMockHTTP
import AtlasMockTestSupport
import Foundation
import Glibc
import Synchronization
import Testing

@testable import AtlasMock

/// Many clients at once against a live server, then exact invariants; and SIGTERM in the middle of load.
@Suite("Concurrency stress", .serialized, .timeLimit(.minutes(2)))
struct ConcurrencyStressTests {
    static let projectId = Atlas.projectId
    static let snapshotId = "69363f305f2a974a83589f46"

    /// Runs `body(0..<count)` on `count` threads at once (blocking socket clients, so not the cooperative pool).
    static func parallel(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let group = DispatchGroup()
        for index in 0..<count {
            group.enter()
            let thread = Thread {
                body(index)
                group.leave()
            }
            thread.stackSize = 256 * 1024
            thread.start()
        }
        group.wait()
    }

    /// The Digest dance over the socket: challenge, then the signed request.
    static func digest(
        _ port: Int, _ method: String, _ target: String, user: String, password: String, body: String = ""
    ) throws -> RawResponse {
        let accept = ("Accept", Atlas.tenantMediaType)
        let challenge = try RawHTTPClient.send(port: port, method, target, headers: [accept], body: body)
        guard let nonce = DigestClient.nonce(in: challenge.header("WWW-Authenticate") ?? "") else { return challenge }
        let authorization = DigestClient.authorization(
            method: method, uri: target, user: user, password: password, nonce: nonce, nc: 1)
        var headers = [accept, ("Authorization", authorization)]
        if !body.isEmpty { headers.append(("Content-Type", "application/json")) }
        return try RawHTTPClient.send(port: port, method, target, headers: headers, body: body)
    }

    static func clusterFixture(_ names: [String]) -> String {
        let clusters = names.map { #"{"projectId": "\#(projectId)", "name": "\#($0)", "tier": "M5"}"# }
        return #"{"clusters": [\#(clusters.joined(separator: ","))]}"#
    }

    @Test func concurrentClientsLoseNothingAndTheJournalAddsUp() throws {
        try withLiveAtlas(configure: { $0.journalCapacity = 1000 }) { _, port in
            let restores = Atlas.restores("Cluster0")
            let create = "/api/atlas/v2/groups/\(Self.projectId)/clusters/Cluster0/backup/tenant/restore"
            let owner = (user: "mockowner", password: "mock-owner-key-0000")

            let targets = (0..<40).map { "Target\($0)" }
            #expect(try RawHTTPClient.send(port: port, "POST", "/__admin/fixtures", body: Self.clusterFixture(targets)).status == 200)
            let before = try Self.digest(port, "GET", restores + "?itemsPerPage=500", user: "mockpublic", password: "mock-private-key-0000")
            let initialJobs = try #require(before.json()["totalCount"] as? Int)
            #expect(try RawHTTPClient.send(port: port, "DELETE", "/__admin/requests").status == 200)

            struct Outcome: Sendable {
                var jobIds: [String] = []
                var tokens: [String] = []
                var statuses: [String: [Int]] = [:]
                var errors: [String] = []
            }
            let outcome = Mutex(Outcome())
            // 40 restores into distinct targets, 40 lists, 20 tokens, 10 fixture loads: 110 clients at once.
            Self.parallel(110) { index in
                do {
                    switch index {
                    case 0..<40:
                        let body = #"{"snapshotId": "\#(Self.snapshotId)", "targetDeploymentItemName": "Target\#(index)"}"#
                        let response = try Self.digest(port, "POST", create, user: owner.user, password: owner.password, body: body)
                        let id = response.json()["id"] as? String
                        outcome.withLock {
                            $0.statuses["create", default: []].append(response.status)
                            if let id { $0.jobIds.append(id) }
                        }
                    case 40..<80:
                        let response = try Self.digest(port, "GET", restores, user: "mockpublic", password: "mock-private-key-0000")
                        outcome.withLock { $0.statuses["list", default: []].append(response.status) }
                    case 80..<100:
                        let response = try RawHTTPClient.oauth(port: port, "token", body: "grant_type=client_credentials")
                        let token = response.json()["access_token"] as? String
                        outcome.withLock {
                            $0.statuses["token", default: []].append(response.status)
                            if let token { $0.tokens.append(token) }
                        }
                    default:
                        let response = try RawHTTPClient.send(
                            port: port, "POST", "/__admin/fixtures", body: Self.clusterFixture(["Extra\(index)"]))
                        let added = (response.json()["added"] as? [String: Any])?["clusters"] as? Int
                        outcome.withLock { $0.statuses["fixtures", default: []].append(added == 1 ? response.status : -1) }
                    }
                } catch {
                    outcome.withLock { $0.errors.append("\(index): \(error)") }
                }
            }
            let result = outcome.withLock { $0 }
            #expect(result.errors.isEmpty, "\(result.errors.prefix(5))")
            #expect(result.statuses["create"] == Array(repeating: 200, count: 40))
            #expect(result.statuses["list"] == Array(repeating: 200, count: 40))
            #expect(result.statuses["token"] == Array(repeating: 200, count: 20))
            #expect(result.statuses["fixtures"] == Array(repeating: 200, count: 10))
            #expect(Set(result.jobIds).count == 40)
            #expect(Set(result.tokens).count == 20)

            // Every created job is listed exactly once, and nothing else appeared.
            let after = try Self.digest(port, "GET", restores + "?itemsPerPage=500", user: "mockpublic", password: "mock-private-key-0000")
            #expect(after.json()["totalCount"] as? Int == initialJobs + 40)
            let listed = (after.json()["results"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(listed.count == initialJobs + 40)
            #expect(Set(listed).isSuperset(of: result.jobIds))
            #expect(Set(listed).count == listed.count)

            // The clusters: 40 targets and 10 extras, each once.
            let state = try RawHTTPClient.send(port: port, "GET", "/__admin/state").json()
            let clusterNames = (state["clusters"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(clusterNames.filter { $0.hasPrefix("Target") }.count == 40)
            #expect(clusterNames.filter { $0.hasPrefix("Extra") }.count == 10)

            // The journal: each Digest exchange is a 401 then the answer; admin calls are not journaled.
            let journal = try RawHTTPClient.send(port: port, "GET", "/__admin/requests").json()["requests"] as? [[String: Any]] ?? []
            func count(_ method: String, _ path: String, _ status: Int) -> Int {
                journal.filter { $0["method"] as? String == method && $0["path"] as? String == path && $0["status"] as? Int == status }.count
            }
            #expect(count("POST", create, 401) == 40)
            #expect(count("POST", create, 200) == 40)
            // 40 concurrent lists and the final one (query strings are not part of the journaled path).
            #expect(count("GET", restores, 401) == 41)
            #expect(count("GET", restores, 200) == 41)
            #expect(count("POST", "/api/oauth/token", 200) == 20)
            print("stress: \(journal.count) journal entries; \(initialJobs) jobs before, \(listed.count) after")
        }
    }

    /// The journal is a ring: after more concurrent requests than it holds, it holds exactly its capacity.
    @Test func journalStaysBoundedUnderConcurrentLoad() throws {
        let configure = { (configuration: inout AtlasConfiguration) in
            configuration.journalCapacity = 64
            configuration.authMode = .off
        }
        try withLiveAtlas(configure: configure) { _, port in
            let failures = Atomic<Int>(0)
            Self.parallel(50) { index in
                for request in 0..<6 {
                    let path = Atlas.restores("Cluster0") + "?pageNum=\(index * 10 + request + 1)"
                    let accept = [("Accept", Atlas.tenantMediaType)]
                    if (try? RawHTTPClient.send(port: port, "GET", path, headers: accept))?.status != 200 { failures.add(1, ordering: .relaxed) }
                }
            }
            #expect(failures.load(ordering: .relaxed) == 0)
            let journal = try RawHTTPClient.send(port: port, "GET", "/__admin/requests").json()["requests"] as? [[String: Any]] ?? []
            #expect(journal.count == 64)
        }
    }

    // MARK: SIGTERM

    /// The built binary under load: requests in flight when SIGTERM arrives get their whole response, connections
    /// after it are refused, and the process exits 0 once they are answered, long before the drain timeout.
    @Test func sigtermDrainsInFlightRequestsAndExitsZero() async throws {
        let drainTimeout = 30.0
        let server = try await AtlasMockProcess([
            "--auth", "off", "--drain-timeout", "\(Int(drainTimeout))", "--log-level", "warning",
        ])
        defer { server.stop() }
        let port = server.port
        let process = server.child.process
        // The next 30 Atlas requests are each held 2 s, so all 30 are in flight when the signal lands.
        try server.holdRequests(matching: "/api/atlas/v2/**", count: 30, delayMs: 2000)
        let path = Atlas.restores("Cluster0")
        let results = Mutex<[Int]>([])
        for _ in 0..<30 {
            Thread {
                // Sent in full before the signal; the response is awaited after it.
                let accept = [("Accept", Atlas.tenantMediaType)]
                let status = (try? RawHTTPClient.send(port: port, "GET", path, headers: accept).status) ?? -1
                results.withLock { $0.append(status) }
            }.start()
        }
        try await server.waitUntilHeld()
        let signalled = Date()
        kill(server.child.pid, SIGTERM)
        // The listener closes once the signal is handled: from then on, new connections are refused.
        #expect(await Self.connectionsAreRefused(port: port), "the listener stayed open after SIGTERM")
        // Each client thread reports once (its receive timeout bounds the wait).
        while results.withLock({ $0.count }) < 30 { try await Task.sleep(for: .milliseconds(10)) }
        try #require(await server.child.waitForExit(timeout: 20) != nil, "atlas-mock did not exit after SIGTERM")
        let elapsed = Date().timeIntervalSince(signalled)
        print("stress: SIGTERM with 30 in flight: exit \(process.terminationStatus) after \(String(format: "%.2f", elapsed)) s")
        #expect(results.withLock { $0 } == Array(repeating: 200, count: 30))
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        #expect(elapsed < drainTimeout, "the exit waited for the drain timeout, not for the last answer")
    }

    /// True once connecting to `port` is refused, polled for up to `timeout` seconds; a connection that still gets
    /// through is closed at once, with nothing sent.
    static func connectionsAreRefused(port: Int, timeout: Double = 10) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            guard (try? RawHTTPClient(port: port)) != nil else { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}
