import Foundation
import Testing

@testable import AtlasMock

/// Responses saved from Atlas load as fixtures, whatever the endpoint: recognised by their fields, the cluster of
/// snapshots taken from the path (a `self` link, or a recording's file name).
@Suite struct SavedResponseTests {
    static let project = "32b6e34b3d91647abb20e7b8"
    static let flexBase = "http://localhost:8080/api/atlas/v2/groups/\(project)/flexClusters/FlexCluster0/backup"

    static func load(_ json: String, source: String = "saved.json") throws(FixtureErrors) -> Fixtures {
        try FixtureLoader.load(json: Array(json.utf8), source: source, onto: .default)
    }

    static func errors(_ json: String, source: String = "saved.json") -> [String] {
        do {
            _ = try Self.load(json, source: source)
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    static let flexJob =
        #"{"deliveryType":"RESTORE","expirationDate":"2026-08-05T16:00:00Z","id":"6a7309a08b7c6d5e4f3a2b1c","instanceName":"FlexCluster0","projectId":"\#(project)","restoreScheduledDate":"2026-08-05T10:00:00Z","snapshotId":"6a72feddc3a1f0e2b4d6a8b2","status":"PENDING","targetDeploymentItemName":"FlexCluster0","targetProjectId":"\#(project)"}"#
    static let snapshot =
        #"{"expiration":"2026-08-13T09:14:05Z","finishTime":"2026-08-05T09:16:19Z","id":"6a72feddc3a1f0e2b4d6a8b2","mongoDBVersion":"8.0.12","scheduledTime":"2026-08-05T09:14:05Z","startTime":"2026-08-05T09:14:05Z","status":"COMPLETED"}"#

    @Test func aFlexRestoreJobListLoadsItsJobs() throws {
        let list =
            #"{"links":[{"href":"\#(Self.flexBase)/restoreJobs?includeCount=true&pageNum=1&itemsPerPage=100","rel":"self"}],"results":[\#(Self.flexJob)],"totalCount":1}"#
        let fixtures = try Self.load(list)
        let job = try #require(fixtures.dataset.restoreJobs.first { $0.id == "6a7309a08b7c6d5e4f3a2b1c" })
        #expect(job.clusterName == "FlexCluster0" && job.status == .pending)
    }

    @Test func aFlexSnapshotListLoadsUnderTheClusterItsSelfLinkNames() throws {
        let list =
            #"{"links":[{"href":"\#(Self.flexBase)/snapshots?includeCount=true&pageNum=1&itemsPerPage=100","rel":"self"}],"results":[\#(Self.snapshot)],"totalCount":1}"#
        let fixtures = try Self.load(list)
        let snapshot = try #require(fixtures.dataset.snapshots.first { $0.id == "6a72feddc3a1f0e2b4d6a8b2" })
        #expect(snapshot.clusterName == "FlexCluster0" && snapshot.projectId == Self.project)
        #expect(fixtures.dataset.restoreJobs.count == Fixtures.default.dataset.restoreJobs.count)
    }

    @Test func singleEntitiesLoadToo() throws {
        #expect(try Self.load(Self.flexJob).dataset.restoreJobs.contains { $0.id == "6a7309a08b7c6d5e4f3a2b1c" })
        let tenantSnapshot = Self.snapshot.replacingOccurrences(
            of: #""mongoDBVersion""#,
            with:
                #""links":[{"href":"http://localhost:8080/api/atlas/v2/groups/\#(Self.project)/clusters/Cluster1/backup/tenant/snapshots/6a72feddc3a1f0e2b4d6a8b2","rel":"self"}],"mongoDBVersion""#
        )
        let loaded = try Self.load(tenantSnapshot).dataset.snapshots.first { $0.id == "6a72feddc3a1f0e2b4d6a8b2" }
        #expect(loaded?.clusterName == "Cluster1")
    }

    @Test func aRecordingLoadsWithThePathOfItsFileName() throws {
        let name = "GET__api_atlas_v2_groups_\(Self.project)_flexClusters_MigratedFlex0_backup_snapshots_1.snaphost"
        let recording =
            "HTTP/2.0 200 OK\nContent-Type: application/vnd.atlas.2024-11-13+json;charset=utf-8\n\n"
            + #"{"links":[],"results":[\#(Self.snapshot)],"totalCount":1}"#
        let fixtures = try Self.load(recording, source: "recordings/" + name)
        #expect(
            fixtures.dataset.snapshots.first { $0.id == "6a72feddc3a1f0e2b4d6a8b2" }?.clusterName == "MigratedFlex0")
        #expect(
            Self.errors("HTTP/2.0 404 Not Found\n\n{}", source: name)
                == ["\(name): $: a recorded HTTP 404 answer holds no fixture records"])
        #expect(
            Self.errors("HTTP/2.0 200 OK\n\n{}", source: "GET__api_atlas_v2_groups_\(Self.project)_1.snaphost")
                == [
                    "GET__api_atlas_v2_groups_\(Self.project)_1.snaphost: $: /api/atlas/v2/groups/\(Self.project) holds no fixture records (only restore jobs and snapshots load; atlas-mock import maps the rest)"
                ])
    }

    /// Every error at once, with paths into the saved file; the validator names the cluster field as the file
    /// does (`instanceName` in a Flex list).
    @Test func validationStaysStrictWithPathsIntoTheSavedFile() {
        let bad = Self.flexJob.replacingOccurrences(of: "PENDING", with: "DONE")
            .replacingOccurrences(of: "\"FlexCluster0\",\"projectId", with: "\"Nowhere0\",\"projectId")
            .replacingOccurrences(of: "6a7309a08b7c6d5e4f3a2b1c", with: "6a7309a08b7c6d5e4f3a2b1d")
        #expect(
            Self.errors(#"{"links":[],"results":[\#(Self.flexJob),\#(bad)],"totalCount":2,"extra":1}"#) == [
                "saved.json: $.results[1].status: \"DONE\" is not one of PENDING, QUEUED, RUNNING, FAILED, COMPLETED",
                "saved.json: $.extra: unknown field (expected one of: links, results, totalCount)",
                "saved.json: $.results[1].instanceName: cluster \"Nowhere0\" does not exist in project \(Self.project)",
            ])
        #expect(
            Self.errors(#"{"results":[\#(Self.snapshot)]}"#) == [
                "saved.json: $: snapshots do not name their cluster, and neither a recorder file name nor a self link gives the path they were listed at (put them under tenantSnapshots with projectId and clusterName)"
            ])
    }
}
