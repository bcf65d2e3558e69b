import Foundation
import Testing

@testable import AtlasMock

@Suite struct FixtureLoaderTests {
    static let org = #"{"id":"5f1d2c3b4a5e6f7081928374","name":"Org"}"#
    static let project = #"{"id":"32b6e34b3d91647abb20e7b8","name":"P","orgId":"5f1d2c3b4a5e6f7081928374"}"#
    static let cluster = #"{"projectId":"32b6e34b3d91647abb20e7b8","name":"Cluster0","tier":"M2"}"#
    static let base = #""organizations":[\#(org)],"projects":[\#(project)],"clusters":[\#(cluster)]"#
    static let job = #""id":"6937a1c5aaaaaaaaaaaaaaaa","projectId":"32b6e34b3d91647abb20e7b8","clusterName":"Cluster0","snapshotId":"69363f305f2a974a83589f46""#

    static func errors(_ json: String) -> [String] {
        do {
            _ = try FixtureLoader.load(json: Array(json.utf8), source: "test.json")
            return []
        } catch {
            return error.errors.map(\.description)
        }
    }

    /// Errors follow the declaration, whatever the members' order, and `roles` (which must name the key's own
    /// organization) is checked against an `orgId` written after it.
    @Test func errorsDoNotDependOnMemberOrder() {
        let members = [
            #""id":"bad""#, #""projectId":"32b6e34b3d91647abb20e7b8""#, #""clusterName":"Cluster0""#,
            #""snapshotId":"x""#, #""deliveryType":"NOPE""#, #""status":"DONE""#, #""extra":1"#,
        ]
        let expected = [
            "test.json: $.tenantRestoreJobs[0].extra: unknown field (expected one of: id, projectId, clusterName, snapshotId, deliveryType, status, targetDeploymentItemName, targetProjectId, restoreScheduledDate, restoreFinishedDate, snapshotFinishedDate, expirationDate, snapshotUrl, links)",
            "test.json: $.tenantRestoreJobs[0].id: \"bad\" is not a 24-digit lowercase hexadecimal id",
            "test.json: $.tenantRestoreJobs[0].snapshotId: \"x\" is not a 24-digit lowercase hexadecimal id",
            "test.json: $.tenantRestoreJobs[0].deliveryType: \"NOPE\" is not one of RESTORE, DOWNLOAD",
            "test.json: $.tenantRestoreJobs[0].status: \"DONE\" is not one of PENDING, QUEUED, RUNNING, FAILED, COMPLETED",
        ]
        for order in [members, members.reversed()] {
            let json = #"{\#(Self.base),"tenantRestoreJobs":[{"# + order.joined(separator: ",") + "}]}"
            #expect(Self.errors(json) == expected)
        }
        let rolesFirst = #"{"organizations":[\#(Self.org)],"apiKeys":[{"roles":[{"orgId":"5f1d2c3b4a5e6f7081928375","roleName":"ORG_MEMBER"}],"publicKey":"k","privateKey":"p","orgId":"5f1d2c3b4a5e6f7081928374"}]}"#
        #expect(
            Self.errors(rolesFirst) == [
                "test.json: $.apiKeys[0].roles[0].orgId: \"5f1d2c3b4a5e6f7081928375\" is not the credential's organization \"5f1d2c3b4a5e6f7081928374\""
            ])
    }

    /// One table row per validation error class, with the exact message users see.
    @Test(arguments: [
        (#"{\#(base),"bogus":[]}"#,
         #"test.json: $.bogus: unknown field (expected one of: organizations, projects, clusters, tenantRestoreJobs, tenantSnapshots, apiKeys, serviceAccounts, faults)"#),
        (#"{\#(base),"tenantRestoreJobs":[{\#(job),"status":7}]}"#,
         "test.json: $.tenantRestoreJobs[0].status: expected a string, found a number"),
        (#"{\#(base),"tenantRestoreJobs":[{\#(job),"status":"DONE"}]}"#,
         "test.json: $.tenantRestoreJobs[0].status: \"DONE\" is not one of PENDING, QUEUED, RUNNING, FAILED, COMPLETED"),
        (#"{\#(base),"tenantRestoreJobs":[{\#(job),"deliveryType":"EMAIL"}]}"#,
         "test.json: $.tenantRestoreJobs[0].deliveryType: \"EMAIL\" is not one of RESTORE, DOWNLOAD"),
        (#"{\#(base),"tenantRestoreJobs":[{\#(job),"restoreScheduledDate":"2025-02-30T00:00:00Z"}]}"#,
         "test.json: $.tenantRestoreJobs[0].restoreScheduledDate: \"2025-02-30T00:00:00Z\" is not an RFC 3339 date-time"),
        (#"{"organizations":[{"id":"5F1D2C3B4A5E6F7081928374","name":"Org"}]}"#,
         "test.json: $.organizations[0].id: \"5F1D2C3B4A5E6F7081928374\" is not a 24-digit lowercase hexadecimal id"),
        (#"{\#(base),"tenantRestoreJobs":[{"projectId":"32b6e34b3d91647abb20e7b8","clusterName":"Cluster0","snapshotId":"69363f305f2a974a83589f46"}]}"#,
         "test.json: $.tenantRestoreJobs[0].id: missing required field"),
        (#"{"organizations":[\#(org)],"projects":[\#(project)],"clusters":[{"projectId":"32b6e34b3d91647abb20e7b8","name":"-bad","tier":"M2"}]}"#,
         "test.json: $.clusters[0].name: \"-bad\" does not match ^[a-zA-Z0-9][a-zA-Z0-9-]*$"),
        (#"{"organizations":[\#(org)],"projects":[\#(project)],"clusters":[{"projectId":"32b6e34b3d91647abb20e7b8","name":"C","tier":"M3"}]}"#,
         "test.json: $.clusters[0].tier: \"M3\" is not a tier (expected one of: M0, M2, M5, FLEX, M10, M20, M30, M40, M50, M60, M80, M100, M140, M200, M300, M400, M700, R40, R50, R60, R80, R200, R300, R400, R700, M40_NVME, M50_NVME, M60_NVME, M80_NVME, M200_NVME, M400_NVME)"),
        (#"{"organizations":[\#(org)],"projects":[\#(project)],"clusters":[{"projectId":"32b6e34b3d91647abb20e7b8","name":"C","tier":"FLEX"}]}"#,
         "test.json: $.clusters[0].flexOrigin: missing required field (FLEX clusters need flexOrigin)"),
        (#"{"organizations":[\#(org)],"projects":[\#(project)],"clusters":[{"projectId":"32b6e34b3d91647abb20e7b8","name":"C","tier":"M2","flexOrigin":"flexAPI"}]}"#,
         "test.json: $.clusters[0].flexOrigin: only FLEX clusters have a flexOrigin"),
        (#"{"projects":[\#(project)]}"#,
         "test.json: $.projects[0].orgId: organization \"5f1d2c3b4a5e6f7081928374\" does not exist"),
        (#"{\#(base),"tenantRestoreJobs":[{\#(job.replacingOccurrences(of: "Cluster0", with: "Nope"))}]}"#,
         "test.json: $.tenantRestoreJobs[0].clusterName: cluster \"Nope\" does not exist in project 32b6e34b3d91647abb20e7b8"),
        (#"{"organizations":[\#(org),\#(org)]}"#,
         "test.json: $.organizations[1].id: duplicate organization id \"5f1d2c3b4a5e6f7081928374\" (first defined at test.json $.organizations[0])"),
        (#"{"organizations":[\#(org)],"apiKeys":[{"publicKey":"k","privateKey":"p","orgId":"5f1d2c3b4a5e6f7081928374","roles":[{"orgId":"5f1d2c3b4a5e6f7081928374","roleName":"ORG_GOD"}]}]}"#,
         "test.json: $.apiKeys[0].roles[0].roleName: \"ORG_GOD\" is not an organization role (expected one of: ORG_OWNER, ORG_GROUP_CREATOR, ORG_BILLING_ADMIN, ORG_BILLING_READ_ONLY, ORG_READ_ONLY, ORG_MEMBER)"),
        (#"{"organizations":[\#(org)],"apiKeys":[{"publicKey":"k","privateKey":"p","orgId":"5f1d2c3b4a5e6f7081928374","roles":[{"groupId":"32b6e34b3d91647abb20e7b8","roleName":"GROUP_READ_ONLY"}]}]}"#,
         "test.json: $.apiKeys[0].roles: project \"32b6e34b3d91647abb20e7b8\" does not exist"),
        (#"{"organizations":[\#(org)],"serviceAccounts":[{"clientId":"c","clientSecret":"s","orgId":"5f1d2c3b4a5e6f7081928374","roles":[],"accessList":[{"cidrBlock":"10.0.0.300/8"}]}]}"#,
         "test.json: $.serviceAccounts[0].accessList[0].cidrBlock: \"10.0.0.300/8\" is not a CIDR block"),
        (#"{"faults":[{"path":"/x","errorCode":"NOPE_CODE"}]}"#,
         "test.json: $.faults[0].errorCode: \"NOPE_CODE\" is not in atlas-mock's error catalog (expected one of: " + AtlasErrorCode.allCases.map(\.rawValue).joined(separator: ", ") + ")"),
        ("{\"organizations\": [\n  {\"id\": 1,}\n]}", "test.json: $: invalid JSON at line 2, column 12: expected a quoted member name"),
        (#"{"organizations":[{"id":"5f1d2c3b4a5e6f7081928374","id":"5f1d2c3b4a5e6f7081928375","name":"O"}]}"#,
         "test.json: $.organizations[0].id: duplicate field"),
        ("[]", "test.json: $: expected an object, found an array"),
    ])
    func reportsError(json: String, message: String) {
        #expect(Self.errors(json) == [message])
    }

    @Test func reportsAllErrorsAtOnceAndLoadsNothing() {
        let json = #"{\#(Self.base),"tenantRestoreJobs":[{\#(Self.job),"status":"DONE","deliveryType":1},{"id":"x"}]}"#
        #expect(
            Self.errors(json) == [
                "test.json: $.tenantRestoreJobs[0].deliveryType: expected a string, found a number",
                "test.json: $.tenantRestoreJobs[0].status: \"DONE\" is not one of PENDING, QUEUED, RUNNING, FAILED, COMPLETED",
                "test.json: $.tenantRestoreJobs[1].id: \"x\" is not a 24-digit lowercase hexadecimal id",
                "test.json: $.tenantRestoreJobs[1].projectId: missing required field",
                "test.json: $.tenantRestoreJobs[1].clusterName: missing required field",
                "test.json: $.tenantRestoreJobs[1].snapshotId: missing required field",
            ])
    }

    @Test func loadsAPastedAtlasListResponse() throws {
        let base = try FixtureLoader.load(json: Array("{\(Self.base)}".utf8), source: "base.json")
        let list = #"{"links":[{"href":"https://cloud.mongodb.com/x","rel":"self"}],"results":[{\#(Self.job),"links":[],"status":"COMPLETED"}],"totalCount":1}"#
        let loaded = try FixtureLoader.load(json: Array(list.utf8), source: "list.json", onto: base)
        #expect(loaded.dataset.restoreJobs.map(\.status) == [.completed])
    }

    @Test func directoriesLoadInNameOrderAndDuplicatesAcrossFilesAreCaught() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fixtures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // The project refers forwards, into a later file.
        try Data(#"{"projects":[\#(Self.project)]}"#.utf8).write(to: directory.appendingPathComponent("a.json"))
        try Data(#"{"organizations":[\#(Self.org)]}"#.utf8).write(to: directory.appendingPathComponent("b.json"))
        try Data("ignored".utf8).write(to: directory.appendingPathComponent("notes.txt"))
        let loaded = try FixtureLoader.load(paths: [directory.path])
        #expect(loaded.dataset.projects.count == 1)

        let again = directory.appendingPathComponent("b.json").path
        #expect(throws: FixtureErrors.self) { try FixtureLoader.load(paths: [directory.path, again]) }
        do {
            _ = try FixtureLoader.load(paths: [directory.path, again])
        } catch {
            #expect(
                error.errors.map(\.message) == [
                    "duplicate organization id \"5f1d2c3b4a5e6f7081928374\" (first defined at \(again) $.organizations[0])"
                ])
        }
    }

    @Test func aDirectoryWithoutJSONFilesIsAnError() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("fixtures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("ignored".utf8).write(to: directory.appendingPathComponent("README.md"))
        do {
            _ = try FixtureLoader.load(paths: [directory.path])
            Issue.record("an empty fixture directory loaded")
        } catch {
            #expect(error.errors.map(\.description) == ["\(directory.path): $: the directory holds no *.json files"])
        }
    }

    /// A raw control character in a string is refused where it stands, wherever it falls among the bytes the
    /// reader tests eight at a time (every lane of a word, and the tail), after ASCII or multi-byte text.
    @Test func rawControlCharactersInStringsAreRefusedWhereTheyStand() {
        for control in [0x00, 0x01, 0x09, 0x0A, 0x1F] as [UInt8] {
            for padding in ["", "a", "ab", "abc", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh", "é", "éé€"] {
                let prefix = Array(#"{"organizations":[{"name":"x","id":""#.utf8) + Array(padding.utf8)
                for tail in [#""}]}"#, #"","name":"y"}]}"#] {
                    let json = prefix + [control] + Array(tail.utf8)
                    var reported: [String] = []
                    do {
                        _ = try FixtureLoader.load(json: json, source: "test.json")
                    } catch {
                        reported = error.errors.map(\.description)
                    }
                    #expect(
                        reported == [
                            "test.json: $: invalid JSON at line 1, column \(prefix.count + 1): unescaped control character in a string"
                        ], "byte \(control) after \(padding.debugDescription)")
                }
            }
        }
    }

    /// A large array is decoded in chunks on several cores (`ResourceSchema+Concurrent`); what users see is the
    /// serial decoder's: errors in element order, each record's in declaration order, and records left out as
    /// invalid shift no later record's location (the duplicate at the end is named by its own index).
    @Test func aLargeArrayReportsErrorsInElementOrder() throws {
        let count = 20_000
        let invalid = [0, 1_023, 1_024, 4_095, 4_096, 8_191, 8_192, 12_000, 16_383, 16_384, 19_998]
        func id(_ index: Int) -> String { String(format: "%024x", index == count - 1 ? 2 : index) }
        var json = "{\(Self.base),\"tenantRestoreJobs\":["
        for index in 0..<count {
            if index > 0 { json += "," }
            let snapshot = invalid.contains(index) ? "x" : "69363f305f2a974a83589f46"
            let extra = index == 12_000 ? #","extra":true"# : ""
            json += #"{"clusterName":"Cluster0","id":"\#(id(index))","projectId":"32b6e34b3d91647abb20e7b8","restoreScheduledDate":"2025-12-09T14:21:05Z","snapshotId":"\#(snapshot)","status":"COMPLETED"\#(extra)}"#
        }
        json += "]}"
        #expect(json.utf8.count > 2 << 20, "large enough to be decoded in chunks")
        var expected: [String] = []
        for index in invalid {
            if index == 12_000 {
                expected.append(
                    "test.json: $.tenantRestoreJobs[12000].extra: unknown field (expected one of: id, projectId, clusterName, snapshotId, deliveryType, status, targetDeploymentItemName, targetProjectId, restoreScheduledDate, restoreFinishedDate, snapshotFinishedDate, expirationDate, snapshotUrl, links)"
                )
            }
            expected.append("test.json: $.tenantRestoreJobs[\(index)].snapshotId: \"x\" is not a 24-digit lowercase hexadecimal id")
        }
        expected.append(
            "test.json: $.tenantRestoreJobs[19999].id: duplicate restore job id \"\(id(2))\" (first defined at test.json $.tenantRestoreJobs[2])")
        #expect(Self.errors(json) == expected)
    }

    /// Not a benchmark, a guard against accidentally quadratic loading; the README quotes the measured figure.
    @Test func loadsManyRestoreJobs() throws {
        var json = "{\(Self.base),\"tenantRestoreJobs\":["
        for index in 0..<10_000 {
            if index > 0 { json += "," }
            json += #"{"clusterName":"Cluster0","id":"\#(String(format: "%024x", index))","projectId":"32b6e34b3d91647abb20e7b8","restoreScheduledDate":"2025-12-09T14:21:05Z","snapshotId":"69363f305f2a974a83589f46","status":"COMPLETED"}"#
        }
        json += "]}"
        let loaded = try FixtureLoader.load(json: Array(json.utf8), source: "many.json")
        #expect(loaded.dataset.restoreJobs.count == 10_000)
    }
}
