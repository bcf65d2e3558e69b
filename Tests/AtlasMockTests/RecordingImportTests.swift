import Foundation
import Testing

@testable import AtlasMock

@Suite struct RecordingImportTests {
    static let project = "5e4b7c2a9d1f3a6b8c0d2e4f"

    /// A recording as the Atlas CLI's recorder writes it: LF line ends, the body straight after the blank line.
    static func recording(_ status: String, _ body: String, headers: [String] = []) -> [UInt8] {
        Array(
            (["HTTP/2.0 \(status)", "Content-Type: application/json"] + headers + ["", body]).joined(separator: "\n")
                .utf8)
    }

    static func imported(_ files: [(String, [UInt8])]) throws -> (
        json: [String: Any], notes: [String], fixtures: Fixtures
    ) {
        let outcome = RecordingImport.run(recordings: files)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(outcome.document)) as? [String: Any])
        return (json, outcome.notes, try FixtureLoader.load(json: outcome.document, source: "imported"))
    }

    @Test(arguments: [
        (
            "GET__api_atlas_v2_groups_5e4b7c2a9d1f3a6b8c0d2e4f_flexClusters_flex-1_backup_snapshots_1.snaphost",
            "GET", "/api/atlas/v2/groups/5e4b7c2a9d1f3a6b8c0d2e4f/flexClusters/flex-1/backup/snapshots"
        ),
        (
            "dir/POST_api_atlas_v2_groups_5e4b7c2a9d1f3a6b8c0d2e4f_clusters_Cluster0_backup_tenant_restore_12.snaphost",
            "POST", "/api/atlas/v2/groups/5e4b7c2a9d1f3a6b8c0d2e4f/clusters/Cluster0/backup/tenant/restore"
        ),
    ])
    func theRecorderFileNameGivesTheRequest(name: String, method: String, path: String) {
        let request = HTTPRecording.request(fromFileName: name)
        #expect(request.method == method)
        #expect(request.path == path)
    }

    @Test(arguments: [
        "restores.txt", "GET_something_else.snaphost", "FETCH__api_atlas_v2_groups_1.snaphost", "GET__api_x.snaphost",
    ])
    func otherFileNamesNameNoRequest(name: String) {
        #expect(HTTPRecording.request(fromFileName: name).path == nil)
    }

    @Test func readsTheLastResponseOfACurlDigestTranscriptWithCRLF() throws {
        let text =
            "HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm=\"MMS Public API\"\r\nContent-Length: 106\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.atlas.2023-01-01+json;charset=utf-8\r\nRatelimit-Limit:  1200\r\n\r\n{\"a\":1}"
        let recording = try HTTPRecording.parse(Array(text.utf8), source: "saved.txt").get()
        #expect(recording.status == 200)
        #expect(recording.header("ratelimit-limit") == "1200")
        #expect(recording.body == Array("{\"a\":1}".utf8))
        #expect(recording.path == nil)
    }

    @Test func aFileWithoutHeadersIsNoRecording() {
        guard case .failure(let error) = HTTPRecording.parse(Array("HTTP/1.1 200 OK\n".utf8), source: "cut.txt") else {
            Issue.record("a status line alone parsed")
            return
        }
        #expect(error.description == "cut.txt: not an HTTP response (no status line and headers)")
    }

    /// Flex jobs (`instanceName`) become the format's one job record (`clusterName`); a job seen PENDING and then
    /// COMPLETED is kept COMPLETED, whichever recording comes last; an unknown field is dropped with a note.
    @Test func flexRestoreJobsBecomeJobRecordsOfAFlexAPICluster() throws {
        let base = "GET__api_atlas_v2_groups_\(Self.project)_flexClusters_flex-1_backup_restoreJobs"
        let pending =
            #"{"deliveryType":"RESTORE","id":"6a7309a08b7c6d5e4f3a2b1c","instanceName":"flex-1","projectId":"\#(Self.project)","snapshotId":"6a72feddc3a1f0e2b4d6a8b2","status":"PENDING","targetDeploymentItemName":"flex-2"}"#
        let completed = pending.replacingOccurrences(of: "PENDING", with: "COMPLETED")
            .replacingOccurrences(of: #""status""#, with: #""newField":true,"status""#)
        let (json, notes, fixtures) = try Self.imported([
            ("\(base)_6a7309a08b7c6d5e4f3a2b1c_2.snaphost", Self.recording("200 OK", completed)),
            ("\(base)_1.snaphost", Self.recording("200 OK", #"{"links":[],"results":[\#(pending)],"totalCount":1}"#)),
        ])
        let job = try #require(fixtures.dataset.restoreJobs.first)
        #expect(fixtures.dataset.restoreJobs.count == 1)
        #expect(job.clusterName == "flex-1" && job.status == .completed && job.targetDeploymentItemName == "flex-2")
        #expect(
            fixtures.dataset.clusters == [
                Cluster(projectId: Self.project, name: "flex-1", kind: .flex(origin: .flexAPI))
            ])
        #expect(notes.contains { $0.hasSuffix("_2.snaphost: $.newField: not a field of the fixture format; dropped") })
        #expect((json["tenantRestoreJobs"] as? [[String: Any]])?.first?["instanceName"] == nil)
    }

    @Test func clustersAreTypedFromThePathsAndBodies() throws {
        func name(_ method: String, _ tail: String) -> String {
            "\(method)__api_atlas_v2_groups_\(Self.project)_\(tail)_1.snaphost"
        }
        func snapshots(_ id: String) -> String {
            #"{"links":[],"results":[{"id":"\#(id)","status":"COMPLETED"}],"totalCount":1}"#
        }
        let m5 =
            #"{"name":"Small","replicationSpecs":[{"regionConfigs":[{"electableSpecs":{"instanceSize":"M5"},"providerName":"TENANT"}]}]}"#
        let flexOnClusterAPI = #"{"name":"ViaCreate","replicationSpecs":[{"regionConfigs":[{"providerName":"FLEX"}]}]}"#
        let refused =
            #"{"detail":"x","error":400,"errorCode":"CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API","parameters":["FlexOnly"],"reason":"Bad Request"}"#
        let (_, _, fixtures) = try Self.imported([
            (name("GET", "clusters_Small"), Self.recording("200 OK", m5)),
            (
                name("GET", "clusters_Small_backup_tenant_snapshots"),
                Self.recording("200 OK", snapshots("6a705bddc3a1f0e2b4d6a8b0"))
            ),
            (name("GET", "clusters_ViaCreate"), Self.recording("200 OK", flexOnClusterAPI)),
            (
                name("GET", "flexClusters_Migrated_backup_snapshots"),
                Self.recording("200 OK", snapshots("6a705bddc3a1f0e2b4d6a8b1"))
            ),
            (
                name("GET", "clusters_Migrated_backup_tenant_snapshots"),
                Self.recording("200 OK", snapshots("6a705bddc3a1f0e2b4d6a8b1"))
            ),
            (name("GET", "clusters_FlexOnly_backup_tenant_restores"), Self.recording("400 Bad Request", refused)),
        ])
        #expect(
            fixtures.dataset.clusters.sorted { $0.name < $1.name }.map(\.kind) == [
                .flex(origin: .flexAPI), .flex(origin: .migratedFromShared), .shared(tier: "M5"),
                .flex(origin: .createCluster),
            ])
        #expect(fixtures.dataset.snapshots.count == 2)
        #expect(fixtures.dataset.projects.count == 1 && fixtures.dataset.organizations.count == 1)
    }

    /// Without a recorder file name or a `self` link, restore jobs still name their cluster; snapshots do not.
    @Test func unplacedBodiesPlaceJobsByTheirOwnFieldsAndReportSnapshots() throws {
        let job =
            #"{"clusterName":"Cluster9","id":"6a7309a08b7c6d5e4f3a2b1c","projectId":"\#(Self.project)","snapshotId":"6a72feddc3a1f0e2b4d6a8b2"}"#
        let (_, notes, fixtures) = try Self.imported([
            ("job.txt", Self.recording("200 OK", job)),
            ("snapshot.txt", Self.recording("200 OK", #"{"id":"6a705bddc3a1f0e2b4d6a8b0","status":"COMPLETED"}"#)),
            ("notes.md", Array("# not a recording".utf8)),
            ("gone.txt", Self.recording("404 Not Found", #"{"errorCode":"GROUP_NOT_FOUND"}"#)),
        ])
        #expect(fixtures.dataset.restoreJobs.map(\.clusterName) == ["Cluster9"])
        #expect(fixtures.dataset.clusters.map(\.kind) == [.shared(tier: "M2")])
        #expect(
            notes == [
                "snapshot.txt: $: cannot tell which cluster this belongs to (the file is not named after its request and has no self link); skipped",
                "notes.md: not an HTTP response recording (it does not start with a status line); skipped",
                "gone.txt: HTTP 404 GROUP_NOT_FOUND: an error answer holds no records; skipped",
                "import: cluster Cluster9 of project \(Self.project): tier assumed M2 (the recordings show shared-tier backups; M2 and M5 behave alike)",
                "import: no recording names the projects' organization; created organization \(fixtures.dataset.organizations[0].id)",
            ])
    }

    @Test func aProjectRecordingNamesTheProjectAndItsOrganization() throws {
        let org = "5f1d2c3b4a5e6f7081928374"
        let (_, _, fixtures) = try Self.imported([
            (
                "GET__api_atlas_v2_groups_\(Self.project)_1.snaphost",
                Self.recording("200 OK", #"{"id":"\#(Self.project)","name":"Team","orgId":"\#(org)"}"#)
            ),
            ("GET__api_atlas_v2_orgs_\(org)_1.snaphost", Self.recording("200 OK", #"{"id":"\#(org)","name":"Acme"}"#)),
        ])
        #expect(fixtures.dataset.projects == [Project(id: Self.project, name: "Team", orgId: org)])
        #expect(fixtures.dataset.organizations == [Organization(id: org, name: "Acme")])
    }

    /// Snapshot ids are unique across clusters in fixtures; a second cluster listing the same one keeps it under
    /// the first, with a note, so the document still loads.
    @Test func aSnapshotListedForTwoClustersIsKeptOnce() throws {
        func name(_ cluster: String) -> String {
            "GET__api_atlas_v2_groups_\(Self.project)_flexClusters_\(cluster)_backup_snapshots_1.snaphost"
        }
        let list = #"{"links":[],"results":[{"id":"6a705bddc3a1f0e2b4d6a8b0","status":"COMPLETED"}],"totalCount":1}"#
        let (_, notes, fixtures) = try Self.imported([
            (name("flex-a"), Self.recording("200 OK", list)), (name("flex-b"), Self.recording("200 OK", list)),
        ])
        #expect(fixtures.dataset.snapshots.map(\.clusterName) == ["flex-a"])
        #expect(
            notes.contains(
                "import: snapshot 6a705bddc3a1f0e2b4d6a8b0 is listed for clusters flex-a and flex-b; kept under flex-a")
        )
    }
}
