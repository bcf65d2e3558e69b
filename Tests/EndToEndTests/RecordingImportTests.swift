import AtlasMockTestSupport
import Foundation
import Testing

/// `atlas-mock import` on recordings written for this test in the Atlas CLI recorder's format
/// (`Tests/Recordings/flex-backup`): the document it writes loads on its own, and the server then answers every
/// recorded GET with the recorded body, byte for byte but for the host.
@Suite("atlas-mock import", .timeLimit(.minutes(1)))
struct RecordingImportTests {
    static let recordings = Paths.packageRoot.appendingPathComponent("Tests/Recordings/flex-backup")
    /// The recorder rewrites the host to this.
    static let recordedHost = "http://localhost:8080"

    /// The successful GET recordings of backup records, the last of each path (a watch records a job more than once), with the
    /// body the recording holds.
    static func recordedGETs() throws -> [(path: String, accept: String, body: String)] {
        var latest: [String: (name: String, accept: String, body: String)] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.recordings.path).sorted() {
            let text = try String(contentsOf: Self.recordings.appendingPathComponent(name), encoding: .utf8)
                .replacingOccurrences(of: "\r\n", with: "\n")
            // With `curl -i --digest` the challenge's head comes first; the answer is the last head.
            let parts = text.components(separatedBy: "\n\n")
            guard let head = parts.dropLast().last, head.hasPrefix("HTTP/"), head.contains(" 200 "),
                let body = parts.last,
                let contentType = head.split(separator: "\n").first(where: { $0.hasPrefix("Content-Type: ") })
            else { continue }
            let accept = String(contentType.dropFirst("Content-Type: ".count).prefix { $0 != ";" })
            let path: String
            if name.hasPrefix("GET_") {
                path = "/" + name.dropFirst(4).split(separator: "_").dropLast().joined(separator: "/")
            } else if !name.hasPrefix("POST_"),
                let link = body.firstMatch(of: #/"href":"http://localhost:8080([^"?]*)/#)
            {
                path = String(link.1)
            } else {
                continue
            }
            // Cluster descriptions are not fixture records; only the backup records round-trip.
            guard path.contains("/backup/") else { continue }
            if let previous = latest[path], previous.name > name { continue }
            latest[path] = (name, accept, body)
        }
        return latest.sorted { $0.key < $1.key }.map { ($0.key, $0.value.accept, $0.value.body) }
    }

    @Test func importedRecordingsServeTheRecordedBodies() async throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let document = directory.appendingPathComponent("imported.json").path
        let imported = try await ChildProcess.run(Paths.binary, ["import", Self.recordings.path, "--output", document])
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(imported.stdout.isEmpty)
        #expect(
            imported.stderr.contains("imported: 1 organizations, 1 projects, 3 clusters, 4 restore jobs, 3 snapshots"))
        #expect(imported.stderr.contains("GROUP_NOT_FOUND: an error answer holds no records; skipped"))
        let gets = try Self.recordedGETs()
        #expect(gets.count == 5)
        // Imported data holds no credentials: serve it with --auth off.
        try await withAtlasMock(["--fixtures", document, "--auth", "off"]) { server in
            for (path, accept, body) in gets {
                let response = try await Client.curl(
                    .http1, "GET", server.url + path, ["--header", "Accept: " + accept])
                #expect(response.status == 200, "\(path): \(response)")
                #expect(
                    response.body.replacingOccurrences(of: server.url, with: Self.recordedHost) == body,
                    "\(path): \(response.body)")
            }
        }
    }

    @Test func withoutRecordingsItSaysWhyAndExits2() async throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = try await ChildProcess.run(
            Paths.binary, ["import", directory.appendingPathComponent("none").path])
        #expect(missing.status == 2)
        #expect(missing.stderr == directory.appendingPathComponent("none").path + ": $: no such file or directory\n")
        let empty = try await ChildProcess.run(Paths.binary, ["import", directory.path])
        #expect(empty.status == 2)
        #expect(empty.stderr == directory.path + ": $: the directory holds no files\n")
    }

    /// A saved Flex snapshot list (JSON, cluster from its self link) and a recorded Flex restore-job list (cluster
    /// from the recorder's file name) load through `--fixtures` beside the default data and are served.
    @Test func savedListsAndRecordingsLoadThroughFixtures() async throws {
        let directory = try Paths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let group = "/api/atlas/v2/groups/\(Atlas.projectId)/flexClusters/FlexCluster0/backup"
        let snapshot =
            #"{"expiration":"2026-08-13T09:14:05Z","finishTime":"2026-08-05T09:16:19Z","id":"6a72feddc3a1f0e2b4d6a8b2","mongoDBVersion":"8.0.12","scheduledTime":"2026-08-05T09:14:05Z","startTime":"2026-08-05T09:14:05Z","status":"COMPLETED"}"#
        let snapshots = directory.appendingPathComponent("flex-snapshots.json")
        try Data(
            #"{"links":[{"href":"http://localhost:8080\#(group)/snapshots?includeCount=true&pageNum=1&itemsPerPage=100","rel":"self"}],"results":[\#(snapshot)],"totalCount":1}"#
                .utf8
        ).write(to: snapshots)
        let job =
            #"{"deliveryType":"RESTORE","expirationDate":"2026-08-05T16:00:00Z","id":"6a7309a08b7c6d5e4f3a2b1c","instanceName":"FlexCluster0","projectId":"\#(Atlas.projectId)","restoreScheduledDate":"2026-08-05T10:00:00Z","snapshotId":"6a72feddc3a1f0e2b4d6a8b2","status":"QUEUED","targetDeploymentItemName":"FlexCluster0","targetProjectId":"\#(Atlas.projectId)"}"#
        let recording = directory.appendingPathComponent(
            "GET__api_atlas_v2_groups_\(Atlas.projectId)_flexClusters_FlexCluster0_backup_restoreJobs_1.snaphost")
        try Data(
            ("HTTP/2.0 200 OK\nContent-Type: application/vnd.atlas.2024-11-13+json;charset=utf-8\n\n"
                + #"{"links":[],"results":[\#(job)],"totalCount":1}"#).utf8
        ).write(to: recording)
        let arguments = [
            "--fixtures", Paths.defaultFixtures, "--fixtures", snapshots.path, "--fixtures", recording.path,
        ]
        try await withAtlasMock(arguments) { server in
            let listed = try await Client.curl(
                .http1, "GET", server.url + group + "/snapshots", Atlas.readOnlyKey + ["--header", Atlas.flexAccept])
            let ids = try #require(try listed.json()["results"] as? [[String: Any]], "\(listed)").compactMap {
                $0["id"] as? String
            }
            #expect(ids.last == "6a72feddc3a1f0e2b4d6a8b2", "\(ids)")
            let served = try await Client.curl(
                .http1, "GET", server.url + group + "/restoreJobs/6a7309a08b7c6d5e4f3a2b1c",
                Atlas.readOnlyKey + ["--header", Atlas.flexAccept])
            #expect(served.body == job, "\(served)")
        }
    }
}
