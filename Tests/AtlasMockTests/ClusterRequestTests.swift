import Testing

@testable import AtlasMock

/// Request bodies of the project, cluster and Flex operations: what passes, and the exact error for what does not.
@Suite struct ClusterRequestTests {
    static func error(_ body: () throws(AtlasFailure) -> Void) -> String? {
        do throws(AtlasFailure) {
            try body()
            return nil
        } catch {
            guard case .api(let code, let parameters, _) = error else { return "not an api error" }
            return ([code.rawValue] + parameters.map(\.text)).joined(separator: " ")
        }
    }

    static func check(_ schema: RequestSchema, _ body: String, current: JSONValue? = nil) -> String? {
        Self.error { () throws(AtlasFailure) in _ = try schema.check(Array(body.utf8), current: current) }
    }

    @Test func theGoSDKsGroupWithZeroReadOnlyFieldsIsAccepted() throws {
        let body = #"{"clusterCount":0,"created":"0001-01-01T00:00:00Z","name":"p1","orgId":"5f1d2c3b4a5e6f7081928374","withDefaultAlertsSettings":true}"#
        let members = try ClusterRequestSchemas.group.check(Array(body.utf8))
        #expect(members.keys.sorted() == ["name", "orgId", "withDefaultAlertsSettings"])
    }

    @Test(arguments: [
        (#"{"name":"p1","orgId":"5f1d2c3b4a5e6f7081928374","clusterCount":3}"#, "ATTRIBUTE_READ_ONLY clusterCount"),
        (#"{"name":"p1","orgId":"5f1d2c3b4a5e6f7081928374","created":"2026-01-01T00:00:00Z"}"#, "ATTRIBUTE_READ_ONLY created"),
        (#"{"name":"p1","orgId":"5f1d2c3b4a5e6f7081928374","colour":"red"}"#, "INVALID_ATTRIBUTE colour"),
        (#"{"name":"p1"}"#, "MISSING_ATTRIBUTE orgId"),
        (#"{"name":7,"orgId":"5f1d2c3b4a5e6f7081928374"}"#, "INVALID_JSON_ATTRIBUTE name"),
        (#"{"name":"no/slash","orgId":"5f1d2c3b4a5e6f7081928374"}"#, "INVALID_GROUP_NAME no/slash"),
        (#"{"name":"p1","orgId":"nope"}"#, "INVALID_JSON_ATTRIBUTE orgId"),
        (#"{"name":"p1","orgId":"5f1d2c3b4a5e6f7081928374","tags":[{"key":"k"}]}"#, "MISSING_ATTRIBUTE tags.value"),
        (#"{"name":"p1","orgId":"5f1d2c3b4a5e6f7081928374","regionUsageRestrictions":"MARS"}"#, "INVALID_ENUM_VALUE MARS"),
        (#"["name"]"#, "INVALID_JSON"),
        (#"{"name":"#, "MALFORMED_JSON"),
    ])
    func badGroupBodiesGetAtlasErrors(body: String, expected: String) {
        #expect(Self.check(ClusterRequestSchemas.group, body) == expected)
    }

    @Test func anUnchangedReadOnlyValueIsAcceptedOnUpdate() {
        let current = JSONValue.object(["id": .string("6a793f632c88faeba59ba9d2"), "stateName": .string("IDLE")])
        let body = #"{"id":"6a793f632c88faeba59ba9d2","stateName":"IDLE","terminationProtectionEnabled":true}"#
        #expect(Self.check(ClusterRequestSchemas.cluster(.current, create: false), body, current: current) == nil)
        #expect(
            Self.check(ClusterRequestSchemas.cluster(.current, create: false), #"{"stateName":"UPDATING"}"#, current: current)
                == "ATTRIBUTE_READ_ONLY stateName")
    }

    @Test(arguments: [
        (#"{"name":"f1","providerSettings":{"backingProviderName":"AWS","regionName":"US_EAST_1"}}"#, nil),
        (#"{"name":"f1","providerSettings":{"backingProviderName":"AWS","regionName":"MOON_1"}}"#, "INVALID_REGION MOON_1 AWS"),
        (#"{"name":"f1","providerSettings":{"backingProviderName":"IBM","regionName":"US_EAST_1"}}"#, "INVALID_ENUM_VALUE IBM"),
        (#"{"name":"f1","providerSettings":{"regionName":"US_EAST_1"}}"#, "MISSING_ATTRIBUTE providerSettings.backingProviderName"),
        (#"{"name":"f1"}"#, "MISSING_ATTRIBUTE providerSettings"),
        (#"{"name":"-f1","providerSettings":{"backingProviderName":"AWS","regionName":"US_EAST_1"}}"#, "CLUSTER_NAME_INVALID -f1"),
        (#"{"name":"f1","providerSettings":{"backingProviderName":"AWS","regionName":"US_EAST_1","diskSizeGB":10}}"#,
         "ATTRIBUTE_READ_ONLY providerSettings.diskSizeGB"),
        (#"{"name":"f1","providerSettings":{"backingProviderName":"AWS","regionName":"US_EAST_1"},"terminationProtectionEnabled":"yes"}"#,
         "INVALID_JSON_ATTRIBUTE terminationProtectionEnabled"),
    ])
    func flexCreateBodies(body: String, expected: String?) {
        let failure = Self.error { () throws(AtlasFailure) in
            _ = try ClusterRequests.flexCreate(try ClusterRequestSchemas.flexCreate.check(Array(body.utf8)))
        }
        #expect(failure == expected)
    }

    @Test func aClusterNameLongerThan64IsRefusedWithTheLimit() {
        let name = String(repeating: "a", count: 65)
        let body = #"{"name":"\#(name)","providerSettings":{"backingProviderName":"AWS","regionName":"US_EAST_1"}}"#
        #expect(Self.check(ClusterRequestSchemas.flexCreate, body) == "CLUSTER_NAME_TOO_LONG \(name) 64")
    }

    static let m0Body = #"""
        {"clusterType":"REPLICASET","name":"sdk-check-m0","replicationSpecs":[{"regionConfigs":[{"backingProviderName":"AWS","electableSpecs":{"instanceSize":"M0"},"priority":7,"providerName":"TENANT","regionName":"US_EAST_1"}],"zoneName":"Zone 1"}]}
        """#

    @Test func aTenantCreateNamesItsSizeProviderAndRegion() throws {
        let members = try ClusterRequestSchemas.cluster(.current, create: true).check(Array(Self.m0Body.utf8))
        let request = try ClusterRequests.clusterCreate(members, view: .current, clusterId: "6a793f722c88faeba59bba21")
        #expect(request.name == "sdk-check-m0" && request.tags == nil && !request.terminationProtectionEnabled)
        #expect(request.target == .tenant(instanceSize: "M0", backingProviderName: "AWS", regionName: "US_EAST_1"))
    }

    @Test func aDedicatedCreateKeepsItsTopologyAndEchoedSettings() throws {
        let body = #"{"name":"d1","clusterType":"REPLICASET","pitEnabled":true,"replicationSpecs":[{"regionConfigs":[{"electableSpecs":{"instanceSize":"M10","nodeCount":3,"diskSizeGB":10},"priority":7,"providerName":"AWS","regionName":"EU_WEST_1"}]}]}"#
        let members = try ClusterRequestSchemas.cluster(.current, create: true).check(Array(body.utf8))
        let request = try ClusterRequests.clusterCreate(members, view: .current, clusterId: "6a793f722c88faeba59bba21")
        guard case .dedicated(let topology, let region) = request.target else {
            Issue.record("not dedicated: \(request.target)")
            return
        }
        #expect(region == "EU_WEST_1" && topology.instanceSize == "M10")
        #expect(topology.replicationSpecs[0].regionConfigs[0].electableSpecs?.diskSizeGB == "10")
        #expect(topology.settings["pitEnabled"] == .bool(true))
        #expect(topology.replicationSpecs[0].zoneName == "Zone 1")
    }

    @Test(arguments: [
        (#"{"name":"c1","replicationSpecs":[{"regionConfigs":[{"electableSpecs":{"instanceSize":"M10"},"providerName":"IBM","regionName":"US_EAST_1"}]}]}"#,
         "INVALID_PROVIDER IBM"),
        (#"{"name":"c1","replicationSpecs":[{"regionConfigs":[{"electableSpecs":{"instanceSize":"M10"},"providerName":"GCP","regionName":"US_EAST_1"}]}]}"#,
         "INVALID_REGION US_EAST_1 GCP"),
        (#"{"name":"c1","replicationSpecs":[{"regionConfigs":[{"electableSpecs":{"instanceSize":"M7"},"providerName":"AWS","regionName":"US_EAST_1"}]}]}"#,
         "INVALID_ENUM_VALUE M7"),
        (#"{"name":"c1","replicationSpecs":[{"regionConfigs":[{"electableSpecs":{"instanceSize":"M10"},"providerName":"TENANT","regionName":"US_EAST_1"}]}]}"#,
         "MISSING_ATTRIBUTE replicationSpecs.regionConfigs.backingProviderName"),
        (#"{"name":"c1","clusterType":"RING","replicationSpecs":[]}"#, "INVALID_ENUM_VALUE RING"),
        (#"{"name":"c1"}"#, "MISSING_ATTRIBUTE replicationSpecs"),
        (#"{"replicationSpecs":[]}"#, "MISSING_ATTRIBUTE name"),
        (#"{"name":"c1","stateName":"IDLE","replicationSpecs":[]}"#, "ATTRIBUTE_READ_ONLY stateName"),
    ])
    func badClusterBodies(body: String, expected: String) {
        let failure = Self.error { () throws(AtlasFailure) in
            let members = try ClusterRequestSchemas.cluster(.current, create: true).check(Array(body.utf8))
            _ = try ClusterRequests.clusterCreate(members, view: .current, clusterId: "6a793f722c88faeba59bba21")
        }
        #expect(failure == expected)
    }

    @Test func aTenantUpgradeNamesADedicatedOrFlexTarget() throws {
        let dedicated = #"{"name":"c1","providerSettings":{"providerName":"AWS","instanceSizeName":"M10","regionName":"US_EAST_1"},"diskSizeGB":40,"tags":[{"key":"env","value":"e2e"}]}"#
        let members = try ClusterRequestSchemas.tenantUpgrade.check(Array(dedicated.utf8))
        guard case .dedicated(let topology, _) = try ClusterRequests.legacyTarget(members, clusterId: "6a793f722c88faeba59bba21")
        else {
            Issue.record("not dedicated")
            return
        }
        #expect(topology.instanceSize == "M10" && topology.replicationSpecs[0].regionConfigs[0].electableSpecs?.diskSizeGB == "40")
        #expect(ClusterRequests.tags(in: members) == [ResourceTag(key: "env", value: "e2e")])
        let flex = #"{"name":"c1","providerSettings":{"providerName":"FLEX","instanceSizeName":"FLEX","backingProviderName":"AWS","regionName":"US_EAST_1"}}"#
        let flexMembers = try ClusterRequestSchemas.tenantUpgrade.check(Array(flex.utf8))
        #expect(try ClusterRequests.legacyTarget(flexMembers, clusterId: "x") == .flex(backingProviderName: "AWS", regionName: "US_EAST_1"))
        #expect(Self.check(ClusterRequestSchemas.tenantUpgrade, #"{"name":"c1"}"#) == "MISSING_ATTRIBUTE providerSettings")
    }
}

/// The new cluster and project fields in fixtures: defaults, strict checks, and a round trip.
@Suite struct ClusterFixtureTests {
    static let head = #""organizations":[{"id":"5f1d2c3b4a5e6f7081928374","name":"Org"}],"projects":[{"id":"32b6e34b3d91647abb20e7b8","name":"P","orgId":"5f1d2c3b4a5e6f7081928374","created":"2025-01-02T03:04:05Z","tags":[{"key":"env","value":"ci"}]}]"#

    static func load(_ clusters: String) throws(FixtureErrors) -> Fixtures {
        try FixtureLoader.load(json: Array(#"{\#(Self.head),"clusters":[\#(clusters)]}"#.utf8), source: "test.json")
    }

    @Test func clustersNamedOnlyByProjectNameAndTierGetStableDefaults() throws {
        let fixtures = try Self.load(#"{"projectId":"32b6e34b3d91647abb20e7b8","name":"C","tier":"M5"}"#)
        let cluster = try #require(fixtures.dataset.clusters.first)
        let again = try #require(try Self.load(#"{"projectId":"32b6e34b3d91647abb20e7b8","name":"C","tier":"M5"}"#).dataset.clusters.first)
        #expect(Identifiers.isObjectID(cluster.id) && cluster.id == again.id)
        #expect(cluster.lifecycle == .resting(.idle) && !cluster.dailySnapshots && cluster.tenantInstanceSize == "M5")
        #expect(fixtures.dataset.projects.first?.tags == [ResourceTag(key: "env", value: "ci")])
    }

    @Test func everyNewFieldLoadsAndDumpsBack() throws {
        let json = #"{"backingProviderName":"GCP","createDate":"2025-05-05T05:05:05Z","dailySnapshots":true,"flexOrigin":"createCluster","id":"6a793f632c88faeba59ba9d2","instanceSize":"M5","mongoDBVersion":"8.0.30","name":"F","projectId":"32b6e34b3d91647abb20e7b8","regionName":"CENTRAL_US","stateName":"IDLE","tags":[{"key":"a","value":"b"}],"terminationProtectionEnabled":true,"tier":"FLEX","transition":{"seconds":30,"started":"2025-05-05T05:05:05Z","state":"CREATING"},"transitionSeconds":30}"#
        let cluster = try #require(try Self.load(json).dataset.clusters.first)
        #expect(cluster.kind == .flex(origin: .createCluster) && cluster.tenantInstanceSize == "M5")
        #expect(cluster.lifecycle.state(at: AtlasDate.parse("2025-05-05T05:05:10Z")!) == .creating)
        let dumped = String(decoding: JSONWriter.encode(Cluster.schema.encode(cluster), style: .compact), as: UTF8.self)
        #expect(dumped == json)
    }

    @Test(arguments: [
        (#"{"projectId":"32b6e34b3d91647abb20e7b8","name":"C","tier":"M2","instanceSize":"M5"}"#,
         "test.json: $.clusters[0].instanceSize: only createCluster and migratedFromShared FLEX clusters have an instanceSize"),
        (#"{"projectId":"32b6e34b3d91647abb20e7b8","name":"C","tier":"M2","stateName":"ASLEEP"}"#,
         "test.json: $.clusters[0].stateName: \"ASLEEP\" is not one of IDLE, CREATING, UPDATING, DELETING, REPAIRING"),
        (#"{"projectId":"32b6e34b3d91647abb20e7b8","name":"C","tier":"M2","backingProviderName":"IBM"}"#,
         "test.json: $.clusters[0].backingProviderName: \"IBM\" is not one of AWS, GCP, AZURE"),
        (#"{"projectId":"32b6e34b3d91647abb20e7b8","name":"C","tier":"M2","tags":[{"key":""}]}"#,
         "test.json: $.clusters[0].tags[0].value: missing required field"),
        (#"{"projectId":"32b6e34b3d91647abb20e7b8","name":"C","tier":"M2","transitionSeconds":-1}"#,
         "test.json: $.clusters[0].transitionSeconds: -1 is out of range 0...86400"),
    ])
    func badClusterFieldsAreReportedWithTheirPath(cluster: String, expected: String) {
        do {
            _ = try Self.load(cluster)
            Issue.record("loaded")
        } catch {
            #expect(error.errors.map(\.description).contains(expected), "\(error.errors.map(\.description))")
        }
    }
}
